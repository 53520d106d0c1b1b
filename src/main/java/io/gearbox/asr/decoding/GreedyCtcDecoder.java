package io.gearbox.asr.decoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Best-path CTC decoding: the most probable label in each frame (ties to the lowest id), repeats collapsed, blanks
 * dropped. A token's span is the run of consecutive frames whose best label it is, so a blank frame between two
 * equal labels makes two tokens. Timing and confidence as the package documentation specifies. Linear in
 * {@code T * V}; immutable and thread-safe.
 */
public final class GreedyCtcDecoder implements CtcDecoder {

    private final Vocabulary vocabulary;
    private final double frameSeconds;

    /**
     * @param vocabulary   the model's tokens, blank included
     * @param frameSeconds duration of one output frame in seconds (subsampling factor x frame shift / sample rate)
     */
    public GreedyCtcDecoder(Vocabulary vocabulary, double frameSeconds) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        Transcripts.checkFrameSeconds(frameSeconds);
        this.frameSeconds = frameSeconds;
    }

    @Override
    public Settings settings() {
        return new Settings("greedy", 1, null);
    }

    @Override
    public Transcript decode(float[][] logProbs, int length) {
        int frames = Transcripts.checkInput(logProbs, length, vocabulary);
        int blank = vocabulary.blankId();
        List<TokenSpan> tokens = new ArrayList<>();
        int previous = blank;
        for (int t = 0; t < frames; t++) {
            float[] row = logProbs[t];
            int best = argmax(row);
            if (best != blank) {
                if (best == previous) {
                    int last = tokens.size() - 1;
                    tokens.set(last, tokens.get(last).extendedTo(t, row[best]));
                }
                else {
                    tokens.add(new TokenSpan(best, t, t, row[best]));
                }
            }
            previous = best;
        }
        return Transcripts.build(tokens, vocabulary, frameSeconds);
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int v = 1; v < row.length; v++) {
            if (row[v] > row[best]) {
                best = v;
            }
        }
        return best;
    }
}
