package io.gearbox.asr.config;

import java.nio.file.Path;
import java.time.Duration;

import io.gearbox.asr.segmentation.VadSettings;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Cutting long recordings at speech pauses ({@code asr.segmentation.*}). A recording longer than
 * {@code minDuration} is cut into spans of speech found by the voice activity detector (Silero VAD), each recognised
 * on its own; shorter ones are recognised whole. The detector's settings are {@link VadSettings}'s, whose Javadoc
 * says why each default.
 *
 * @param enabled whether long recordings are cut at all; when not, every upload is recognised whole (the encoder
 * then attends over the whole recording: its accuracy collapses past a few sentences, and its memory grows with the
 * square of the length)
 * @param vadModel the Silero VAD ONNX file
 * @param minDuration recordings longer than this are cut
 * @param threshold a window at or above this speech probability is speech
 * @param negativeThreshold a window below this probability is silence
 * @param minSilence the shortest pause that ends a span of speech
 * @param minSpeech spans of speech shorter than this are dropped
 * @param speechPad silence kept on each side of a span
 * @param maxSegment the longest span: the longest audio the encoder sees at once; speech that runs on longer is cut
 * at its least speech-like moment
 */
@ConfigurationProperties("asr.segmentation")
@Validated
public record SegmentationProperties(@DefaultValue("true") boolean enabled,
        @DefaultValue("models/silero-vad/silero_vad.onnx") @NotNull Path vadModel,
        @DefaultValue("10s") @NotNull Duration minDuration, @DefaultValue("0.5") double threshold,
        @DefaultValue("0.35") double negativeThreshold, @DefaultValue("200ms") @NotNull Duration minSilence,
        @DefaultValue("250ms") @NotNull Duration minSpeech, @DefaultValue("100ms") @NotNull Duration speechPad,
        @DefaultValue("10s") @NotNull Duration maxSegment) {

    public SegmentationProperties {
        if (minDuration != null && minDuration.isNegative()) {
            throw new IllegalArgumentException("asr.segmentation.min-duration must be >= 0, was " + minDuration);
        }
        if (minSilence != null && minSpeech != null && speechPad != null && maxSegment != null) {
            try {
                new VadSettings(threshold, negativeThreshold, minSilence, minSpeech, speechPad, maxSegment);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("asr.segmentation: " + ex.getMessage(), ex);
            }
        }
    }

    /** @return the detector's settings */
    public VadSettings vadSettings() {
        return new VadSettings(this.threshold, this.negativeThreshold, this.minSilence, this.minSpeech,
                this.speechPad, this.maxSegment);
    }

}
