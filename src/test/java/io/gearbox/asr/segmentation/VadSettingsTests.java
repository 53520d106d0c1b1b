package io.gearbox.asr.segmentation;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class VadSettingsTests {

    private static final Duration MS_100 = Duration.ofMillis(100);

    private static VadSettings with(double threshold, double negative, Duration minSilence, Duration minSpeech,
            Duration pad, Duration max) {
        return new VadSettings(threshold, negative, minSilence, minSpeech, pad, max);
    }

    @Test
    void defaultsAreSileroThresholdsWithSentencePauses() {
        VadSettings defaults = VadSettings.defaults();

        assertThat(defaults.threshold()).isEqualTo(0.5);
        assertThat(defaults.negativeThreshold()).isEqualTo(0.35);
        assertThat(defaults.minSilence()).isEqualTo(Duration.ofMillis(200));
        assertThat(defaults.minSpeech()).isEqualTo(Duration.ofMillis(250));
        assertThat(defaults.speechPad()).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.maxSegment()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsAThresholdOutsideTheOpenUnitInterval() {
        assertThatIllegalArgumentException().isThrownBy(() -> with(1.0, 0.35, MS_100, MS_100, MS_100, MS_100))
            .withMessageContaining("threshold")
            .withMessageContaining("1.0");
        assertThatIllegalArgumentException().isThrownBy(() -> with(Double.NaN, 0.35, MS_100, MS_100, MS_100, MS_100))
            .withMessageContaining("NaN");
    }

    @Test
    void rejectsANegativeThresholdAboveTheThreshold() {
        assertThatIllegalArgumentException().isThrownBy(() -> with(0.5, 0.6, MS_100, MS_100, MS_100, MS_100))
            .withMessageContaining("negativeThreshold")
            .withMessageContaining("0.6");
        assertThatIllegalArgumentException().isThrownBy(() -> with(0.5, 0.0, MS_100, MS_100, MS_100, MS_100))
            .withMessageContaining("negativeThreshold");
    }

    @Test
    void rejectsNegativeMissingOrHugeDurations() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> with(0.5, 0.35, Duration.ofMillis(-1), MS_100, MS_100, MS_100))
            .withMessageContaining("minSilence")
            .withMessageContaining("PT-0.001S");
        assertThatIllegalArgumentException().isThrownBy(() -> with(0.5, 0.35, MS_100, null, MS_100, MS_100))
            .withMessageContaining("minSpeech");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> with(0.5, 0.35, MS_100, MS_100, Duration.ofHours(2), MS_100))
            .withMessageContaining("speechPad");
    }

    @Test
    void rejectsAMaxSegmentShorterThanTwoMinimumSpans() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> with(0.5, 0.35, MS_100, MS_100, MS_100, Duration.ofMillis(199)))
            .withMessageContaining("maxSegment")
            .withMessageContaining("PT0.199S");
        assertThatIllegalArgumentException().isThrownBy(() -> with(0.5, 0.35, MS_100, Duration.ZERO, MS_100,
                Duration.ZERO))
            .withMessageContaining("maxSegment");
    }

    @Test
    void acceptsZeroSilenceSpeechAndPad() {
        VadSettings settings = with(0.5, 0.5, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMillis(1));

        assertThat(settings.minSilence()).isZero();
    }

}
