package io.gearbox.asr.decoding;

import static io.gearbox.asr.decoding.NgramLanguageModel.BITS_PER_WORD;
import static io.gearbox.asr.decoding.NgramLanguageModel.MAX_ORDER;
import static io.gearbox.asr.decoding.NgramLanguageModel.MAX_WORDS;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * Reads one ARPA text into an {@link NgramLanguageModel}; single use.
 *
 * <p>The text streams through one growable char buffer, a line at a time; an n-gram line is split into fields in
 * place, its words looked up in the {@link WordIndex} from the buffer and its numbers parsed from it, so nothing but
 * primitive arrays grows with the number of n-grams. Each order's n-grams are read as packed keys (21 bits per word
 * id, the oldest word highest), sorted once, checked for repeats, and then laid out as the trie's levels.
 */
final class ArpaReader {

    private static final float[] POWERS_OF_TEN = {1f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    private final Reader reader;

    private final String name;

    private final NgramLanguageModel.Quantisation quantisation;

    private char[] buffer = new char[1 << 16];

    /** The unread chars are {@code buffer[position .. limit)}. */
    private int position;

    private int limit;

    private boolean endOfInput;

    /** A '\r' ended the last line, so a '\n' right after it belongs to it. */
    private boolean afterCarriageReturn;

    /** The current line, stripped: {@code buffer[lineStart .. lineEnd)}. */
    private int lineStart;

    private int lineEnd;

    private int lineNumber;

    /** Field {@code i} of the current line is {@code buffer[fieldStarts[i] .. fieldEnds[i])}. */
    private final int[] fieldStarts = new int[MAX_ORDER + 3];

    private final int[] fieldEnds = new int[MAX_ORDER + 3];

    private WordIndex words;

    ArpaReader(Reader reader, String name, NgramLanguageModel.Quantisation quantisation) {
        this.reader = reader;
        this.name = name;
        this.quantisation = quantisation;
    }

    NgramLanguageModel read() throws IOException {
        if (!nextLine()) {
            throw new IOException(name + ": the file is empty");
        }
        while (!lineIs("\\data\\")) {
            if (buffer[lineStart] == '\\') {
                throw error("missing \\data\\ header before " + line());
            }
            if (!nextLine()) {
                throw error("missing \\data\\ header");
            }
        }
        int[] counts = new int[MAX_ORDER + 1];
        int order = 0;
        boolean more;
        while ((more = nextLine()) && line().startsWith("ngram")) {
            order = readCount(line(), counts, order);
        }
        if (order == 0) {
            throw error("no 'ngram N=count' lines after \\data\\");
        }
        if (counts[1] >= MAX_WORDS) {
            throw error("a vocabulary of " + counts[1] + " words is over the limit of " + (MAX_WORDS - 1));
        }

        float[] unigramLog10Probs = new float[counts[1]];
        float[] unigramBackoffs = new float[counts[1]];
        Ngrams[] ngrams = new Ngrams[MAX_ORDER + 1];
        for (int n = 1; n <= order; n++) {
            String header = "\\" + n + "-grams:";
            if (!more || !lineIs(header)) {
                throw error("expected " + header + (!more ? " before the end of the file" : ", found " + line()));
            }
            more = n == 1 ? readUnigrams(counts[1], unigramLog10Probs, unigramBackoffs)
                    : readNgrams(ngrams[n] = new Ngrams(n, counts[n], n == order));
        }
        if (!more || !lineIs("\\end\\")) {
            throw error("expected \\end\\" + (!more ? " before the end of the file" : ", found " + line()));
        }
        return build(order, unigramLog10Probs, unigramBackoffs, ngrams);
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

    /**
     * Reads the 1-grams section, builds {@link #words} (ids in the order of the section) and fills the arrays by
     * word id; returns whether a line follows the section (it is then the current line).
     */
    private boolean readUnigrams(int count, float[] log10Probs, float[] backoffs) throws IOException {
        String[] fileWords = new String[count];
        float[] fileLog10Probs = new float[count];
        float[] fileBackoffs = new float[count];
        int[] lines = new int[count];
        boolean more;
        int read = 0;
        while ((more = nextLine()) && buffer[lineStart] != '\\') {
            int fields = split(1);
            if (read == count) {
                throw error("more 1-grams than the " + count + " declared in \\data\\");
            }
            fileWords[read] = field(1);
            fileLog10Probs[read] = number(0);
            fileBackoffs[read] = fields == 3 ? number(2) : 0f;
            lines[read] = lineNumber;
            read++;
        }
        checkCount(1, count, read);
        String[] sorted = fileWords.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].equals(sorted[i - 1])) {
                int first = Arrays.asList(fileWords).indexOf(sorted[i]);
                int second = first + 1 + Arrays.asList(fileWords).subList(first + 1, count).indexOf(sorted[i]);
                lineNumber = lines[second];
                throw error("repeated 1-gram " + sorted[i]);
            }
        }
        words = WordIndex.of(fileWords);
        System.arraycopy(fileLog10Probs, 0, log10Probs, 0, count);
        System.arraycopy(fileBackoffs, 0, backoffs, 0, count);
        return more;
    }

    /** Reads an n-grams section (n above 1) into {@code ngrams}, sorted; returns whether a line follows it. */
    private boolean readNgrams(Ngrams ngrams) throws IOException {
        int n = ngrams.n;
        boolean more;
        while ((more = nextLine()) && buffer[lineStart] != '\\') {
            int fields = split(n);
            if (ngrams.size == ngrams.declared) {
                throw error("more " + n + "-grams than the " + ngrams.declared + " declared in \\data\\");
            }
            long key = 0;
            for (int i = 1; i <= n; i++) {
                int id = words.id(buffer, fieldStarts[i], fieldEnds[i]);
                if (id < 0) {
                    throw error("word " + field(i) + " is not in the 1-grams");
                }
                key = (key << BITS_PER_WORD) | id;
            }
            float log10Prob = number(0);
            float backoff = fields == n + 2 ? number(n + 1) : 0f;
            ngrams.add(key, log10Prob, backoff, lineNumber);
        }
        checkCount(n, ngrams.declared, ngrams.size);
        ngrams.sort();
        return more;
    }

    private void checkCount(int n, int declared, int read) throws IOException {
        if (read != declared) {
            throw error("the " + n + "-grams section has " + read + " entries but \\data\\ declares " + declared);
        }
    }

    /** Lays the sorted n-grams out as the trie. */
    private NgramLanguageModel build(int order, float[] unigramLog10Probs, float[] unigramBackoffs,
            Ngrams[] ngrams) {
        int vocabulary = words.size();
        int wordBits = bits(Math.max(1, vocabulary - 1));
        TrieLevel[] levels = new TrieLevel[order - 1];
        // the keys of each level's records: the n-grams, plus contexts of longer n-grams missing from the file
        long[][] keys = new long[order + 1][];
        boolean[][] present = new boolean[order + 1][];
        for (int n = order; n >= 2; n--) {
            long[] own = ngrams[n].keys;
            if (n == order) {
                keys[n] = own;
            }
            else {
                keys[n] = union(own, contexts(keys[n + 1]));
            }
            present[n] = new boolean[keys[n].length];
            int j = 0;
            for (int i = 0; i < keys[n].length; i++) {
                if (j < own.length && own[j] == keys[n][i]) {
                    present[n][i] = true;
                    j++;
                }
            }
        }
        for (int n = 2; n <= order; n++) {
            Ngrams own = ngrams[n];
            boolean highest = n == order;
            Codebook probabilityCodes = codebook(own.log10Probs, own.size, false);
            Codebook backoffCodes = highest ? null : codebook(own.backoffs, own.size, true);
            int pointerBits = highest ? 0 : bits(Math.max(1, keys[n + 1].length));
            int records = keys[n].length + (highest ? 0 : 1);
            TrieLevel level = TrieLevel.allocate(records, wordBits, probabilityCodes, backoffCodes, pointerBits);
            Codebook.Encoder probabilityEncoder = probabilityCodes.encoder();
            Codebook.Encoder backoffEncoder = highest ? null : backoffCodes.encoder();
            long[] next = highest ? null : keys[n + 1];
            int child = 0;
            int from = 0;
            int zero = highest ? 0 : backoffCodes.encode(0f);
            for (int i = 0; i < keys[n].length; i++) {
                long key = keys[n][i];
                if (!highest) {
                    while (child < next.length && (next[child] >>> BITS_PER_WORD) < key) {
                        child++;
                    }
                }
                int word = (int) (key & (MAX_WORDS - 1));
                if (present[n][i]) {
                    level.set(i, word, probabilityEncoder.encode(own.log10Probs[from]),
                            highest ? 0 : backoffEncoder.encode(own.backoffs[from]), child);
                    from++;
                }
                else {
                    level.set(i, word, probabilityCodes.absent(), zero, child);
                }
            }
            if (!highest) {
                level.setSentinel(keys[n].length, next.length);
            }
            levels[n - 2] = level;
        }
        int[] bigramStarts = new int[vocabulary + 2];
        if (order >= 2) {
            long[] bigrams = keys[2];
            int at = 0;
            for (int id = 0; id <= vocabulary + 1; id++) {
                while (at < bigrams.length && (bigrams[at] >>> BITS_PER_WORD) < id) {
                    at++;
                }
                bigramStarts[id] = at;
            }
        }
        return new NgramLanguageModel(order, words, unigramLog10Probs, unigramBackoffs, bigramStarts, levels,
                quantisation);
    }

    private Codebook codebook(float[] values, int count, boolean keepZero) {
        return quantisation.bits() == 0 ? Codebook.exact()
                : Codebook.quantised(values, count, quantisation.bits(), keepZero);
    }

    /** The distinct contexts (keys without their last word) of sorted keys, sorted. */
    private static long[] contexts(long[] keys) {
        long[] contexts = new long[keys.length];
        int n = 0;
        for (long key : keys) {
            long context = key >>> BITS_PER_WORD;
            if (n == 0 || contexts[n - 1] != context) {
                contexts[n++] = context;
            }
        }
        return Arrays.copyOf(contexts, n);
    }

    /** The sorted union of two sorted arrays of distinct keys. */
    private static long[] union(long[] a, long[] b) {
        long[] union = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            if (j == b.length || i < a.length && a[i] < b[j]) {
                union[n++] = a[i++];
            }
            else if (i == a.length || b[j] < a[i]) {
                union[n++] = b[j++];
            }
            else {
                union[n++] = a[i++];
                j++;
            }
        }
        return n == union.length ? union : Arrays.copyOf(union, n);
    }

    /** Bits to write values 0 to {@code max}. */
    private static int bits(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }

    /** The n-grams of one order as read, then sorted by key. */
    private final class Ngrams {

        final int n;

        final int declared;

        final boolean highest;

        long[] keys;

        float[] log10Probs;

        /** Empty for the highest order, whose back-off weights are never used. */
        float[] backoffs;

        int[] lines;

        int size;

        Ngrams(int n, int declared, boolean highest) {
            this.n = n;
            this.declared = declared;
            this.highest = highest;
            int capacity = Math.min(declared, 1 << 16);
            keys = new long[capacity];
            log10Probs = new float[capacity];
            backoffs = new float[highest ? 0 : capacity];
            lines = new int[capacity];
        }

        void add(long key, float log10Prob, float backoff, int line) {
            if (size == keys.length) {
                int capacity = (int) Math.min(declared, 2L * keys.length);
                keys = Arrays.copyOf(keys, capacity);
                log10Probs = Arrays.copyOf(log10Probs, capacity);
                backoffs = highest ? backoffs : Arrays.copyOf(backoffs, capacity);
                lines = Arrays.copyOf(lines, capacity);
            }
            keys[size] = key;
            log10Probs[size] = log10Prob;
            if (!highest) {
                backoffs[size] = backoff;
            }
            lines[size] = line;
            size++;
        }

        /** Sorts by key, unless the file had them sorted, and rejects repeated n-grams. */
        void sort() throws IOException {
            boolean ascending = true;
            for (int i = 1; i < size && ascending; i++) {
                ascending = keys[i] > keys[i - 1];
            }
            if (ascending) {
                // the usual case: the file lists n-grams in the order of its 1-grams, which the ids follow
                lines = null;
                return;
            }
            int[] order = order();
            long[] sorted = new long[size];
            for (int i = 0; i < size; i++) {
                sorted[i] = keys[order[i]];
            }
            for (int i = 1; i < size; i++) {
                if (sorted[i] == sorted[i - 1]) {
                    // the order is stable, so order[i] is the later of the two lines
                    lineNumber = lines[order[i]];
                    throw error("repeated " + n + "-gram " + words(sorted[i]));
                }
            }
            lines = null;
            float[] sortedLog10Probs = new float[size];
            float[] sortedBackoffs = new float[backoffs.length];
            for (int i = 0; i < size; i++) {
                sortedLog10Probs[i] = log10Probs[order[i]];
                if (!highest) {
                    sortedBackoffs[i] = backoffs[order[i]];
                }
            }
            keys = sorted;
            log10Probs = sortedLog10Probs;
            backoffs = sortedBackoffs;
        }

        /**
         * The indices of the n-grams in key order, equal keys in file order. A counting sort by the oldest word, then
         * per word a sort of longs packing the other words' ids (as few bits as the vocabulary needs) above the
         * index within the run, which is faster than sorting indices by key through a comparator or looking each
         * key up in the sorted keys. Where that does not fit in 63 bits, indices are sorted through boxed keys.
         */
        private int[] order() {
            int vocabulary = words.size();
            int wordBits = bits(Math.max(1, vocabulary - 1));
            int restShift = BITS_PER_WORD * (n - 1);
            int[] starts = new int[vocabulary + 1];
            for (int i = 0; i < size; i++) {
                starts[(int) (keys[i] >>> restShift) + 1]++;
            }
            int largest = 0;
            for (int w = 0; w < vocabulary; w++) {
                largest = Math.max(largest, starts[w + 1]);
                starts[w + 1] += starts[w];
            }
            int indexBits = bits(Math.max(1, largest - 1));
            int[] order = new int[size];
            if ((long) wordBits * (n - 1) + indexBits > 63) {
                Integer[] boxed = new Integer[size];
                Arrays.setAll(boxed, i -> i);
                Arrays.sort(boxed, (x, y) -> Long.compare(keys[x], keys[y]));
                Arrays.setAll(order, i -> boxed[i]);
                return order;
            }
            int[] next = starts.clone();
            for (int i = 0; i < size; i++) {
                order[next[(int) (keys[i] >>> restShift)]++] = i;
            }
            long[] run = new long[largest];
            for (int w = 0; w < vocabulary; w++) {
                int from = starts[w];
                int length = starts[w + 1] - from;
                for (int j = 0; j < length; j++) {
                    long key = keys[order[from + j]];
                    long rest = 0;
                    for (int k = n - 2; k >= 0; k--) {
                        rest = (rest << wordBits) | (key >>> (BITS_PER_WORD * k) & (MAX_WORDS - 1));
                    }
                    run[j] = (rest << indexBits) | j;
                }
                Arrays.sort(run, 0, length);
                int[] indices = Arrays.copyOfRange(order, from, from + length);
                for (int j = 0; j < length; j++) {
                    order[from + j] = indices[(int) (run[j] & ((1L << indexBits) - 1))];
                }
            }
            return order;
        }

        private String words(long key) {
            StringBuilder text = new StringBuilder();
            for (int i = n - 1; i >= 0; i--) {
                text.append(ArpaReader.this.words.word((int) (key >>> (BITS_PER_WORD * i) & (MAX_WORDS - 1))));
                if (i > 0) {
                    text.append(' ');
                }
            }
            return text.toString();
        }
    }

    // ---- fields and numbers of the current line

    /**
     * Splits the current line, an entry of an {@code n}-grams section, into fields: the log10 probability,
     * {@code n} words and an optional back-off weight. Returns the number of fields.
     */
    private int split(int n) throws IOException {
        int count = 0;
        int i = lineStart;
        while (i < lineEnd) {
            while (i < lineEnd && isSpace(buffer[i])) {
                i++;
            }
            if (i == lineEnd) {
                break;
            }
            int start = i;
            while (i < lineEnd && !isSpace(buffer[i])) {
                i++;
            }
            if (count == n + 2) {
                count++;
                break;
            }
            fieldStarts[count] = start;
            fieldEnds[count] = i;
            count++;
        }
        if (count != n + 1 && count != n + 2) {
            throw error("expected a log10 probability, " + n + (n == 1 ? " word" : " words")
                    + " and an optional back-off weight, found: " + line());
        }
        return count;
    }

    private String field(int i) {
        return new String(buffer, fieldStarts[i], fieldEnds[i] - fieldStarts[i]);
    }

    /**
     * Field {@code i} as a float. Exactly {@link Float#parseFloat}'s value: a plain decimal of up to 7 significant
     * digits and up to 10 decimals is an integer below 2^24 over a power of ten of at most 10^10, both exact in a
     * float, so their float quotient is the correctly rounded value (Clinger's fast path); anything else goes
     * through {@link Float#parseFloat}.
     */
    private float number(int i) throws IOException {
        int from = fieldStarts[i];
        int to = fieldEnds[i];
        int at = from;
        boolean negative = buffer[at] == '-';
        if (negative || buffer[at] == '+') {
            at++;
        }
        long mantissa = 0;
        int digitChars = 0;
        int significant = 0;
        int decimals = -1;
        for (; at < to; at++) {
            char c = buffer[at];
            if (c >= '0' && c <= '9') {
                digitChars++;
                mantissa = mantissa * 10 + (c - '0');
                if (mantissa != 0) {
                    significant++;
                }
                if (decimals >= 0) {
                    decimals++;
                }
            }
            else if (c == '.' && decimals < 0) {
                decimals = 0;
            }
            else {
                break;
            }
        }
        if (at == to && digitChars > 0 && significant <= 7 && decimals <= 10) {
            float value = mantissa / POWERS_OF_TEN[Math.max(0, decimals)];
            return negative ? -value : value;
        }
        return parseFloat(field(i));
    }

    private float parseFloat(String field) throws IOException {
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

    // ---- lines

    private String line() {
        return new String(buffer, lineStart, lineEnd - lineStart);
    }

    private boolean lineIs(String text) {
        return lineEnd - lineStart == text.length()
                && Arrays.equals(buffer, lineStart, lineEnd, text.toCharArray(), 0, text.length());
    }

    /**
     * Moves to the next line that is not blank, stripped of white space at both ends; false at the end of the
     * input. Lines end at '\n', '\r' or "\r\n", as {@link java.io.BufferedReader#readLine()} has them, and
     * {@link #lineNumber} counts every line, blank ones too.
     */
    private boolean nextLine() throws IOException {
        while (true) {
            int end = lineBreak();
            if (end < 0) {
                return false;
            }
            lineNumber++;
            int start = position;
            position = end;
            // consume the terminator
            if (position < limit) {
                afterCarriageReturn = buffer[position] == '\r';
                position++;
            }
            if (lineNumber == 1 && start < end && buffer[start] == '\uFEFF') {
                start++;
            }
            while (start < end && Character.isWhitespace(buffer[start])) {
                start++;
            }
            while (end > start && Character.isWhitespace(buffer[end - 1])) {
                end--;
            }
            if (start < end) {
                lineStart = start;
                lineEnd = end;
                return true;
            }
        }
    }

    /**
     * The index of the end of the next line in the buffer (of its '\n' or '\r', or the end of the input), reading
     * more input as needed, with {@link #position} at the line's first char; -1 when the input is exhausted.
     */
    private int lineBreak() throws IOException {
        int scanned = position;
        while (true) {
            if (afterCarriageReturn && position < limit) {
                afterCarriageReturn = false;
                if (buffer[position] == '\n') {
                    position++;
                }
                scanned = position;
            }
            for (int i = scanned; i < limit; i++) {
                char c = buffer[i];
                if (c == '\n' || c == '\r') {
                    return i;
                }
            }
            if (endOfInput) {
                afterCarriageReturn = false;
                return position < limit ? limit : -1;
            }
            scanned = limit - position;
            fill();
        }
    }

    /** Moves the unread chars to the front of the buffer (growing it when they fill it) and reads more. */
    private void fill() throws IOException {
        int unread = limit - position;
        if (unread == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        else {
            System.arraycopy(buffer, position, buffer, 0, unread);
        }
        position = 0;
        limit = unread;
        int read = reader.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            endOfInput = true;
        }
        else {
            limit += read;
        }
    }

    private IOException error(String what) {
        return new IOException(name + ":" + lineNumber + ": " + what);
    }
}
