package io.gearbox.asr.recognition;

import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.governor.Gear;

/**
 * What {@link Recognizer#recognizeProgressively} emits: one {@link SpanRecognized} per span of a long recording as
 * each span finishes, in order, then always exactly one {@link Finished} with the whole recording's result. A
 * recording recognised whole (one no longer than the cutter's threshold), or a long one with no speech, gives only
 * the {@link Finished}.
 */
public sealed interface RecognitionProgress {

    /**
     * One span of a long recording, recognised.
     * @param index the span's place among the recording's spans, from 0
     * @param delta the text this span adds to the recording's transcript: its text, after a space when text came
     * before; concatenating every span's delta in order gives exactly {@link Recognition#text()} of the
     * {@link Finished} that follows (empty for a span in which nothing was heard)
     * @param transcript the span's transcript, its word times in seconds from the start of the whole recording
     * @param depth the exit that served the span
     * @param decoding how the span's output was decoded
     */
    record SpanRecognized(int index, String delta, Transcript transcript, int depth, Gear.Decoding decoding)
            implements RecognitionProgress {
    }

    /**
     * The recording's result, exactly what {@link Recognizer#recognize} gives for the same request.
     * @param recognition the stitched result
     */
    record Finished(Recognition recognition) implements RecognitionProgress {
    }

}
