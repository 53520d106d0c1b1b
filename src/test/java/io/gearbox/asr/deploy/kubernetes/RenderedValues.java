package io.gearbox.asr.deploy.kubernetes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import org.springframework.core.env.PropertySource;

/**
 * One way to deploy: the chart rendered with its defaults or with one of its {@code ci/} values files (or the
 * manifests kustomize renders), with what the tests read from it. Renders once per values file.
 *
 * @param name what the tests call it: {@code defaults}, or the values file's name
 * @param valuesFile the values file over the chart's defaults; {@code null} for the defaults
 * @param objects the rendered objects, parsed strictly
 */
public record RenderedValues(String name, Path valuesFile, List<HasMetadata> objects) {

    private static final Map<String, RenderedValues> RENDERED = new ConcurrentHashMap<>();

    /** @return the chart's defaults and every {@code ci/} values file, each rendered */
    static List<RenderedValues> chartCases() {
        List<RenderedValues> cases = new ArrayList<>();
        cases.add(chart(null));
        HelmChart.ciValuesFiles().forEach((file) -> cases.add(chart(file)));
        return cases;
    }

    /** @return the chart rendered with a values file ({@code null}: its defaults) */
    public static RenderedValues chart(Path valuesFile) {
        String name = (valuesFile != null) ? valuesFile.getFileName().toString() : "defaults";
        return RENDERED.computeIfAbsent(name,
                (key) -> new RenderedValues(key, valuesFile, StrictManifests.parse(HelmChart.render(valuesFile))));
    }

    /** @return the one Deployment */
    public Deployment deployment() {
        return StrictManifests.only(this.objects, Deployment.class);
    }

    /** @return the service's container */
    public Container container() {
        List<Container> containers = deployment().getSpec().getTemplate().getSpec().getContainers();
        if (containers.size() != 1) {
            throw new AssertionError("expected the service's container alone, found " + containers.size());
        }
        return containers.get(0);
    }

    /** @return the {@code application.yml} of the ConfigMap the pod mounts */
    public String applicationYml() {
        String configMapName = deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter((volume) -> volume.getConfigMap() != null).findFirst()
            .orElseThrow(() -> new AssertionError("the pod mounts no ConfigMap")).getConfigMap().getName();
        ConfigMap configMap = StrictManifests.all(this.objects, ConfigMap.class).stream()
            .filter((candidate) -> candidate.getMetadata().getName().equals(configMapName)).findFirst()
            .orElseThrow(() -> new AssertionError("no ConfigMap " + configMapName));
        String yaml = configMap.getData().get("application.yml");
        if (yaml == null) {
            throw new AssertionError("ConfigMap " + configMapName + " has no application.yml");
        }
        return yaml;
    }

    /** @return the container's environment variables that have a literal value */
    public Map<String, String> literalEnvironment() {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        for (EnvVar variable : container().getEnv()) {
            if (variable.getValue() != null) {
                environment.put(variable.getName(), variable.getValue());
            }
        }
        return environment;
    }

    /**
     * @return the service's properties as the pod would bind them: its environment over the mounted
     * application.yml over the one in the jar
     */
    Map<Class<?>, Object> boundProperties() {
        PropertySource<?> environment = ServiceProperties.environment(literalEnvironment());
        PropertySource<?> mounted = ServiceProperties.yaml("configmap:application.yml", applicationYml());
        return ServiceProperties.bind(environment, mounted, ServiceProperties.applicationYml());
    }

    /** @param type a properties record @return that record as bound */
    <T> T bound(Class<T> type) {
        return type.cast(boundProperties().get(type));
    }

    @Override
    public String toString() {
        return this.name;
    }

}
