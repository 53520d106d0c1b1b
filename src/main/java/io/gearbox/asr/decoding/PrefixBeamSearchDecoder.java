package io.gearbox.asr.decoding;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CTC prefix beam search (Hannun et al., 2014, without a language model).
 *
 * <p><b>Search.</b> Each hypothesis is a label prefix with two log-probabilities: {@code pb}, of all alignments
 * of the frames so far that yield the prefix and end in a blank, and {@code pnb}, of those that end in its last
 * label. At each frame a prefix {@code P} with last label {@code l} goes to: {@code P} by a blank
 * ({@code logaddexp(pb, pnb) + lp[blank]} into {@code pb}); {@code P} by repeating {@code l} ({@code pnb + lp[l]}
 * into {@code pnb}); {@code P+c} for {@code c != l} ({@code logaddexp(pb, pnb) + lp[c]}) and {@code P+l} from
 * {@code pb} only ({@code pb + lp[l]}), into {@code pnb}. Contributions reaching the same prefix are summed with
 * log-sum-exp; after each frame the {@code beamWidth} prefixes with the largest {@code logaddexp(pb, pnb)} are
 * kept, and the best of them at the end is the answer. Summing over alignments is what lets beam search find a
 * prefix that no single best path spells (see the tests). Even a beam of 1 sums paths, so it equals greedy
 * decoding only when per-frame posteriors are peaky, as trained CTC models' are.
 *
 * <p><b>Token pruning</b> (optional, for speed): per frame only labels with {@code lp >= minTokenLogProb}, and of
 * those at most the {@code maxTokensPerFrame} most probable, are considered as extensions. The blank and the
 * repetition of a prefix's own last label are always scored.
 *
 * <p><b>Timestamps and confidences.</b> Alongside the summed scores each prefix and ending (blank or not) keeps
 * its single most probable alignment (a Viterbi maximum over the same transitions) with the frames and peak
 * log-probability of every token in it. The answer's timing and confidences come from the better of the two
 * alignments of the best prefix, then follow the package rules exactly as for greedy decoding; on peaky input
 * that alignment is the greedy one, so both decoders agree to the last digit.
 *
 * <p>Cost {@code O(T * beamWidth * K)} with {@code K} the labels considered per frame. Immutable and thread-safe.
 */
public final class PrefixBeamSearchDecoder implements CtcDecoder {

    private final Vocabulary vocabulary;
    private final double frameSeconds;
    private final int beamWidth;
    private final int maxTokensPerFrame;
    private final double minTokenLogProb;

    /** Exact prefix beam search: every label is considered in every frame. */
    public PrefixBeamSearchDecoder(Vocabulary vocabulary, double frameSeconds, int beamWidth) {
        this(vocabulary, frameSeconds, beamWidth, Integer.MAX_VALUE, Double.NEGATIVE_INFINITY);
    }

