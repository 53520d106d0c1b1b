package io.gearbox.asr.decoding;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CTC prefix beam search (Hannun et al., 2014), optionally with a word language model fused in.
 *
 * <p><b>Search.</b> Each hypothesis is a label prefix with two log-probabilities: {@code pb}, of all alignments of
 * the frames so far that yield the prefix and end in a blank, and {@code pnb}, of those that end in its last label.
 * At each frame a prefix {@code P} with last label {@code l} goes to: {@code P} by a blank
 * ({@code logaddexp(pb, pnb) + lp[blank]} into {@code pb}); {@code P} by repeating {@code l} ({@code pnb + lp[l]}
 * into {@code pnb}); {@code P+c} for {@code c != l} ({@code logaddexp(pb, pnb) + lp[c]}) and {@code P+l} from
 * {@code pb} only ({@code pb + lp[l]}), into {@code pnb}. Contributions reaching the same prefix are summed with
 * log-sum-exp; after each frame the {@code beamWidth} prefixes with the largest {@code logaddexp(pb, pnb)} (plus
 * the language model's score, below) are kept, and the best of them at the end is the answer. Summing over
 * alignments is what lets beam search find a prefix that no single best path spells (see the tests). Even a beam of
 * 1 sums paths, so it equals greedy decoding only when per-frame posteriors are peaky, as trained CTC models' are.
 *
 * <p><b>Language model</b> (optional, {@link LanguageModelFusion}). The sums {@code pb} and {@code pnb} stay
 * acoustic; a prefix is ranked by {@code logaddexp(pb, pnb) + lm(prefix)}, where {@code lm(prefix)} is the fused
 * score of the words the prefix has completed (a word is complete when a piece starting a new word follows it)
 * plus, when the word being spelled is no longer the beginning of any word of the model, that word's score as an
 * unknown word. Without that look-ahead a prefix would pay for its words only as it completed them, and the search
 * would prefer to run words together. The score is a function of the prefix alone, so it is computed once, when
 * the prefix is first reached, and the search's sums are unchanged. At the end the last word and the end of the
 * sentence are scored too, and the best prefix by that complete score is the answer. With no language model
 * {@code lm(prefix) = 0}.
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
 * <p>Time {@code O(T * beamWidth * K)} with {@code K} the labels considered per frame; memory
 * {@code O(beamWidth * K)} besides the hypotheses' alignments, whatever the length of the audio. Immutable and
 * thread-safe.
 */
public final class PrefixBeamSearchDecoder implements CtcDecoder {

    private final Vocabulary vocabulary;
    private final double frameSeconds;
    private final int beamWidth;
    private final int maxTokensPerFrame;
    private final double minTokenLogProb;
    private final LanguageModelFusion fusion;
    /** Each label's text without U+2581: the part of a word it spells, for the language model. */
    private final String[] pieceTexts;

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
        this(vocabulary, frameSeconds, beamWidth, maxTokensPerFrame, minTokenLogProb, null);
    }

    /**
     * As {@link #PrefixBeamSearchDecoder(Vocabulary, double, int, int, double)}, with a word language model.
     *
     * @param fusion the language model and its weights, or {@code null} for none
     */
    public PrefixBeamSearchDecoder(Vocabulary vocabulary, double frameSeconds, int beamWidth, int maxTokensPerFrame,
            double minTokenLogProb, LanguageModelFusion fusion) {
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
        this.fusion = fusion;
        this.pieceTexts = new String[vocabulary.size()];
        for (int id = 0; id < pieceTexts.length; id++) {
            pieceTexts[id] = vocabulary.text(id).strip();
        }
    }

    public int beamWidth() {
        return beamWidth;
    }

    @Override
    public Settings settings() {
        return new Settings("beam", beamWidth, fusion == null ? null : new LanguageModel(fusion.model().order(),
                fusion.model().vocabularySize(), fusion.weight(), fusion.wordBonus()));
    }

    @Override
    public Transcript decode(float[][] logProbs, int length) {
        int frames = Transcripts.checkInput(logProbs, length, vocabulary);
        int blank = vocabulary.blankId();
        List<Hypothesis> beam = new ArrayList<>();
        // No reference to the root is kept: see forget().
        Hypothesis start = new Hypothesis(fusion == null ? new Prefix(null, -1) : new Prefix(fusion.model().start()));
        start.pb = 0.0;
        start.vb = 0.0;
        beam.add(start);
        int[] candidates = new int[vocabulary.size()];
        // The prefixes reached in the frame being built, reused from frame to frame.
        List<Hypothesis> next = new ArrayList<>(beamWidth * (Math.min(maxTokensPerFrame, vocabulary.size()) + 1));
        for (int t = 0; t < frames; t++) {
            float[] row = logProbs[t];
            int numCandidates = candidates(row, blank, candidates);
            double lpBlank = row[blank];
            next.clear();
            for (Hypothesis hyp : beam) {
                Prefix prefix = hyp.prefix;
                double total = logAddExp(hyp.pb, hyp.pnb);
                boolean blankBest = hyp.vb >= hyp.vnb;
                double bestPath = blankBest ? hyp.vb : hyp.vnb;
                Alignment bestAlignment = blankBest ? hyp.ab : hyp.anb;

                Hypothesis same = reach(prefix, t, next);
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
                        reach(child(prefix, c), t, next).addLabelEnding(total + lp,
                                bestPath + lp, new Alignment(new TokenSpan(c, t, t, lp), bestAlignment));
                    }
                    else if (hyp.pb != Double.NEGATIVE_INFINITY) {
                        // Only a blank between two equal labels makes them two tokens.
                        reach(child(prefix, c), t, next).addLabelEnding(hyp.pb + lp,
                                hyp.vb + lp, new Alignment(new TokenSpan(c, t, t, lp), hyp.ab));
                    }
                }
            }
            List<Hypothesis> extended = beam;
            beam = prune(next);
            forget(extended, beam, t);
        }
        Hypothesis best = fusion == null ? beam.get(0) : bestComplete(beam);
        Alignment alignment = best.vb >= best.vnb ? best.ab : best.anb;
        return Transcripts.build(alignment == null ? List.of() : alignment.tokens(), vocabulary, frameSeconds);
    }

    /**
     * The hypothesis of {@code prefix} at frame {@code t}: created, and listed in {@code next}, when the frame first
     * reaches the prefix. Equal prefixes are one trie node, so the node itself holds its hypothesis for the frame
     * being built, and no map is needed to merge the paths that reach it; {@code next} keeps the order in which
     * prefixes were first reached, which breaks ties.
     */
    private static Hypothesis reach(Prefix prefix, int t, List<Hypothesis> next) {
        if (prefix.frame != t) {
            prefix.frame = t;
            prefix.hypothesis = new Hypothesis(prefix);
            next.add(prefix.hypothesis);
        }
        return prefix.hypothesis;
    }

    /**
     * Drops from the children of the prefixes just extended those that did not make the new beam. A prefix that
     * leaves the beam can only be reached again as its parent's child, and then a new node for it is as good: it
     * is in no other hypothesis. Nodes hold no reference to their parents, so after this the only nodes reachable
     * are those of the beam and the beam's children: the search's memory stays bounded by the beam, not the audio
     * (without it, ten minutes of audio grew the trie past a 256 MB heap).
     */
    private static void forget(List<Hypothesis> extended, List<Hypothesis> beam, int t) {
        for (Hypothesis hyp : beam) {
            hyp.prefix.inBeamAt = t;
        }
        for (Hypothesis hyp : extended) {
            if (hyp.prefix.children != null) {
                hyp.prefix.children.values().removeIf((child) -> child.inBeamAt != t);
            }
        }
    }

    /**
     * Fills {@code out} with the labels to consider as extensions this frame, most probable first, and returns how
     * many. Equal log-probabilities keep id order.
     */
    private int candidates(float[] row, int blank, int[] out) {
        int count = 0;
        for (int v = 0; v < row.length; v++) {
            float lp = row[v];
            if (v == blank || lp < minTokenLogProb || lp == Float.NEGATIVE_INFINITY) {
                continue;
            }
            if (count == maxTokensPerFrame && lp <= row[out[count - 1]]) {
                continue;
            }
            // Insertion into the sorted top list, dropping its last when full.
            int at = Math.min(count, maxTokensPerFrame - 1);
            while (at > 0 && row[out[at - 1]] < lp) {
                out[at] = out[at - 1];
                at--;
            }
            out[at] = v;
            count = Math.min(count + 1, maxTokensPerFrame);
        }
        return count;
    }

    private Prefix child(Prefix prefix, int label) {
        return prefix.children().computeIfAbsent(label, l -> extend(prefix, l));
    }

    /** The prefix {@code parent + label}, with its language-model bookkeeping when a model is fused in. */
    private Prefix extend(Prefix parent, int label) {
        if (fusion == null || vocabulary.isSpecial(label)) {
            return new Prefix(parent, label);
        }
        String text = pieceTexts[label];
        if (vocabulary.startsWord(label) && !parent.word.isEmpty()) {
            if (parent.closedState == null) { // once per parent, however many of its children start a word
                parent.closedScore = parent.lmScore + fusion.score(parent.lmState, parent.word);
                parent.closedState = fusion.model().next(parent.lmState, parent.word);
            }
            return new Prefix(parent, label, parent.closedState, text, parent.closedScore,
                    pending(parent.closedState, text));
        }
        String word = parent.word + text;
        return new Prefix(parent, label, parent.lmState, word, parent.lmScore, pending(parent.lmState, word));
    }

    /** The look-ahead score of a word being spelled: its score as an unknown word once it can be no other. */
    private double pending(NgramLanguageModel.State state, String word) {
        return word.isEmpty() || fusion.model().startsSomeWord(word) ? 0.0 : fusion.score(state, word);
    }

    /** The hypothesis whose prefix, completed by its last word and the end of the sentence, scores best. */
    private Hypothesis bestComplete(List<Hypothesis> beam) {
        Hypothesis best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Hypothesis hyp : beam) {
            Prefix prefix = hyp.prefix;
            double score = hyp.total + prefix.lmScore;
            NgramLanguageModel.State state = prefix.lmState;
            if (!prefix.word.isEmpty()) {
                score += fusion.score(state, prefix.word);
                state = fusion.model().next(state, prefix.word);
            }
            score += fusion.end(state);
            if (best == null || score > bestScore) {
                best = hyp;
                bestScore = score;
            }
        }
        return best;
    }

    private List<Hypothesis> prune(List<Hypothesis> all) {
        for (Hypothesis hyp : all) {
            hyp.total = logAddExp(hyp.pb, hyp.pnb);
            hyp.rank = hyp.total + hyp.prefix.lmScore + hyp.prefix.pending;
        }
        // Stable sort: ties keep the order in which prefixes were first reached.
        all.sort((a, b) -> Double.compare(b.rank, a.rank));
        return new ArrayList<>(all.size() > beamWidth ? all.subList(0, beamWidth) : all);
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

    /**
     * A node of the prefix trie built during one decode: equal prefixes are the same object. With a language
     * model it also holds the model's state after the completed words, the word being spelled, the fused score
     * of the completed words and the look-ahead score of the word being spelled.
     */
    private static final class Prefix {

        final int token;
        final NgramLanguageModel.State lmState;
        final String word;
        final double lmScore;
        final double pending;
        private Map<Integer, Prefix> children;
        /** The frame whose hypothesis {@link #hypothesis} is, while that frame is built; -1 before any. */
        int frame = -1;
        /** The last frame after which this prefix was in the beam. */
        int inBeamAt = -1;
        Hypothesis hypothesis;
        /** With a language model, once a child starts a new word: the score and state with this word completed. */
        double closedScore;
        NgramLanguageModel.State closedState;

        /** The root of a search with a language model. */
        Prefix(NgramLanguageModel.State start) {
            this(null, -1, start, "", 0.0, 0.0);
        }

        /** A prefix whose language-model bookkeeping, if any, equals its parent's. */
        Prefix(Prefix parent, int token) {
            this(parent, token, parent == null ? null : parent.lmState, parent == null ? "" : parent.word,
                    parent == null ? 0.0 : parent.lmScore, parent == null ? 0.0 : parent.pending);
        }

        Prefix(Prefix parent, int token, NgramLanguageModel.State lmState, String word, double lmScore,
                double pending) {
            this.token = token;
            this.lmState = lmState;
            this.word = word;
            this.lmScore = lmScore;
            this.pending = pending;
        }

        Map<Integer, Prefix> children() {
            if (children == null) {
                children = new HashMap<>();
            }
            return children;
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
        double rank;

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
