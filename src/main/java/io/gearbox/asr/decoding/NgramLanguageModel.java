package io.gearbox.asr.decoding;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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
 * <p><b>Storage</b>: words map to dense int ids (their order in the 1-grams section) through one
 * {@code HashMap<String, Integer>}; unigram log10 probabilities and back-off weights are arrays indexed by id. Each
 * higher order keeps a sorted {@code long[]} of keys, the n-gram's word ids packed 21 bits each (oldest word in
 * the highest bits), with parallel {@code float[]} log10 probabilities and back-off weights (none for the highest
 * order, whose back-off weights are never used), searched with {@link Arrays#binarySearch(long[], long)}. Three
 * ids fit in a long, hence orders up to 3 and vocabularies under 2<sup>21</sup> words (one id is reserved for
 * unknown words when there is no {@code <unk>}). The entries are sorted once after reading.
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

    private static final int MAX_ORDER = 3;

    private static final int BITS_PER_WORD = 21;

    /** Ids are {@code 0 .. MAX_WORDS - 1}; the last one is kept for unknown words when there is no {@code <unk>}. */
    private static final int MAX_WORDS = 1 << BITS_PER_WORD;

    private static final String SENTENCE_START = "<s>";

    private static final String SENTENCE_END = "</s>";

    private static final String UNKNOWN = "<unk>";

    private final int order;

    private final Map<String, Integer> ids;

    /** The words, sorted, to tell whether a spelling so far can still become a word of the model. */
    private final String[] sortedWords;

    private final float[] unigramLog10Probs;

    private final float[] unigramBackoffs;

    /** Tables of the 2-grams and 3-grams: {@code tables[n - 2]} holds the n-grams. */
    private final Table[] tables;

    /** The id out-of-vocabulary words get: {@code <unk>}'s, or {@link #reservedId} when there is none. */
    private final int unknownId;

    /** The id no word of the model has: the vocabulary size. */
    private final int reservedId;

    private final int endId;

    private final State start;

    private NgramLanguageModel(int order, Map<String, Integer> ids, float[] unigramLog10Probs,
            float[] unigramBackoffs, Table[] tables) {
        this.order = order;
        this.ids = ids;
        this.sortedWords = ids.keySet().stream().sorted().toArray(String[]::new);
        this.unigramLog10Probs = unigramLog10Probs;
        this.unigramBackoffs = unigramBackoffs;
        this.tables = tables;
        this.reservedId = unigramLog10Probs.length;
        this.unknownId = ids.getOrDefault(UNKNOWN, reservedId);
        this.endId = idOf(SENTENCE_END);
        this.start = next(State.EMPTY, SENTENCE_START);
    }

    /**
     * Reads an ARPA file, gzip-compressed or not (told apart by the gzip magic bytes, not by the file name).
     *
     * @throws IOException if the file cannot be read, or naming the file and line if it is not a valid ARPA model
     *                     of order 1 to 3
     */
    public static NgramLanguageModel load(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    /**
     * Reads an ARPA model, gzip-compressed or not, from {@code in}, which is left open.
     *
     * @param name what error messages call the input, such as its file name
     * @throws IOException if the stream cannot be read, or naming {@code name} and the line if the input is not a
     *                     valid ARPA model of order 1 to 3
     */
    public static NgramLanguageModel read(InputStream in, String name) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(name, "name");
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
        InputStream text = first == 0x1f && second == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(text, StandardCharsets.UTF_8),
                1 << 16)) {
            return new Parser(reader, name).parse();
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
        return ids.containsKey(word);
    }

    /** Whether some word of the model starts with {@code prefix} (or is it). */
    public boolean startsSomeWord(String prefix) {
        int at = Arrays.binarySearch(sortedWords, prefix);
        int ceiling = at >= 0 ? at : -at - 1;
        return ceiling < sortedWords.length && sortedWords[ceiling].startsWith(prefix);
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
        long context = ((state.context << BITS_PER_WORD) | idOf(word)) & mask(length);
        return new State(context, length);
    }

    /** Natural-log probability of {@code </s>} after {@code state}: of the sentence ending there. */
    public double endLogProb(State state) {
        return log10Prob(state, endId) * LN_10;
    }

    private int idOf(String word) {
        Integer id = ids.get(word);
        return id != null ? id : unknownId;
    }

    private double log10Prob(State state, int word) {
        if (word == reservedId) {
            return UNKNOWN_LOG10_PROB;
        }
        double backoff = 0.0;
        for (int length = state.length; length > 0; length--) {
            long context = state.context & mask(length);
            Table table = tables[length - 1];
            int index = table.find((context << BITS_PER_WORD) | word);
            if (index >= 0) {
                return backoff + table.log10Probs[index];
            }
            backoff += backoff(context, length);
        }
        return backoff + unigramLog10Probs[word];
    }

    /** The back-off weight of the context of {@code length} words packed in {@code context}; 0 if it is unseen. */
    private double backoff(long context, int length) {
        if (length == 1) {
            return context < unigramBackoffs.length ? unigramBackoffs[(int) context] : 0.0;
        }
        Table table = tables[length - 2];
        int index = table.find(context);
        return index >= 0 ? table.backoffs[index] : 0.0;
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

        private static final State EMPTY = new State(0L, 0);

        /** The word ids, 21 bits each, the most recent word in the lowest bits. */
        private final long context;

        private final int length;

        private State(long context, int length) {
            this.context = context;
            this.length = length;
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
                text.append(context >>> (BITS_PER_WORD * i) & mask(1));
                if (i > 0) {
                    text.append(' ');
                }
            }
            return text.append(']').toString();
        }
    }

    /** The n-grams of one order above 1, sorted by packed key. */
    private static final class Table {

        private static final Table EMPTY = new Table(new long[0], new float[0], new float[0]);

        private final long[] keys;

        private final float[] log10Probs;

        /** Back-off weights, or null for the highest order. */
        private final float[] backoffs;

        private Table(long[] keys, float[] log10Probs, float[] backoffs) {
            this.keys = keys;
            this.log10Probs = log10Probs;
            this.backoffs = backoffs;
        }

        int find(long key) {
            return Arrays.binarySearch(keys, key);
        }
    }

    /** Reads one ARPA text; single use. */
    private static final class Parser {

        private final BufferedReader reader;

        private final String name;

        private final String[] fields = new String[MAX_ORDER + 3];

        private int lineNumber;

        Parser(BufferedReader reader, String name) {
            this.reader = reader;
            this.name = name;
        }

        NgramLanguageModel parse() throws IOException {
            String line = nextNonBlankLine();
            if (line == null) {
                throw new IOException(name + ": the file is empty");
            }
            while (!line.equals("\\data\\")) {
                if (line.startsWith("\\")) {
                    throw error("missing \\data\\ header before " + line);
                }
                line = nextNonBlankLine();
                if (line == null) {
                    throw error("missing \\data\\ header");
                }
            }
            int[] counts = new int[MAX_ORDER + 1];
            int order = 0;
            while ((line = nextNonBlankLine()) != null && line.startsWith("ngram")) {
                order = readCount(line, counts, order);
            }
            if (order == 0) {
                throw error("no 'ngram N=count' lines after \\data\\");
            }
            if (counts[1] >= MAX_WORDS) {
                throw error("a vocabulary of " + counts[1] + " words is over the limit of " + (MAX_WORDS - 1));
            }

            Map<String, Integer> ids = new HashMap<>(Math.max(16, (int) (counts[1] / 0.75f) + 1));
            float[] unigramLog10Probs = new float[counts[1]];
            float[] unigramBackoffs = new float[counts[1]];
            Table[] tables = new Table[MAX_ORDER - 1];
            Arrays.fill(tables, Table.EMPTY);
            for (int n = 1; n <= order; n++) {
                String header = "\\" + n + "-grams:";
                if (line == null || !line.equals(header)) {
                    throw error("expected " + header + (line == null ? " before the end of the file" : ", found "
                            + line));
                }
                line = n == 1 ? readUnigrams(counts[1], ids, unigramLog10Probs, unigramBackoffs)
                        : readNgrams(n, counts[n], n == order, ids, tables);
            }
            if (line == null || !line.equals("\\end\\")) {
                throw error("expected \\end\\" + (line == null ? " before the end of the file" : ", found " + line));
            }
            return new NgramLanguageModel(order, ids, unigramLog10Probs, unigramBackoffs, tables);
        }

        /** Reads {@code ngram N=count} into {@code counts}; returns the highest order so far. */
        private int readCount(String line, int[] counts, int order) throws IOException {
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw error("expected 'ngram N=count', found " + line);
            }
            int n;
            long count;
            try {
                n = Integer.parseInt(line.substring("ngram".length(), equals).strip());
                count = Long.parseLong(line.substring(equals + 1).strip());
            }
            catch (NumberFormatException ex) {
                throw error("expected 'ngram N=count', found " + line);
            }
            if (n > MAX_ORDER) {
                throw error("order " + n + " n-grams are not supported: at most " + MAX_ORDER + "-grams");
            }
            if (n != order + 1) {
                throw error("expected the count of the " + (order + 1) + "-grams, found " + line);
            }
            if (count < 0 || count > Integer.MAX_VALUE - 8) {
                throw error("count out of range: " + line);
            }
            counts[n] = (int) count;
            return n;
        }

        /** Reads the 1-grams section; returns the line that follows it. */
        private String readUnigrams(int count, Map<String, Integer> ids, float[] log10Probs, float[] backoffs)
                throws IOException {
            String line;
            int read = 0;
            while ((line = nextNonBlankLine()) != null && !line.startsWith("\\")) {
                int length = split(line, 1);
                if (read == count) {
                    throw error("more 1-grams than the " + count + " declared in \\data\\");
                }
                String word = fields[1];
                if (ids.putIfAbsent(word, read) != null) {
                    throw error("repeated 1-gram " + word);
                }
                log10Probs[read] = number(fields[0]);
                backoffs[read] = length == 3 ? number(fields[2]) : 0f;
                read++;
            }
            checkCount(1, count, read);
            return line;
        }

        /** Reads the {@code n}-grams section into {@code tables[n - 2]}; returns the line that follows it. */
        private String readNgrams(int n, int count, boolean highest, Map<String, Integer> ids, Table[] tables)
                throws IOException {
            long[] keys = new long[Math.min(count, 1 << 16)];
            float[] log10Probs = new float[keys.length];
            float[] backoffs = highest ? null : new float[keys.length];
            int[] lines = new int[keys.length];
            String line;
            int read = 0;
            while ((line = nextNonBlankLine()) != null && !line.startsWith("\\")) {
                int length = split(line, n);
                if (read == count) {
                    throw error("more " + n + "-grams than the " + count + " declared in \\data\\");
                }
                if (read == keys.length) {
                    int capacity = (int) Math.min(count, 2L * keys.length);
                    keys = Arrays.copyOf(keys, capacity);
                    log10Probs = Arrays.copyOf(log10Probs, capacity);
                    backoffs = highest ? null : Arrays.copyOf(backoffs, capacity);
                    lines = Arrays.copyOf(lines, capacity);
                }
                long key = 0;
                for (int i = 1; i <= n; i++) {
                    Integer id = ids.get(fields[i]);
                    if (id == null) {
                        throw error("word " + fields[i] + " is not in the 1-grams");
                    }
                    key = (key << BITS_PER_WORD) | id;
                }
                keys[read] = key;
                log10Probs[read] = number(fields[0]);
                if (length == n + 2) {
                    float backoff = number(fields[n + 1]);
                    if (!highest) {
                        backoffs[read] = backoff;
                    }
                }
                lines[read] = lineNumber;
                read++;
            }
            checkCount(n, count, read);
            tables[n - 2] = sorted(n, keys, log10Probs, backoffs, lines, ids);
            return line;
        }

        /** Sorts the entries by key (ARPA files are usually sorted already) and rejects repeated n-grams. */
        private Table sorted(int n, long[] keys, float[] log10Probs, float[] backoffs, int[] lines,
                Map<String, Integer> ids) throws IOException {
            long[] sortedKeys = keys.clone();
            Arrays.sort(sortedKeys);
            for (int i = 1; i < sortedKeys.length; i++) {
                if (sortedKeys[i] == sortedKeys[i - 1]) {
                    int first = indexOf(keys, sortedKeys[i], 0);
                    int second = indexOf(keys, sortedKeys[i], first + 1);
                    lineNumber = lines[second];
                    throw error("repeated " + n + "-gram " + words(keys[second], n, ids));
                }
            }
            if (Arrays.equals(keys, sortedKeys)) {
                return new Table(keys, log10Probs, backoffs);
            }
            float[] sortedLog10Probs = new float[keys.length];
            float[] sortedBackoffs = backoffs == null ? null : new float[keys.length];
            for (int i = 0; i < keys.length; i++) {
                int position = Arrays.binarySearch(sortedKeys, keys[i]);
                sortedLog10Probs[position] = log10Probs[i];
                if (backoffs != null) {
                    sortedBackoffs[position] = backoffs[i];
                }
            }
            return new Table(sortedKeys, sortedLog10Probs, sortedBackoffs);
        }

        private static int indexOf(long[] keys, long key, int from) {
            for (int i = from; i < keys.length; i++) {
                if (keys[i] == key) {
                    return i;
                }
            }
            return -1;
        }

        private static String words(long key, int n, Map<String, Integer> ids) {
            String[] byId = new String[ids.size()];
            ids.forEach((word, id) -> byId[id] = word);
            StringBuilder text = new StringBuilder();
            for (int i = n - 1; i >= 0; i--) {
                text.append(byId[(int) (key >>> (BITS_PER_WORD * i) & mask(1))]);
                if (i > 0) {
                    text.append(' ');
                }
            }
            return text.toString();
        }

        private void checkCount(int n, int declared, int read) throws IOException {
            if (read != declared) {
                throw error("the " + n + "-grams section has " + read + " entries but \\data\\ declares "
                        + declared);
            }
        }

        /**
         * Splits an entry of an {@code n}-grams section into {@link #fields}: the log10 probability, {@code n}
         * words and an optional back-off weight. Returns the number of fields.
         */
        private int split(String line, int n) throws IOException {
            int count = 0;
            int length = line.length();
            int i = 0;
            while (i < length) {
                while (i < length && isSpace(line.charAt(i))) {
                    i++;
                }
                if (i == length) {
                    break;
                }
                int start = i;
                while (i < length && !isSpace(line.charAt(i))) {
                    i++;
                }
                if (count == n + 2) {
                    count++;
                    break;
                }
                fields[count++] = line.substring(start, i);
            }
            if (count != n + 1 && count != n + 2) {
                throw error("expected a log10 probability, " + n + (n == 1 ? " word" : " words")
                        + " and an optional back-off weight, found: " + line);
            }
            return count;
        }

        private float number(String field) throws IOException {
            if (field.equalsIgnoreCase("-inf") || field.equalsIgnoreCase("-infinity")) {
                return Float.NEGATIVE_INFINITY;
            }
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
                    throw error(field + " is not a number");
                }
            }
            try {
                return Float.parseFloat(field);
            }
            catch (NumberFormatException ex) {
                throw error(field + " is not a number");
            }
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000b';
        }

        /** The next line that is not blank, stripped, or null at the end of the input. */
        private String nextNonBlankLine() throws IOException {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                String stripped = line.strip();
                if (!stripped.isEmpty()) {
                    return stripped;
                }
            }
            return null;
        }

        private IOException error(String what) {
            return new IOException(name + ":" + lineNumber + ": " + what);
        }
    }
}
