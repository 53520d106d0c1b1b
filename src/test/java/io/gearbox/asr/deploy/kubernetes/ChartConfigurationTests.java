package io.gearbox.asr.deploy.kubernetes;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.config.AdminProperties;
import io.gearbox.asr.config.DecodingProperties;
import io.gearbox.asr.config.GovernorProperties;
import io.gearbox.asr.config.InferenceProperties;
import io.gearbox.asr.config.LimitsProperties;
import io.gearbox.asr.config.ModelProperties;
import io.gearbox.asr.config.RecognitionProperties;
import io.gearbox.asr.config.SegmentationProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The configuration the chart gives the service (the ConfigMap's {@code application.yml} and the container's
 * environment) binds into the service's real {@code @ConfigurationProperties} records, as at start-up: a misspelt
 * key or a value out of range fails here rather than in a crash-looping pod.
 */
class ChartConfigurationTests {

    static List<RenderedValues> chartCases() {
        return RenderedValues.chartCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void theMountedConfigurationBindsIntoTheServicesPropertiesRecords(RenderedValues rendered) {
        Map<Class<?>, Object> bound = rendered.boundProperties();
        assertThat(bound).containsKeys(GovernorProperties.class, LimitsProperties.class, RecognitionProperties.class,
                SegmentationProperties.class, InferenceProperties.class, ModelProperties.class);
        // The image's model and detector, wherever the service's working directory is.
        assertThat(rendered.bound(ModelProperties.class).path()).hasToString("/app/models/gearbox-en");
        assertThat(rendered.bound(SegmentationProperties.class).vadModel())
            .hasToString("/app/models/silero-vad/silero_vad.onnx");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chartCases")
    void theConfigurationIsMountedWhereSpringBootIsToldToLook(RenderedValues rendered) {
        String location = rendered.literalEnvironment().get("SPRING_CONFIG_ADDITIONAL_LOCATION");
        assertThat(location).startsWith("file:");
        String volume = rendered.deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter((candidate) -> candidate.getConfigMap() != null).findFirst().orElseThrow().getName();
        String mountPath = rendered.container().getVolumeMounts().stream()
            .filter((mount) -> mount.getName().equals(volume)).findFirst().orElseThrow().getMountPath();
        assertThat(location).isEqualTo("file:" + mountPath + "/application.yml");
    }

    @Test
    void theChartsDefaultsAreTheServicesOwnButForTheImagesPaths() {
        Map<Class<?>, Object> chart = RenderedValues.chart(null).boundProperties();
        Map<Class<?>, Object> service = ServiceProperties.bind(ServiceProperties.applicationYml());
        for (Class<?> same : List.of(GovernorProperties.class, LimitsProperties.class, RecognitionProperties.class,
                InferenceProperties.class, DecodingProperties.class, AdminProperties.class)) {
            assertThat(chart.get(same)).as(same.getSimpleName()).isEqualTo(service.get(same));
        }
        SegmentationProperties chartSegmentation = (SegmentationProperties) chart.get(SegmentationProperties.class);
        SegmentationProperties serviceSegmentation = (SegmentationProperties) service
            .get(SegmentationProperties.class);
        assertThat(chartSegmentation.vadSettings()).isEqualTo(serviceSegmentation.vadSettings());
        assertThat(chartSegmentation.minDuration()).isEqualTo(serviceSegmentation.minDuration());
        assertThat(chartSegmentation.enabled()).isEqualTo(serviceSegmentation.enabled());
    }

    @Test
    void aMisspeltPropertyOrGroupOrAValueOutOfRangeFailsTheBinding() {
        assertThatThrownBy(() -> ServiceProperties.bind(
                ServiceProperties.yaml("typo", "asr:\n  governor:\n    latency-slow: 1s\n")))
            .hasMessageContaining("asr.governor");
        assertThatThrownBy(() -> ServiceProperties.bind(
                ServiceProperties.yaml("typo", "asr:\n  limit:\n    max-upload: 25MB\n")))
            .hasMessageContaining("asr.limit.max-upload");
        assertThatThrownBy(() -> ServiceProperties.bind(
                ServiceProperties.yaml("range", "asr:\n  governor:\n    utilisation-high: 1.5\n")))
            .hasMessageContaining("asr.governor");
    }

    @Test
    void theAdminTokenVariableBindsAsTheAdminToken() {
        Map<Class<?>, Object> bound = ServiceProperties.bind(
                ServiceProperties.environment(Map.of("ASR_ADMIN_TOKEN", "s3cret")), ServiceProperties.applicationYml());
        assertThat(((AdminProperties) bound.get(AdminProperties.class)).token()).isEqualTo("s3cret");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theValuesSchemaNamesExactlyTheRecordsProperties() throws IOException {
        Map<String, Object> schema = new Yaml()
            .load(Files.readString(HelmChart.CHART.resolve("values.schema.json")));
        Map<String, Object> asr = (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get("asr");
        assertThat(asr).containsEntry("additionalProperties", false);
        Map<String, Object> groups = (Map<String, Object>) asr.get("properties");
        Map<String, Class<?>> classes = ServiceProperties.propertiesClasses();
        // The admin token is a Secret's (admin.token), never a ConfigMap's.
        assertThat(groups.keySet()).map((group) -> "asr." + group)
            .containsExactlyInAnyOrderElementsOf(classes.keySet().stream()
                .filter((prefix) -> !prefix.equals("asr.admin")).toList());
        groups.forEach((group, groupSchema) -> {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) groupSchema)
                .get("properties");
            assertThat((Map<String, Object>) groupSchema).containsEntry("additionalProperties", false);
            RecordComponent[] components = classes.get("asr." + group).getRecordComponents();
            assertThat(properties.keySet()).as("asr.%s", group).containsExactlyInAnyOrderElementsOf(
                    Arrays.stream(components).map((component) -> kebab(component.getName())).toList());
        });
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

}
