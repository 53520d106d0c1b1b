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

    /**
     * Finds the speech in a recording a piece at a time, so that the search runs as several short tasks on the
     * workers rather than one long one. By default in one piece, {@link #speech}.
     * @param samples mono samples at the model's sample rate
     * @return the search, nothing run yet
     */
    default Analysis analyse(float[] samples) {
        return new Analysis() {

            private List<SpeechSpan> spans;

            @Override
            public boolean advance() {
                this.spans = speech(samples);
                return true;
            }

            @Override
            public List<SpeechSpan> spans() {
                if (this.spans == null) {
                    throw new IllegalStateException("advance() until it answers true first");
                }
                return this.spans;
            }

        };
    }

    /** The search for one recording's speech, run a piece at a time; one piece at a time. */
    interface Analysis {

        /**
         * Searches the next piece of the recording. Blocks; called on a recognition worker.
         * @return whether the whole recording has been searched and {@link #spans()} is ready
         */
        boolean advance();

        /** @return the spans of speech, as {@link LongFormCutter#speech} gives them, once {@link #advance()} is done */
        List<SpeechSpan> spans();

    }

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
