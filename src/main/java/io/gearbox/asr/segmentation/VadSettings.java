package io.gearbox.asr.segmentation;

import java.time.Duration;

/**
 * How speech probabilities become speech spans ({@code asr.segmentation.*}), immutable and validated once on
 * construction. See {@link SpeechDetector} for the state machine that reads them.
 *
 * @param threshold a window at or above this probability is speech: it starts a span, and cancels a pause in one,
 * in {@code (0, 1)}
 * @param negativeThreshold a window below this probability is silence: it starts or continues a pause, in
 * {@code (0, threshold]}; windows in between neither start speech nor start a pause (the hysteresis band)
 * @param minSilence how long a pause must last to end a span, {@code >= 0}
 * @param minSpeech spans shorter than this (before padding) are dropped as clicks and breaths, {@code >= 0}
 * @param speechPad silence kept on each side of a span, {@code >= 0}; less where the neighbour or the recording's
 * edge is closer, so spans never overlap
 * @param maxSegment no span is longer than this; longer ones are split at their least speech-like window, and
 * {@code maxSegment >= 2 * minSpeech} so that a split never leaves a piece shorter than {@code minSpeech}
 */
public record VadSettings(double threshold, double negativeThreshold, Duration minSilence, Duration minSpeech,
        Duration speechPad, Duration maxSegment) {

    /** The longest any duration may be, so that durations in samples stay well inside an {@code int}. */
    public static final Duration MAX_DURATION = Duration.ofHours(1);

    public VadSettings {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), was " + threshold);
        }
        if (!(negativeThreshold > 0 && negativeThreshold <= threshold)) {
            throw new IllegalArgumentException("negativeThreshold must be in (0, threshold = " + threshold
                    + "], was " + negativeThreshold);
        }
        check("minSilence", minSilence);
        check("minSpeech", minSpeech);
        check("speechPad", speechPad);
        check("maxSegment", maxSegment);
        if (maxSegment.isZero()) {
            throw new IllegalArgumentException("maxSegment must be positive, was " + maxSegment);
        }
        if (maxSegment.compareTo(minSpeech.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("maxSegment must be at least twice minSpeech (" + minSpeech
                    + "), was " + maxSegment);
        }
    }

    private static void check(String name, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must be set");
        }
        if (value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be in [0, " + MAX_DURATION + "], was " + value);
        }
    }

    /**
     * Settings for cutting recordings into the sentences the recogniser was trained on (3 to 18 words each):
     * <ul>
     * <li>{@code threshold} 0.5 and {@code negativeThreshold} 0.35: Silero's own defaults (negative = threshold -
     * 0.15), which its probabilities are calibrated for: speech sits near 1, silence and steady noise near 0, so
     * the exact values matter little and the band between them keeps a fading word from flickering a span.</li>
     * <li>{@code minSilence} 200 ms and {@code maxSegment} 10 s, chosen together on the tuning set by
     * {@code LongFormBenchmark} (recordings of the tuning sentences joined with pauses of 0.1-0.8 s; docs/long-
     * recordings.md has the tables): the encoder attends over its whole input, and spans holding several sentences
     * lose accuracy past about 10 s (2 minutes: 44.2% WER at 12 s and 48.6% at 20 s with 400 ms, against 39.7%
     * for the sentences one by one); a shorter shortest pause cuts more of the joins between sentences (10 s:
     * 39.7% at 200 ms, 41.0% at 300 ms, 40.7% at 400 ms; 5 minutes: 40.3% at 200 ms, 41.8% at 300 ms). Silero's
     * 100 ms would cut inside words at stops. A missed cut only makes a span longer, bounded by
     * {@code maxSegment}.</li>
     * <li>{@code minSpeech} 250 ms: Silero's default; shorter bursts are clicks, breaths and coughs, and even a
     * one-word answer ("yes", "no") lasts longer.</li>
     * <li>{@code speechPad} 100 ms: the recogniser was trained on clips with silence around the words, and the
     * detector's onsets and offsets lag soft consonants by a window or two (32 ms each), so Silero's 30 ms, made
     * for removing silence, is too tight. On the tuning set 100 and 150 ms came out level on average (10 s, 200
     * ms; sentences trimmed and joined by 0.1-0.8 s: 37.9% against 39.7% WER at 2 minutes, 39.8% against 40.3% at
     * 5; sentences as recorded and joined by 0.2-1.0 s: 38.1% against 37.0%, 32.2% against 31.5%), and at half the
     * shortest pause 100 ms is the most {@link SpeechDetector#tracker()} allows.</li>
     * </ul>
     * @return the defaults
     */
    public static VadSettings defaults() {
        return new VadSettings(0.5, 0.35, Duration.ofMillis(200), Duration.ofMillis(250), Duration.ofMillis(100),
                Duration.ofSeconds(10));
    }

}