    /**
     * @param vocabulary        the model's tokens, blank included
     * @param frameSeconds      duration of one output frame in seconds
     * @param beamWidth         prefixes kept after each frame, {@code >= 1}
     * @param maxTokensPerFrame labels considered as extensions per frame, {@code >= 1}
     *                          ({@link Integer#MAX_VALUE} for all)
     * @param minTokenLogProb   labels less probable than this in a frame are not considered as extensions
     *                          ({@link Double#NEGATIVE_INFINITY} for none pruned)
     */
    public PrefixBeamSearchDecoder(Vocabulary vocabulary, double frameSeconds, int beamWidth, int maxTokensPerFrame,
            double minTokenLogProb) {
        this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        Transcripts.checkFrameSeconds(frameSeconds);
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beamWidth must be >= 1, was " + beamWidth);
        }
        if (maxTokensPerFrame < 1) {
            throw new IllegalArgumentException("maxTokensPerFrame must be >= 1, was " + maxTokensPerFrame);
        }
        if (Double.isNaN(minTokenLogProb) || minTokenLogProb > 0) {
            throw new IllegalArgumentException("minTokenLogProb must be <= 0, was " + minTokenLogProb);
        }
        this.frameSeconds = frameSeconds;
        this.beamWidth = beamWidth;
        this.maxTokensPerFrame = maxTokensPerFrame;
        this.minTokenLogProb = minTokenLogProb;
    }

    public int beamWidth() {
        return beamWidth;
    }

    @Override
    public Transcript decode(float[][] logProbs, int length) {
        int frames = Transcripts.checkInput(logProbs, length, vocabulary);
        int blank = vocabulary.blankId();
        Prefix root = new Prefix(null, -1);
        List<Hypothesis> beam = new ArrayList<>();
        Hypothesis start = new Hypothesis(root);
        start.pb = 0.0;
        start.vb = 0.0;
        beam.add(start);
        int[] candidates = new int[vocabulary.size()];
        for (int t = 0; t < frames; t++) {
            float[] row = logProbs[t];
            int numCandidates = candidates(row, blank, candidates);
            double lpBlank = row[blank];
            Map<Prefix, Hypothesis> next = new LinkedHashMap<>();
            for (Hypothesis hyp : beam) {
                Prefix prefix = hyp.prefix;
                double total = logAddExp(hyp.pb, hyp.pnb);
                boolean blankBest = hyp.vb >= hyp.vnb;
                double bestPath = blankBest ? hyp.vb : hyp.vnb;
                Alignment bestAlignment = blankBest ? hyp.ab : hyp.anb;

                Hypothesis same = next.computeIfAbsent(prefix, Hypothesis::new);
                same.addBlankEnding(total + lpBlank, bestPath + lpBlank, bestAlignment);
                int last = prefix.token;
                if (last >= 0 && hyp.pnb != Double.NEGATIVE_INFINITY) {
                    double lp = row[last];
                    Alignment repeated = new Alignment(hyp.anb.token.extendedTo(t, lp), hyp.anb.previous);
                    same.addLabelEnding(hyp.pnb + lp, hyp.vnb + lp, repeated);
                }
                for (int i = 0; i < numCandidates; i++) {
                    int c = candidates[i];
                    double lp = row[c];
                    if (c != last) {
                        next.computeIfAbsent(prefix.child(c), Hypothesis::new).addLabelEnding(total + lp,
                                bestPath + lp, new Alignment(new TokenSpan(c, t, t, lp), bestAlignment));
                    }
                    else if (hyp.pb != Double.NEGATIVE_INFINITY) {
                        // Only a blank between two equal labels makes them two tokens.
                        next.computeIfAbsent(prefix.child(c), Hypothesis::new).addLabelEnding(hyp.pb + lp,
                                hyp.vb + lp, new Alignment(new TokenSpan(c, t, t, lp), hyp.ab));
                    }
                }
            }
            beam = prune(next);
        }
        Hypothesis best = beam.get(0);
        Alignment alignment = best.vb >= best.vnb ? best.ab : best.anb;
        return Transcripts.build(alignment == null ? List.of() : alignment.tokens(), vocabulary, frameSeconds);
    }

    /** Fills {@code out} with the labels to consider as extensions this frame and returns how many. */
    private int candidates(float[] row, int blank, int[] out) {
        int count = 0;
        for (int v = 0; v < row.length; v++) {
            if (v != blank && row[v] >= minTokenLogProb && row[v] != Double.NEGATIVE_INFINITY) {
                out[count++] = v;
            }
        }
        if (count <= maxTokensPerFrame) {
            return count;
        }
        Integer[] boxed = new Integer[count];
        for (int i = 0; i < count; i++) {
            boxed[i] = out[i];
        }
        // Stable, so equal log-probabilities keep id order.
        Arrays.sort(boxed, (a, b) -> Float.compare(row[b], row[a]));
        for (int i = 0; i < maxTokensPerFrame; i++) {
            out[i] = boxed[i];
        }
        return maxTokensPerFrame;
    }

    private List<Hypothesis> prune(Map<Prefix, Hypothesis> next) {
        List<Hypothesis> all = new ArrayList<>(next.values());
        for (Hypothesis hyp : all) {
            hyp.total = logAddExp(hyp.pb, hyp.pnb);
        }
        // Stable sort: ties keep the order in which prefixes were first reached.
        all.sort((a, b) -> Double.compare(b.total, a.total));
        return all.size() > beamWidth ? new ArrayList<>(all.subList(0, beamWidth)) : all;
    }

    static double logAddExp(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        double max = Math.max(a, b);
        return max + Math.log1p(Math.exp(-Math.abs(a - b)));
    }

    /** A node of the prefix trie built during one decode: equal prefixes are the same object. */
    private static final class Prefix {

        final Prefix parent;
        final int token;
        private Map<Integer, Prefix> children;

        Prefix(Prefix parent, int token) {
            this.parent = parent;
            this.token = token;
        }

        Prefix child(int label) {
            if (children == null) {
                children = new HashMap<>();
            }
            return children.computeIfAbsent(label, l -> new Prefix(this, l));
        }
    }

    /** An alignment's emitted tokens, as a persistent list whose head is the latest token. */
    private static final class Alignment {

        final TokenSpan token;
        final Alignment previous;

        Alignment(TokenSpan token, Alignment previous) {
            this.token = token;
            this.previous = previous;
        }

        List<TokenSpan> tokens() {
            Deque<TokenSpan> tokens = new ArrayDeque<>();
            for (Alignment a = this; a != null; a = a.previous) {
                tokens.addFirst(a.token);
            }
            return new ArrayList<>(tokens);
        }
    }

    /** A prefix's scores at one frame: summed ({@code pb}, {@code pnb}) and best single alignment per ending. */
    private static final class Hypothesis {

        final Prefix prefix;
        double pb = Double.NEGATIVE_INFINITY;
        double pnb = Double.NEGATIVE_INFINITY;
        double vb = Double.NEGATIVE_INFINITY;
        double vnb = Double.NEGATIVE_INFINITY;
        Alignment ab;
        Alignment anb;
        double total;

        Hypothesis(Prefix prefix) {
            this.prefix = prefix;
        }

        void addBlankEnding(double logProb, double pathLogProb, Alignment alignment) {
            pb = logAddExp(pb, logProb);
            if (pathLogProb > vb) {
                vb = pathLogProb;
                ab = alignment;
            }
        }

        void addLabelEnding(double logProb, double pathLogProb, Alignment alignment) {
            pnb = logAddExp(pnb, logProb);
            if (pathLogProb > vnb) {
                vnb = pathLogProb;
                anb = alignment;
            }
        }
    }
}
