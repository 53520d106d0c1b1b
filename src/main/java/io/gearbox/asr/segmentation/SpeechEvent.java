package io.gearbox.asr.segmentation;

/**
 * What a {@link SpeechDetector.Tracker} reports as probabilities arrive: a span's start, once it is sure to be
 * kept, and later its end. Positions are sample indices at the recording's rate.
 */
public sealed interface SpeechEvent permits SpeechEvent.Started, SpeechEvent.Ended {

    /**
     * A span has begun (padded start) and lasted at least {@code minSpeech}: an {@link Ended} with the same start
     * follows.
     * @param startSample the span's first sample
     */
    record Started(int startSample) implements SpeechEvent {
    }

    /**
     * A span has ended.
     * @param span the whole span, padded
     */
    record Ended(SpeechSpan span) implements SpeechEvent {
    }

}
