package io.gearbox.asr.deploy.kubernetes;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.gearbox.asr.config.InferenceProperties;
import io.gearbox.asr.inference.ExecutionProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The plain manifests in {@code k8s/}, rendered by {@code kubectl kustomize}, parsed as strictly as the chart's
 * objects, and the same as the chart's defaults (the base) and its {@code ci/gpu-values.yaml} (the GPU overlay):
 * probes, ports, security contexts, resources, shutdown, scaling and the service's configuration.
 */
class KustomizeManifestsTests {

    private static final Path BASE = Path.of("k8s", "base");

    private static final Path GPU = Path.of("k8s", "overlays", "gpu");

    private static String kubectl;

    @BeforeAll
    static void findKubectl() {
        String path = System.getenv().getOrDefault("PATH", "");
        kubectl = Arrays.stream(path.split(File.pathSeparator)).filter((dir) -> !dir.isEmpty())
            .map((dir) -> Path.of(dir, "kubectl")).filter(Files::isExecutable).map(Path::toString).findFirst()
            .orElse(null);
        assumeThat(kubectl).as("kubectl is not on the PATH: the k8s/ kustomize tests need it "
                + "(Debian's kubernetes-client; .ci/run installs it)").isNotNull();
    }

    @Test
    void theBaseParsesStrictlyAndIsTheChartsDefaults() throws Exception {
        RenderedValues base = kustomize(BASE);
        RenderedValues chart = RenderedValues.chart(null);
        assertThat(HelmChartTests.kinds(base.objects())).isEqualTo(HelmChartTests.kinds(chart.objects()));
        assertSamePod(base, chart);
        HorizontalPodAutoscaler baseScaler = StrictManifests.only(base.objects(), HorizontalPodAutoscaler.class);
        HorizontalPodAutoscaler chartScaler = StrictManifests.only(chart.objects(), HorizontalPodAutoscaler.class);
        assertThat(baseScaler.getSpec().getMinReplicas()).isEqualTo(chartScaler.getSpec().getMinReplicas());
        assertThat(baseScaler.getSpec().getMaxReplicas()).isEqualTo(chartScaler.getSpec().getMaxReplicas());
        assertThat(baseScaler.getSpec().getMetrics()).isEqualTo(chartScaler.getSpec().getMetrics());
        assertThat(baseScaler.getSpec().getBehavior()).isEqualTo(chartScaler.getSpec().getBehavior());
        assertThat(baseScaler.getSpec().getScaleTargetRef().getName())
            .isEqualTo(base.deployment().getMetadata().getName());
        assertThat(StrictManifests.only(base.objects(), PodDisruptionBudget.class).getSpec().getMaxUnavailable())
            .isEqualTo(StrictManifests.only(chart.objects(), PodDisruptionBudget.class).getSpec().getMaxUnavailable());
        assertThat(StrictManifests.only(base.objects(), Service.class).getSpec().getPorts())
            .isEqualTo(StrictManifests.only(chart.objects(), Service.class).getSpec().getPorts());
        assertThat(base.container().getImage()).isEqualTo(chart.container().getImage());
        // The same application.yml, and so the same properties once bound.
        assertThat((Map<?, ?>) new Yaml().load(base.applicationYml()))
            .isEqualTo(new Yaml().load(chart.applicationYml()));
        assertThat(base.boundProperties()).isEqualTo(chart.boundProperties());
        assertEverySelectorSelectsThePods(base);
    }

