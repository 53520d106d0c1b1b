package io.gearbox.asr.config;

import java.util.List;

import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.InferenceOptions;
import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.recognition.LongFormCutter;
import io.gearbox.asr.recognition.SpeechPauseCutter;
import io.gearbox.asr.support.SmokeModel;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The voice activity detector's wiring: on by default with the committed model, off on request, and a start-up
 * without its model file explained in terms of the properties that name it and turn it off.
 */
class SegmentationConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(SmokeModelConfiguration.class, SegmentationConfiguration.class);

    @Test
    void byDefaultRecordingsOverTenSecondsAreCutWithTheCommittedDetector() {
        this.runner.run((context) -> {
            assertThat(context).hasSingleBean(SileroVad.class);
            LongFormCutter cutter = context.getBean(LongFormCutter.class);
            assertThat(cutter).isInstanceOf(SpeechPauseCutter.class);
            assertThat(cutter.cuts(10.0)).isFalse();
            assertThat(cutter.cuts(10.5)).isTrue();
            assertThat(cutter.speech(new float[5 * SileroVad.SAMPLE_RATE])).isEmpty(); // silence
        });
    }

    @Test
    void turnedOffNoDetectorIsOpenedAndNothingIsCut() {
        this.runner.withPropertyValues("asr.segmentation.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(SileroVad.class);
            assertThat(context.getBean(LongFormCutter.class).cuts(600)).isFalse();
        });
    }

    @Test
    void aMissingDetectorModelFailsStartUpNamingTheFileAndTheWayOut() {
        this.runner.withPropertyValues("asr.segmentation.vad-model=models/silero-vad/absent.onnx").run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new VoiceActivityModelNotFoundFailureAnalyzer()
                .analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("absent.onnx");
            assertThat(analysis.getAction()).contains("asr.segmentation.vad-model")
                .contains("asr.segmentation.enabled=false");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SegmentationProperties.class)
    static class SmokeModelConfiguration {

        @Bean(destroyMethod = "close")
        AcousticModel acousticModel() {
            return AcousticModel.open(SmokeModel.directory(), List.of(), InferenceOptions.defaults());
        }

    }

}
