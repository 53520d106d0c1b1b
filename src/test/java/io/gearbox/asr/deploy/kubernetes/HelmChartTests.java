package io.gearbox.asr.deploy.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.gearbox.asr.config.InferenceProperties;
import io.gearbox.asr.inference.ExecutionProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import org.springframework.core.env.PropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Helm chart rendered and linted by Helm with its defaults and with each {@code ci/} values file; every object
 * parsed strictly ({@link StrictManifests}), the pod checked against the service's own configuration
 * ({@code src/main/resources/application.yml}): its port, its health groups, a non-root read-only container, a
 * grace period that lets requests drain.
 */
class HelmChartTests {

    static List<RenderedValues> chartCases() {
        return RenderedValues.chartCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void everyRenderedObjectParsesStrictlyIntoTheKubernetesModel(RenderedValues rendered) {
        assertThat(rendered.objects()).isNotEmpty();
        assertThat(rendered.objects()).allSatisfy((object) -> assertThat(object.getMetadata().getLabels())
            .containsEntry("app.kubernetes.io/name", "gearbox-asr")
            .containsEntry("app.kubernetes.io/instance", HelmChart.RELEASE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void theChartLintsStrictly(RenderedValues rendered, @TempDir Path workDir) throws IOException {
        LintResult lint = HelmChart.lint(rendered.valuesFile(), workDir);
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch((message) -> message.contains("[ERROR]")
                || message.contains("[WARNING]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void theProbesAskTheServicesHealthGroupsOnItsPort(RenderedValues rendered) {
        Container container = rendered.container();
        PropertySource<?> service = ServiceProperties.applicationYml();
        int port = Integer.parseInt(String.valueOf(service.getProperty("server.port")));
        assertThat(container.getPorts()).singleElement().satisfies((declared) -> {
            assertThat(declared.getName()).isEqualTo("http");
            assertThat(declared.getContainerPort()).isEqualTo(port);
        });
        // Spring Boot serves the probes' groups at <base path>/health/liveness and /readiness when they are
        // enabled; the service enables them and defines both groups.
        assertThat(service.getProperty("management.endpoint.health.probes.enabled")).isEqualTo(true);
        assertThat(service.getProperty("management.endpoint.health.group.readiness.include")).isNotNull();
        assertThat(service.getProperty("management.endpoint.health.group.liveness.include")).isNotNull();
        Object basePath = service.getProperty("management.endpoints.web.base-path");
        String actuator = (basePath != null) ? String.valueOf(basePath) : "/actuator";
        assertProbe(container.getStartupProbe(), actuator + "/health/liveness");
        assertProbe(container.getLivenessProbe(), actuator + "/health/liveness");
        assertProbe(container.getReadinessProbe(), actuator + "/health/readiness");
        // The mounted configuration says the same port, so the two cannot drift apart.
        Map<String, Object> mounted = new Yaml().load(rendered.applicationYml());
        assertThat(mounted).extractingByKey("server").isEqualTo(Map.of("port", port));
        Service kubernetesService = StrictManifests.only(rendered.objects(), Service.class);
        assertThat(kubernetesService.getSpec().getPorts()).extracting(ServicePort::getName).containsExactly("http");
        assertThat(kubernetesService.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void thePodRunsAsTheImagesNonRootUserOnAReadOnlyRootWithAWritableTmp(RenderedValues rendered) {
        PodSpec pod = rendered.deployment().getSpec().getTemplate().getSpec();
        PodSecurityContext podContext = pod.getSecurityContext();
        assertThat(podContext.getRunAsNonRoot()).isTrue();
        assertThat(podContext.getRunAsUser()).isEqualTo(10001L);
        assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        SecurityContext context = rendered.container().getSecurityContext();
        assertThat(context.getRunAsNonRoot()).isTrue();
        assertThat(context.getRunAsUser()).isEqualTo(10001L);
        assertThat(context.getReadOnlyRootFilesystem()).isTrue();
        assertThat(context.getAllowPrivilegeEscalation()).isFalse();
        assertThat(context.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        // ONNX Runtime unpacks its native library into /tmp: the one writable path, an emptyDir.
        String tmpVolume = rendered.container().getVolumeMounts().stream()
            .filter((mount) -> mount.getMountPath().equals("/tmp")).findFirst()
            .orElseThrow(() -> new AssertionError("no /tmp mount")).getName();
        assertThat(pod.getVolumes()).filteredOn((volume) -> volume.getName().equals(tmpVolume))
            .singleElement().extracting(Volume::getEmptyDir).isNotNull();
        assertThat(rendered.container().getVolumeMounts()).filteredOn((mount) -> !mount.getMountPath().equals("/tmp"))
            .allSatisfy((mount) -> assertThat(mount.getReadOnly()).isTrue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void theGracePeriodCoversThePreStopSleepAndTheServicesDrain(RenderedValues rendered) {
        PodSpec pod = rendered.deployment().getSpec().getTemplate().getSpec();
        List<String> preStop = rendered.container().getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        long sleepSeconds = Long.parseLong(preStop.get(1));
        assertThat(sleepSeconds).isPositive();
        PropertySource<?> mounted = ServiceProperties.yaml("mounted", rendered.applicationYml());
        long drainSeconds = java.time.Duration
            .parse("PT" + mounted.getProperty("spring.lifecycle.timeout-per-shutdown-phase").toString().toUpperCase())
            .toSeconds();
        assertThat(ServiceProperties.applicationYml().getProperty("server.shutdown")).isEqualTo("graceful");
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(sleepSeconds + drainSeconds);
        // A rollout keeps every ready pod until its replacement is ready.
        assertThat(rendered.deployment().getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
            .isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void everySelectorSelectsThePods(RenderedValues rendered) {
        Map<String, String> podLabels = rendered.deployment().getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(rendered.deployment().getSpec().getSelector().getMatchLabels());
        assertThat(podLabels)
            .containsAllEntriesOf(StrictManifests.only(rendered.objects(), Service.class).getSpec().getSelector());
        StrictManifests.all(rendered.objects(), PodDisruptionBudget.class).forEach((budget) -> assertThat(podLabels)
            .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels()));
        StrictManifests.all(rendered.objects(), NetworkPolicy.class).forEach((policy) -> assertThat(podLabels)
            .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels()));
        rendered.deployment().getSpec().getTemplate().getSpec().getTopologySpreadConstraints()
            .forEach((constraint) -> assertThat(podLabels)
                .containsAllEntriesOf(constraint.getLabelSelector().getMatchLabels()));
        StrictManifests.all(rendered.objects(), HorizontalPodAutoscaler.class).forEach((autoscaler) -> {
            assertThat(autoscaler.getSpec().getScaleTargetRef().getName())
                .isEqualTo(rendered.deployment().getMetadata().getName());
            assertThat(rendered.deployment().getSpec().getReplicas()).as("the autoscaler owns the replicas").isNull();
        });
    }

    @Test
    void theDefaultsRenderTheServiceScaledOnCpuWithADisruptionBudget() {
        RenderedValues defaults = RenderedValues.chart(null);
        assertThat(kinds(defaults.objects())).containsExactlyInAnyOrder("ConfigMap", "Deployment",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "ServiceAccount");
        assertThat(defaults.container().getImage()).isEqualTo("gearbox-asr:" + appVersion());
        HorizontalPodAutoscaler autoscaler = StrictManifests.only(defaults.objects(), HorizontalPodAutoscaler.class);
        assertThat(autoscaler.getSpec().getMetrics()).singleElement().satisfies((metric) -> {
            assertThat(metric.getType()).isEqualTo("Resource");
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
        });
        // The CPU limit equals the request: the JVM sizes the service's workers from the limit.
        Map<String, Quantity> requests = defaults.container().getResources().getRequests();
        assertThat(defaults.container().getResources().getLimits()).containsEntry("cpu", requests.get("cpu"))
            .doesNotContainKey("nvidia.com/gpu");
        assertThat(defaults.bound(InferenceProperties.class).provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(defaults.container().getEnv()).extracting(EnvVar::getName).doesNotContain("ASR_ADMIN_TOKEN");
    }

    @Test
    void theGpuValuesAddAGpuLimitTheGpuImageAndTheCudaProvider() {
        RenderedValues gpu = RenderedValues.chart(ciFile("gpu-values.yaml"));
        assertThat(gpu.container().getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(gpu.container().getImage()).isEqualTo("gearbox-asr:" + appVersion() + "-gpu");
        assertThat(gpu.bound(InferenceProperties.class).provider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(gpu.deployment().getSpec().getTemplate().getSpec().getTolerations())
            .anySatisfy((toleration) -> assertThat(toleration.getKey()).isEqualTo("nvidia.com/gpu"));
    }

    @Test
    void theCustomMetricValuesScaleOnTheOfferedLoadPerPod() {
        RenderedValues custom = RenderedValues.chart(ciFile("hpa-custom-metric-values.yaml"));
        List<MetricSpec> metrics = StrictManifests.only(custom.objects(), HorizontalPodAutoscaler.class).getSpec()
            .getMetrics();
        assertThat(metrics).singleElement().satisfies((metric) -> {
            assertThat(metric.getType()).isEqualTo("Pods");
            assertThat(metric.getPods().getMetric().getName()).isEqualTo("asr_offered_load_full_depth");
            assertThat(metric.getPods().getTarget().getType()).isEqualTo("AverageValue");
            assertThat(metric.getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("700m"));
        });
        // The chart's README gives prometheus-adapter the rule for that name, on a meter the service publishes.
        assertThat(readme()).contains("as: \"asr_offered_load_full_depth\"")
            .contains("asr_governor_exit_offered_load_ratio");
    }

    @Test
    void aTokenMakesASecretThatThePodReadsAsTheAdminToken() {
        RenderedValues withToken = RenderedValues.chart(ciFile("admin-token-values.yaml"));
        Secret secret = StrictManifests.only(withToken.objects(), Secret.class);
        EnvVar token = adminTokenVariable(withToken.container());
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret.getMetadata().getName());
        assertThat(secret.getData()).containsKey(token.getValueFrom().getSecretKeyRef().getKey());
        assertThat(withToken.deployment().getSpec().getTemplate().getMetadata().getAnnotations())
            .containsKey("checksum/admin");
    }

    @Test
    void anExistingSecretIsReadInsteadOfTheChartsOwn() {
        RenderedValues existing = RenderedValues.chart(ciFile("existing-secret-values.yaml"));
        assertThat(StrictManifests.all(existing.objects(), Secret.class)).isEmpty();
        EnvVar token = adminTokenVariable(existing.container());
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("gearbox-asr-operators");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    }

    private static EnvVar adminTokenVariable(Container container) {
        return container.getEnv().stream().filter((variable) -> variable.getName().equals("ASR_ADMIN_TOKEN"))
            .findFirst().orElseThrow(() -> new AssertionError("no ASR_ADMIN_TOKEN"));
    }

    @Test
    void theMonitoringValuesScrapeThePrometheusEndpointAndCarryTheAlertRules() throws IOException {
        RenderedValues monitoring = RenderedValues.chart(ciFile("monitoring-values.yaml"));
        ServiceMonitor monitor = StrictManifests.only(monitoring.objects(), ServiceMonitor.class);
        assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies((endpoint) -> {
            assertThat(endpoint.getPort()).isEqualTo("http");
            assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
        });
        assertThat(String.valueOf(ServiceProperties.applicationYml()
            .getProperty("management.endpoints.web.exposure.include"))).contains("prometheus");
        assertThat(monitor.getSpec().getSelector().getMatchLabels())
            .isEqualTo(StrictManifests.only(monitoring.objects(), Service.class).getSpec().getSelector());
        PrometheusRule rule = StrictManifests.only(monitoring.objects(), PrometheusRule.class);
        Map<String, Object> rulesFile = HelmChart.readYaml(HelmChart.CHART.resolve("files/alerts.yml"));
        List<?> groups = (List<?>) rulesFile.get("groups");
        assertThat(rule.getSpec().getGroups()).hasSize(groups.size());
        assertThat(rule.getSpec().getGroups()).extracting((group) -> group.getName())
            .containsExactlyElementsOf(
                    groups.stream().map((group) -> String.valueOf(((Map<?, ?>) group).get("name"))).toList());
        assertThat(RenderedValues.chart(null).objects()).noneMatch(
                (object) -> object instanceof ServiceMonitor || object instanceof PrometheusRule);
    }

    @Test
    void theChartsAlertRulesAreACopyOfTheServicesRulesFile() throws IOException {
        Path shared = Path.of("deploy", "prometheus", "rules", "gearbox-asr.yml");
        assumeThat(shared).as("the service's alert rules, %s, are not in this tree", shared).exists();
        assertThat(HelmChart.readYaml(HelmChart.CHART.resolve("files/alerts.yml")))
            .as("helm/gearbox-asr/files/alerts.yml must be a copy of %s", shared)
            .isEqualTo(HelmChart.readYaml(shared));
    }

    @Test
    void theNetworkPolicyAdmitsOnlyTheServicesPortAndLetsOnlyDnsOut() {
        RenderedValues restricted = RenderedValues.chart(ciFile("networkpolicy-values.yaml"));
        NetworkPolicy policy = StrictManifests.only(restricted.objects(), NetworkPolicy.class);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies((rule) -> {
            assertThat(rule.getPorts()).singleElement()
                .satisfies((port) -> assertThat(port.getPort().getStrVal()).isEqualTo("http"));
            assertThat(rule.getFrom()).hasSize(2);
        });
        assertThat(policy.getSpec().getEgress()).flatExtracting((rule) -> rule.getPorts())
            .allSatisfy((port) -> assertThat(port.getPort().getIntVal()).isEqualTo(53));
    }

    @Test
    void aMisspeltServicePropertyFailsTheSchema() {
        assertThatThrownBy(() -> HelmChart.render(null, Map.of("asr.governor.latency-slow", "1s")))
            .hasMessageContaining("latency-slow");
        assertThatThrownBy(() -> HelmChart.render(null, Map.of("asr.limits.max-upload", "25 megabytes")))
            .hasMessageContaining("max-upload");
    }

    @Test
    void aWritableRootOrARootUserFailsTheSchema() {
        assertThatThrownBy(() -> HelmChart.render(null, Map.of("securityContext.readOnlyRootFilesystem", false)))
            .hasMessageContaining("readOnlyRootFilesystem");
        assertThatThrownBy(() -> HelmChart.render(null, Map.of("podSecurityContext.runAsNonRoot", false)))
            .hasMessageContaining("runAsNonRoot");
    }

    @Test
    void aGracePeriodShorterThanTheSleepAndTheDrainFailsTheRender() {
        assertThatThrownBy(() -> HelmChart.render(null, Map.of("shutdown.terminationGracePeriodSeconds", 30)))
            .hasMessageContaining("terminationGracePeriodSeconds");
    }

    static Set<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    }

    static String appVersion() {
        try {
            return String.valueOf(HelmChart.readYaml(HelmChart.CHART.resolve("Chart.yaml")).get("appVersion"));
        }
        catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static Path ciFile(String name) {
        return HelmChart.CHART.resolve("ci").resolve(name);
    }

    private static String readme() {
        try {
            return Files.readString(HelmChart.CHART.resolve("README.md"));
        }
        catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

}
