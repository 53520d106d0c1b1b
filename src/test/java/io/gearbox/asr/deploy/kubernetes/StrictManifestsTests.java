package io.gearbox.asr.deploy.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StrictManifests} fails on what fabric8's model would quietly keep aside, so that the chart's tests can fail.
 */
class StrictManifestsTests {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: asr
            spec:
              selector:
                matchLabels: {app: asr}
              template:
                metadata:
                  labels: {app: asr}
                spec:
                  containers:
                    - name: asr
                      image: gearbox-asr:0.1.0
                      %s
            """;

    @Test
    void aKnownObjectWithKnownFieldsParses() {
        assertThat(StrictManifests.parse(DEPLOYMENT.formatted("readinessProbe: {httpGet: {path: /, port: http}}")))
            .singleElement().isInstanceOf(Deployment.class);
    }

    @Test
    void aMisspeltNestedFieldFails() {
        assertThatThrownBy(() -> StrictManifests
            .parse(DEPLOYMENT.formatted("readinesProbe: {httpGet: {path: /, port: http}}")))
            .hasMessageContaining("readinesProbe")
            .hasMessageContaining("Deployment/asr.spec.template.spec.containers[0]");
    }

    @Test
    void aValueOfTheWrongTypeFails() {
        assertThatThrownBy(() -> StrictManifests.parse(DEPLOYMENT.formatted("ports: [{containerPort: [8080]}]")))
            .hasMessageContaining("containerPort");
    }

    @Test
    void aKindTheModelDoesNotKnowFails() {
        assertThatThrownBy(() -> StrictManifests.parse("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"))
            .hasMessageContaining("Gadget");
    }

    @Test
    void thePrometheusOperatorsKindsAreKnown() {
        assertThat(StrictManifests.parse("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: asr}
                spec:
                  selector: {matchLabels: {app: asr}}
                  endpoints: [{port: http, path: /actuator/prometheus}]
                """)).singleElement().isInstanceOf(ServiceMonitor.class);
    }

}
