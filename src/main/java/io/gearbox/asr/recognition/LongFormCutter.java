package io.gearbox.asr.recognition;

import java.util.List;

import io.gearbox.asr.segmentation.SpeechSpan;

/**
 * Decides which recordings are cut at speech pauses before recognition, and where.
 *
 * <p>The encoder attends over its whole input and was trained on sentences: on a recording of many sentences its
 * accuracy collapses and its cost grows with the square of the length. A recording longer than
 * {@link #cuts(double) the threshold} is therefore cut into spans of speech, each recognised on its own as a
 * separate utterance; shorter audio is recognised whole.
 */
public interface LongFormCutter {

    /**
     * @param audioSeconds a recording's duration in seconds
     * @return whether it is cut into spans of speech ({@link #speech}) rather than recognised whole
     */
    boolean cuts(double audioSeconds);

    /**
     * Finds the speech in a recording. Blocks; called on a recognition worker.
     * @param samples mono samples at the model's sample rate
     * @return the spans of speech in time order, not overlapping, each inside the recording; empty when there is
     * none
     */
    List<SpeechSpan> speech(float[] samples);

    /** @return a cutter that never cuts: every recording is recognised whole */
    static LongFormCutter never() {
        return new LongFormCutter() {

            @Override
            public boolean cuts(double audioSeconds) {
                return false;
            }

            @Override
            public List<SpeechSpan> speech(float[] samples) {
                throw new UnsupportedOperationException("never cuts");
            }

            @Override
            public String toString() {
                return "LongFormCutter.never()";
            }

        };
    }

}
