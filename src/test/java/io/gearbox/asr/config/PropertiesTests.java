package io.gearbox.asr.config;

import java.nio.file.Path;
import java.time.Duration;

import io.gearbox.asr.inference.ExecutionProvider;
import io.gearbox.asr.segmentation.VadSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class PropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
        .withUserConfiguration(AllProperties.class);

    @Test
    void defaultsServeTheShippedModelOnCpuWithTheDocumentedLimits() {
        this.runner.run((context) -> {
            assertThat(context.getBean(ModelProperties.class).path()).isEqualTo(Path.of("models/gearbox-en"));
            assertThat(context.getBean(ModelProperties.class).exits()).isEmpty();
            assertThat(context.getBean(InferenceProperties.class).provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(context.getBean(LimitsProperties.class).maxUpload()).isEqualTo(DataSize.ofMegabytes(25));
            assertThat(context.getBean(LimitsProperties.class).maxAudioDuration()).isEqualTo(Duration.ofMinutes(10));
            DecodingProperties decoding = context.getBean(DecodingProperties.class);
            assertThat(decoding.method()).isEqualTo(DecodingProperties.Method.BEAM);
            assertThat(decoding.beamWidth()).isEqualTo(16);
            assertThat(decoding.maxTokensPerFrame()).isEqualTo(8);
            assertThat(decoding.minTokenLogProb()).isEqualTo(-6.0);
            assertThat(decoding.languageModel()).isTrue();
            assertThat(decoding.lmWeight()).as("the weight tuned with the model").isNull();
            RecognitionProperties recognition = context.getBean(RecognitionProperties.class);
            assertThat(recognition.effectiveWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(recognition.queueCapacity()).isEqualTo(32);
            assertThat(recognition.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(recognition.maxQueueWait()).as("no fixed bound: the governor's deadline applies").isZero();
        });
    }

    @Test
    void bindsRelaxedNamesAndUnits() {
        this.runner.withPropertyValues("asr.model.exits=2,6", "asr.inference.provider=cuda",
                "asr.limits.max-upload=5MB", "asr.limits.max-audio-duration=90s", "asr.decoding.method=beam",
                "asr.decoding.beam-width=4", "asr.recognition.workers=3")
            .run((context) -> {
                assertThat(context.getBean(ModelProperties.class).exits()).containsExactly(2, 6);
                assertThat(context.getBean(InferenceProperties.class).provider()).isEqualTo(ExecutionProvider.CUDA);
                assertThat(context.getBean(LimitsProperties.class).maxUpload()).isEqualTo(DataSize.ofMegabytes(5));
                assertThat(context.getBean(LimitsProperties.class).maxAudioDuration()).isEqualTo(Duration.ofSeconds(90));
                assertThat(context.getBean(DecodingProperties.class).beamWidth()).isEqualTo(4);
                assertThat(context.getBean(RecognitionProperties.class).effectiveWorkers()).isEqualTo(3);
            });
    }

    @Test
    void rejectsOutOfRangeValues() {
        this.runner.withPropertyValues("asr.decoding.beam-width=0").run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.decoding.lm-weight=-0.1").run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.decoding.min-token-log-prob=1")
            .run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.recognition.queue-capacity=-1")
            .run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.limits.max-audio-duration=0s")
            .run((context) -> assertThat(context).hasFailed());
    }

    @Test
    void segmentationDefaultsAreTheDetectorsAndBadSettingsFailAtStartUp() {
        this.runner.run((context) -> {
            SegmentationProperties segmentation = context.getBean(SegmentationProperties.class);
            assertThat(segmentation.enabled()).isTrue();
            assertThat(segmentation.vadModel()).isEqualTo(Path.of("models/silero-vad/silero_vad.onnx"));
            assertThat(segmentation.minDuration()).isEqualTo(Duration.ofSeconds(10));
            assertThat(segmentation.vadSettings()).isEqualTo(VadSettings.defaults());
        });
        this.runner.withPropertyValues("asr.segmentation.threshold=1.5")
            .run((context) -> assertThat(context).hasFailed());
        this.runner.withPropertyValues("asr.segmentation.max-segment=300ms")
            .run((context) -> assertThat(context).hasFailed()); // shorter than twice the shortest speech
        this.runner.withPropertyValues("asr.segmentation.min-duration=-1s")
            .run((context) -> assertThat(context).hasFailed());
    }

    @Test
    void aStopWaitsTwentyFiveSecondsForTheRequestsInFlightByDefaultAndNeverANegativeTime() {
        this.runner.run((context) -> assertThat(context.getBean(ShutdownProperties.class).gracePeriod())
            .isEqualTo(Duration.ofSeconds(25)));
        this.runner.withPropertyValues("asr.shutdown.grace-period=0s")
            .run((context) -> assertThat(context.getBean(ShutdownProperties.class).gracePeriod()).isZero());
        this.runner.withPropertyValues("asr.shutdown.grace-period=-1s")
            .run((context) -> assertThat(context).hasFailed());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ ModelProperties.class, InferenceProperties.class, RecognitionProperties.class,
            LimitsProperties.class, DecodingProperties.class, SegmentationProperties.class, ShutdownProperties.class })
    static class AllProperties {

    }

}
