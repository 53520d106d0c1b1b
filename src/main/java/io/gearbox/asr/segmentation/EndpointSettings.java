package io.gearbox.asr.segmentation;

import java.time.Duration;

/**
 * When a live stream's open segment ends ({@code asr.stream.endpoint.*}), after sherpa-onnx's three endpoint rules;
 * validated once on construction. See {@link Endpointer}.
 *
 * @param silenceWithoutSpeech a segment in which no speech has been heard is dropped after this much silence
 * (sherpa-onnx's rule 1, 2.4 s), so that a silent stream holds no more than this of audio, {@code > 0}
 * @param silenceAfterSpeech a segment with speech ends after this much silence following it (rule 2, 1.2 s),
 * {@code > 0}
 * @param maxSegment a segment ends when it is this long, speech or not (rule 3, 20 s), {@code > 0}
 */
public record EndpointSettings(Duration silenceWithoutSpeech, Duration silenceAfterSpeech, Duration maxSegment) {

    public EndpointSettings {
        check("silenceWithoutSpeech", silenceWithoutSpeech);
        check("silenceAfterSpeech", silenceAfterSpeech);
        check("maxSegment", maxSegment);
    }

    private static void check(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero() || value.compareTo(VadSettings.MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be in (0, " + VadSettings.MAX_DURATION + "], was "
                    + value);
        }
    }

    /** @return sherpa-onnx's defaults: 2.4 s, 1.2 s, 20 s */
    public static EndpointSettings defaults() {
        return new EndpointSettings(Duration.ofMillis(2400), Duration.ofMillis(1200), Duration.ofSeconds(20));
    }

    /**
     * @param silenceWithoutSpeech replacement, or {@code null} to keep this one's
     * @param silenceAfterSpeech replacement, or {@code null} to keep this one's
     * @param maxSegment replacement, or {@code null} to keep this one's
     * @return these settings with the given ones replaced
     */
    public EndpointSettings with(Duration silenceWithoutSpeech, Duration silenceAfterSpeech, Duration maxSegment) {
        return new EndpointSettings((silenceWithoutSpeech != null) ? silenceWithoutSpeech : this.silenceWithoutSpeech,
                (silenceAfterSpeech != null) ? silenceAfterSpeech : this.silenceAfterSpeech,
                (maxSegment != null) ? maxSegment : this.maxSegment);
    }

}
