package io.gearbox.asr.decoding;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * A word n-gram back-off language model (orders 1 to 3) read from an ARPA file, for shallow fusion in the CTC beam
 * search.
 *
 * <p><b>Scoring</b> is standard ARPA (Katz-form) back-off. With {@code h} the context and {@code h'} the context
 * without its oldest word:
 * <pre>
 *   log p(w | h) = log p(h w)                      if the n-gram "h w" is in the model
 *                = backoff(h) + log p(w | h')      otherwise, recursively down to the unigram log p(w)
 * </pre>
 * where {@code backoff(h)} is 0 when {@code h} is not in the model or has no back-off weight. The file holds
 * log10 values; every method returns natural logs (log10 multiplied by ln 10). A word outside the vocabulary is
 * scored as {@code <unk>} when the model has that unigram, otherwise with {@link #UNKNOWN_LOG10_PROB}.
 *
 * <p><b>Storage</b> is a trie over sorted arrays, after KenLM's (Heafield 2011, "KenLM: faster and smaller language
 * model queries"):
 * <ul>
 * <li>words: a {@link WordIndex} (one {@code char[]} pool, an open-addressing {@code int[]} hash table, the ids in
 * string order for the prefix check); ids are the words' order in the 1-grams section, which the longer n-grams of
 * the usual toolkits' files follow, so that their keys come sorted;</li>
 * <li>unigrams: {@code float[]} log10 probabilities and back-off weights by id, stored exactly, and per id the
 * start of its run of bigrams ({@code int[]});</li>
 * <li>bigrams and trigrams: a {@link TrieLevel} each, bit-packed records sorted by context then word: the word id
 * ({@code ceil(log2 V)} bits), the probability's code, and, below the highest order, the back-off weight's code
 * and the start of the run of trigrams it is the context of ({@code ceil(log2(trigrams + 1))} bits).</li>
 * </ul>
 * A lookup searches only the run of n-grams that extend its context, by binary search. A trigram whose first two
 * words are no bigram of the file gets a record at the bigram level marked as a mere context (no probability,
 * back-off weight 0), which leaves the scores as they were. For 75,000 words, 2.1M bigrams and 1.7M trigrams with
 * 16-bit codes that is 17 + 16 + 16 + 21 = 70 bits per bigram and 17 + 16 = 33 bits per trigram (8-bit: 54 and 25;
 * exact: 102 and 49), plus 12 bytes per unigram and the {@link WordIndex}'s 2 bytes per char and 16 to 24 per word.
 *
 * <p><b>Measured</b> with {@code LanguageModelBenchmark} (retained heap: the heap in use after {@link System#gc()}
 * with the model loaded, minus the same before; times: the loading or scoring thread's CPU time, best of 3 loads
 * and of 5 runs; one run on a shared 2-core machine, where times vary by some 30% from run to run), "before" being
 * this class at the commit before the trie, measured with the same benchmark:
 * <pre>
 *   ./mvnw -q -o test-compile exec:java -Dsmoke.skip -Dexec.classpathScope=test -Dlm.bits=16 \
 *       -Dexec.mainClass=io.gearbox.asr.bench.LanguageModelBenchmark \
 *       -Dexec.args="measure models/gearbox-en models/recipe/work/tune_synth/transcripts.tsv"
 *
 *   model (1- / 2- / 3-grams)         storage  max error  heap (MB)  bytes/n-gram  load (s)  ns per scored word
 *   shipped                           before   0            7.6        26.5        0.24       345
 *   (31,016 / 216,805 / 40,117)       16-bit   0.00002      3.7        12.8        0.32       209
 *                                     8-bit    0.02554      2.9         9.9        0.31       231
 *                                     exact    0            5.9        20.5        0.18       236
 *   CMU en-us, lm-task/lm-cmu.arpa    before   0           67.2        17.8        2.36      1010
 *   (71,698 / 2,044,666 / 1,668,190)  16-bit   0.00002     33.8         8.9        2.38       584
 *                                     8-bit    0.01997     29.1         7.7        2.34       466
 *                                     exact    0           45.8        12.1        1.72       656
 *   merged, lm-0.2-1e-8.arpa.gz       before   0           63.8        19.9        2.07      1351
 *   (78,627 / 1,765,336 / 1,354,356)  16-bit   0.00008     30.1         9.4        2.73       413
 *                                     exact    0           37.7        11.8        1.85       426
 *   generated, synthetic-4m           before   0           80.3        20.7        7.52       795
 *   (75,000 / 2,100,000 / 1,700,000)  16-bit   0.00003     34.3         8.8        5.02       191
 * </pre>
 * The first two large models are under {@code models/recipe/work/lm-task/}; the generated one, whose n-grams are in
 * random order and so need sorting, is {@code generate models/recipe/work/lmjava/synthetic-4m.arpa.gz 75000 2100000
 * 1700000} of the same benchmark. "max error" is {@link #maxLogProbError()} in log10.
 *
 * <p><b>Quantisation</b> ({@link Quantisation}): bigram and trigram probabilities and back-off weights are stored as
 * {@code bits}-bit codes into per-order tables of centres built by sorting each kind of value into bins of equal
 * population capped in width ({@link Codebook}), or exactly as floats with {@link Quantisation#NONE}. Unigrams stay exact. A score
 * sums one stored probability and at most {@code order() - 1} back-off weights, so its error is at most the sum of
 * those values' errors; {@link #maxLogProbError()} is that bound, measured on the values of the file. When an
 * order has no more distinct values than codes, its storage is lossless.
 *
 * <p><b>Loading</b> streams the text through one char buffer: words are looked up straight from it and numbers
 * parsed from it (a correctly rounded fast path for up to 7 significant digits, {@link Float#parseFloat} otherwise),
 * so no {@code String} is made per n-gram; keys are sorted once per order, which also finds repeated n-grams.
 *
 * <p>Hand-written because no maintained JVM library on Maven Central reads ARPA back-off models (BerkeleyLM has
 * been unmaintained since 2013), and the format is small.
 *
 * <p>Immutable and thread-safe.
 */
public final class NgramLanguageModel {

    /** Log-probability (log10) of an unknown word when the model has no {@code <unk>} entry. */
    public static final double UNKNOWN_LOG10_PROB = -10.0;

    private static final double LN_10 = Math.log(10.0);

    static final int MAX_ORDER = 3;

    static final int BITS_PER_WORD = 21;

    /** Ids are {@code 0 .. MAX_WORDS - 1}; the last one is kept for unknown words when there is no {@code <unk>}. */
    static final int MAX_WORDS = 1 << BITS_PER_WORD;

    private static final long WORD_MASK = MAX_WORDS - 1;

    private static final String SENTENCE_START = "<s>";

    private static final String SENTENCE_END = "</s>";

    private static final String UNKNOWN = "<unk>";

    /**
     * How bigram and trigram values are stored.
     *
     * @param bits bits per stored probability or back-off weight, 2 to 16; 0 for none: exact 32-bit floats
     */
    public record Quantisation(int bits) {

        /** Exact storage, as 32-bit floats. */
        public static final Quantisation NONE = new Quantisation(0);

        /**
         * What {@link #load(Path)} and {@link #read(InputStream, String)} use: 16-bit codes. On the shipped model
         * their scores are within 0.00002 (log10) of the file's, against 0.026 for 8-bit codes, and on the tuning set
         * the fused beam search makes the same errors as with exact values (36.1% WER at depth 12 and 46.8% at
         * depth 6; 8-bit: 36.1% and 46.9%), for some 1.3 bytes more per n-gram than 8-bit codes on a large model
         * (see the class's table):
         * {@code DecodingBenchmark compare models/gearbox-en models/recipe/work/tune_synth} with
         * {@code -Dlm.bits=16,0,8 -Ddepths=6,12}.
         */
        public static final Quantisation DEFAULT = new Quantisation(16);

        public Quantisation {
            if (bits != 0 && (bits < 2 || bits > 16)) {
                throw new IllegalArgumentException("bits must be 0 (no quantisation) or 2 to 16, was " + bits);
            }
        }
    }

    private final int order;

    private final WordIndex words;

    private final float[] unigramLog10Probs;

    private final float[] unigramBackoffs;

    /** Per word id, the first of its bigrams; {@code bigramStarts[id + 1]} ends the run (one extra entry). */
    private final int[] bigramStarts;

    /** {@code levels[n - 2]} holds the n-grams, for n from 2 to {@link #order}. */
    private final TrieLevel[] levels;

    private final Quantisation quantisation;

    /** The id out-of-vocabulary words get: {@code <unk>}'s, or {@link #reservedId} when there is none. */
    private final int unknownId;

    /** The id no word of the model has: the vocabulary size. */
    private final int reservedId;

    private final int endId;

    private final double maxLog10Error;

    private final State start;

    NgramLanguageModel(int order, WordIndex words, float[] unigramLog10Probs, float[] unigramBackoffs,
            int[] bigramStarts, TrieLevel[] levels, Quantisation quantisation) {
        this.order = order;
        this.words = words;
        this.unigramLog10Probs = unigramLog10Probs;
        this.unigramBackoffs = unigramBackoffs;
        this.bigramStarts = bigramStarts;
        this.levels = levels;
        this.quantisation = quantisation;
        this.reservedId = words.size();
        int unk = words.id(UNKNOWN);
        this.unknownId = unk >= 0 ? unk : reservedId;
        this.endId = idOf(SENTENCE_END);
        this.maxLog10Error = maxLog10Error(levels, order);
        this.start = next(State.EMPTY, SENTENCE_START);
    }

    /**
     * Reads an ARPA file, gzip-compressed or not (told apart by the gzip magic bytes, not by the file name), with
     * {@link Quantisation#DEFAULT}.
     *
     * @throws IOException if the file cannot be read, or naming the file and line if it is not a valid ARPA model
     *                     of order 1 to 3
     */
    public static NgramLanguageModel load(Path path) throws IOException {
        return load(path, Quantisation.DEFAULT);
    }

    /**
     * Reads an ARPA file, gzip-compressed or not, storing its values as {@code quantisation} says.
     *
     * @throws IOException if the file cannot be read, or naming the file and line if it is not a valid ARPA model
     *                     of order 1 to 3
     */
    public static NgramLanguageModel load(Path path, Quantisation quantisation) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString(), quantisation);
        }
    }

    /**
     * Reads an ARPA model, gzip-compressed or not, from {@code in}, which is left open, with
     * {@link Quantisation#DEFAULT}.
     *
     * @param name what error messages call the input, such as its file name
     * @throws IOException if the stream cannot be read, or naming {@code name} and the line if the input is not a
     *                     valid ARPA model of order 1 to 3
     */
    public static NgramLanguageModel read(InputStream in, String name) throws IOException {
        return read(in, name, Quantisation.DEFAULT);
    }

    /**
     * Reads an ARPA model, gzip-compressed or not, from {@code in}, which is left open, storing its values as
     * {@code quantisation} says.
     *
     * @param name what error messages call the input, such as its file name
     * @throws IOException if the stream cannot be read, or naming {@code name} and the line if the input is not a
     *                     valid ARPA model of order 1 to 3
     */
    public static NgramLanguageModel read(InputStream in, String name, Quantisation quantisation)
            throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(quantisation, "quantisation");
        InputStream buffered = new BufferedInputStream(new FilterInputStream(in) {
            @Override
            public void close() {
                // the caller owns the stream
            }
        }, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        InputStream bytes = first == 0x1f && second == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        try (Reader reader = new InputStreamReader(bytes, StandardCharsets.UTF_8)) {
            return new ArpaReader(reader, name, quantisation).read();
        }
    }

    /** The highest n-gram order of the model, 1 to 3. */
    public int order() {
        return order;
    }

    /** The number of unigrams, {@code <s>}, {@code </s>} and {@code <unk>} included when the file has them. */
    public int vocabularySize() {
        return unigramLog10Probs.length;
    }

    /** Whether {@code word} is a unigram of the model; true for {@code <unk>} itself when the file lists it. */
    public boolean contains(String word) {
        return words.id(word) >= 0;
    }

    /** Whether some word of the model starts with {@code prefix} (or is it). */
    public boolean startsSomeWord(String prefix) {
        return words.startsSomeWord(prefix);
    }

    /** How the model stores its bigram and trigram values. */
    public Quantisation quantisation() {
        return quantisation;
    }

    /**
     * The most by which a score of {@link #logProb} or {@link #endLogProb} can differ from the exact ARPA score, in
     * natural log: over the ways a score is made (a probability of order {@code k} plus the back-off weights of
     * the contexts from order {@code k} up to {@code order() - 1}), the largest sum of the stored values' largest
     * errors. 0 with {@link Quantisation#NONE} or when every order was stored losslessly.
     */
    public double maxLogProbError() {
        return maxLog10Error * LN_10;
    }

    /** The state after {@code <s>}: the start of a sentence. */
    public State start() {
        return start;
    }

    /**
     * Natural-log probability of {@code word} after {@code state}, with back-off. A word outside the vocabulary is
     * scored as {@code <unk>} if the model has it, else as {@link #UNKNOWN_LOG10_PROB} (in natural log).
     *
     * @param state a state of this model, from {@link #start()} or {@link #next(State, String)}
     */
    public double logProb(State state, String word) {
        return log10Prob(state, idOf(word)) * LN_10;
    }

    /**
     * The state after {@code state} followed by {@code word}: the ids of the last {@code order() - 1} words. An
     * out-of-vocabulary word takes {@code <unk>}'s id, or an id reserved for unknown words when there is no
     * {@code <unk>}.
     *
     * @param state a state of this model, from {@link #start()} or {@link #next(State, String)}
     */
    public State next(State state, String word) {
        int length = Math.min(state.length + 1, order - 1);
        if (length == 0) {
            return State.EMPTY;
        }
        int id = idOf(word);
        long context = ((state.context << BITS_PER_WORD) | id) & mask(length);
        int node = -1;
        if (length == 2) {
            int previous = (int) (state.context & WORD_MASK);
            node = previous < reservedId ? levels[0].find(bigramStarts[previous], bigramStarts[previous + 1], id)
                    : -1;
        }
        return new State(context, length, node);
    }

    /** Natural-log probability of {@code </s>} after {@code state}: of the sentence ending there. */
    public double endLogProb(State state) {
        return log10Prob(state, endId) * LN_10;
    }

    private int idOf(String word) {
        int id = words.id(word);
        return id >= 0 ? id : unknownId;
    }

    /** The back-off chain, specialised for orders up to 3: the state carries its bigram's record. */
    private double log10Prob(State state, int word) {
        if (word == reservedId) {
            return UNKNOWN_LOG10_PROB;
        }
        double backoff = 0.0;
        if (state.length == 2 && state.node >= 0) {
            TrieLevel bigrams = levels[0];
            TrieLevel trigrams = levels[1];
            int found = trigrams.find(bigrams.pointer(state.node), bigrams.pointer(state.node + 1), word);
            if (found >= 0) {
                return backoff + trigrams.log10Prob(found);
            }
            backoff += bigrams.backoff(state.node);
        }
        if (state.length >= 1) {
            int previous = (int) (state.context & WORD_MASK);
            if (previous < reservedId) {
                TrieLevel bigrams = levels[0];
                int found = bigrams.find(bigramStarts[previous], bigramStarts[previous + 1], word);
                if (found >= 0 && !bigrams.isAbsent(found)) {
                    return backoff + bigrams.log10Prob(found);
                }
                backoff += unigramBackoffs[previous];
            }
        }
        return backoff + unigramLog10Probs[word];
    }

    private static double maxLog10Error(TrieLevel[] levels, int order) {
        // a probability of order k plus the back-off weights of orders k .. order - 1; unigrams are exact
        double max = 0;
        for (int k = 1; k <= order; k++) {
            double error = k == 1 ? 0 : levels[k - 2].probabilityCodes().maxError();
            for (int j = Math.max(k, 2); j < order; j++) {
                error += levels[j - 2].backoffCodes().maxError();
            }
            max = Math.max(max, error);
        }
        return max;
    }

    private static long mask(int words) {
        return (1L << (BITS_PER_WORD * words)) - 1;
    }

    /**
     * An immutable language-model context: the ids of the last {@code order() - 1} words (fewer at the start of a
     * model without {@code <s>}). Equal contexts give equal states, so a state can serve as a map key; states are
     * only meaningful to the model that made them.
     */
    public static final class State {

        private static final State EMPTY = new State(0L, 0, -1);

        /** The word ids, 21 bits each, the most recent word in the lowest bits. */
        private final long context;

        private final int length;

        /**
         * The bigram record of a two-word context, or -1 when it is none; a function of the context, so it takes
         * no part in equality.
         */
        private final int node;

        private State(long context, int length, int node) {
            this.context = context;
            this.length = length;
            this.node = node;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof State state && state.context == context && state.length == length;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(context * 0x9E3779B97F4A7C15L) * 31 + length;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("State[");
            for (int i = length - 1; i >= 0; i--) {
                text.append(context >>> (BITS_PER_WORD * i) & WORD_MASK);
                if (i > 0) {
                    text.append(' ');
                }
            }
            return text.append(']').toString();
        }
    }
}