    @Test
    void theGpuOverlayParsesStrictlyAndIsTheChartsGpuValues() throws Exception {
        RenderedValues overlay = kustomize(GPU);
        RenderedValues chart = RenderedValues.chart(HelmChart.CHART.resolve("ci/gpu-values.yaml"));
        assertSamePod(overlay, chart);
        assertThat(overlay.container().getImage()).isEqualTo(chart.container().getImage());
        assertThat(overlay.deployment().getSpec().getTemplate().getSpec().getTolerations())
            .isEqualTo(chart.deployment().getSpec().getTemplate().getSpec().getTolerations());
        assertThat(overlay.bound(InferenceProperties.class).provider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(overlay.bound(InferenceProperties.class)).isEqualTo(chart.bound(InferenceProperties.class));
        assertEverySelectorSelectsThePods(overlay);
    }

    private static void assertSamePod(RenderedValues manifests, RenderedValues chart) {
        Container container = manifests.container();
        Container expected = chart.container();
        assertThat(container.getPorts()).isEqualTo(expected.getPorts());
        assertThat(container.getStartupProbe()).isEqualTo(expected.getStartupProbe());
        assertThat(container.getLivenessProbe()).isEqualTo(expected.getLivenessProbe());
        assertThat(container.getReadinessProbe()).isEqualTo(expected.getReadinessProbe());
        assertThat(container.getLifecycle()).isEqualTo(expected.getLifecycle());
        assertThat(container.getSecurityContext()).isEqualTo(expected.getSecurityContext());
        assertThat(container.getResources()).isEqualTo(expected.getResources());
        assertThat(container.getVolumeMounts()).isEqualTo(expected.getVolumeMounts());
        assertThat(container.getImagePullPolicy()).isEqualTo(expected.getImagePullPolicy());
        assertThat(manifests.literalEnvironment()).containsAllEntriesOf(chart.literalEnvironment());
        PodSpec pod = manifests.deployment().getSpec().getTemplate().getSpec();
        PodSpec expectedPod = chart.deployment().getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext()).isEqualTo(expectedPod.getSecurityContext());
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(expectedPod.getTerminationGracePeriodSeconds());
        assertThat(pod.getAutomountServiceAccountToken()).isEqualTo(expectedPod.getAutomountServiceAccountToken());
        assertThat(pod.getVolumes()).extracting((volume) -> volume.getEmptyDir())
            .isEqualTo(expectedPod.getVolumes().stream().map((volume) -> volume.getEmptyDir()).toList());
        assertThat(pod.getTopologySpreadConstraints()).extracting(TopologySpreadConstraint::getTopologyKey,
                TopologySpreadConstraint::getMaxSkew, TopologySpreadConstraint::getWhenUnsatisfiable)
            .isEqualTo(expectedPod.getTopologySpreadConstraints().stream()
                .map((constraint) -> tuple(constraint.getTopologyKey(),
                        constraint.getMaxSkew(), constraint.getWhenUnsatisfiable()))
                .toList());
        DeploymentSpec spec = manifests.deployment().getSpec();
        DeploymentSpec expectedSpec = chart.deployment().getSpec();
        assertThat(spec.getStrategy()).isEqualTo(expectedSpec.getStrategy());
        assertThat(spec.getReplicas()).isEqualTo(expectedSpec.getReplicas());
    }

    private static void assertEverySelectorSelectsThePods(RenderedValues rendered) {
        Map<String, String> podLabels = rendered.deployment().getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(rendered.deployment().getSpec().getSelector().getMatchLabels());
        assertThat(podLabels)
            .containsAllEntriesOf(StrictManifests.only(rendered.objects(), Service.class).getSpec().getSelector());
        assertThat(StrictManifests.only(rendered.objects(), PodDisruptionBudget.class).getSpec().getSelector()
            .getMatchLabels()).isNotEmpty().allSatisfy((key, value) -> assertThat(podLabels).containsEntry(key, value));
        rendered.deployment().getSpec().getTemplate().getSpec().getTopologySpreadConstraints()
            .forEach((constraint) -> assertThat(podLabels)
                .containsAllEntriesOf(constraint.getLabelSelector().getMatchLabels()));
    }

    private static RenderedValues kustomize(Path directory) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(kubectl, "kustomize", directory.toString()).redirectErrorStream(false)
            .start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("kubectl kustomize %s finishes", directory).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize %s: %s", directory,
                new String(err, StandardCharsets.UTF_8)).isZero();
        List<HasMetadata> objects = StrictManifests.parse(new String(out, StandardCharsets.UTF_8));
        return new RenderedValues(directory.toString(), null, objects);
    }

}
