package io.gearbox.asr.decoding;

/**
 * The n-grams of one order above 1 of an {@link NgramLanguageModel}'s trie, as fixed-width bit-packed records in a
 * {@code long[]}, sorted by context and then by last word.
 *
 * <p>A record holds, in this order from its lowest bit: the last word's id ({@link #wordBits} bits), the code of
 * the log10 probability ({@link #probabilityCodes}' bits), and, when the order is not the model's highest, the code
 * of the back-off weight ({@link #backoffCodes}' bits) and the index in the next level of the first n-gram this one
 * is the context of ({@link #pointerBits} bits; such n-grams run to the next record's pointer, so a level with
 * pointers has one more record, a sentinel holding only the pointer). The n-grams extending one context are a
 * contiguous run of records, found from the context's own record (or, for bigrams, from the unigram's entry), and
 * a word is looked up by binary search over that run only.
 *
 * <p>Hand-written: bit-packed arrays exist in Lucene ({@code PackedInts}), whose core jar is a large dependency
 * for some 20 lines of shifts, and which packs one field per array where one record per n-gram keeps a lookup's
 * fields in the same cache line.
 *
 * <p>Immutable and thread-safe.
 */
final class TrieLevel {

    private final long[] data;

    private final int records;

    private final int recordBits;

    private final int wordBits;

    private final Codebook probabilityCodes;

    /** Null at the highest order. */
    private final Codebook backoffCodes;

    private final int pointerBits;

    private final int probabilityShift;

    private final int backoffShift;

    private final int pointerShift;

    private final int absent;

    private TrieLevel(int records, int wordBits, Codebook probabilityCodes, Codebook backoffCodes,
            int pointerBits) {
        this.records = records;
        this.wordBits = wordBits;
        this.probabilityCodes = probabilityCodes;
        this.backoffCodes = backoffCodes;
        this.pointerBits = pointerBits;
        this.probabilityShift = wordBits;
        this.backoffShift = probabilityShift + probabilityCodes.bits();
        this.pointerShift = backoffShift + (backoffCodes == null ? 0 : backoffCodes.bits());
        this.recordBits = pointerShift + pointerBits;
        // one spare long, so that a field that crosses into the next long never reads past the array
        this.data = new long[(int) (((long) records * recordBits + 63) / 64) + 1];
        this.absent = probabilityCodes.absent();
    }

    /**
     * An empty level of {@code records} records.
     *
     * @param wordBits     bits of a word id
     * @param backoffCodes null for the highest order, which has neither back-off weights nor pointers
     * @param pointerBits  bits of a pointer into the next level (0 for the highest order)
     */
    static TrieLevel allocate(int records, int wordBits, Codebook probabilityCodes, Codebook backoffCodes,
            int pointerBits) {
        long bits = (long) records * (wordBits + probabilityCodes.bits() + pointerBits
                + (backoffCodes == null ? 0 : backoffCodes.bits()));
        if (bits / 64 + 1 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(records + " n-grams do not fit in one array");
        }
        return new TrieLevel(records, wordBits, probabilityCodes, backoffCodes, pointerBits);
    }

    /** The number of records (the sentinel included). */
    int records() {
        return records;
    }

    /** The size of the records in bytes. */
    long bytes() {
        return (long) data.length * Long.BYTES;
    }

    /** The bits of one record. */
    int recordBits() {
        return recordBits;
    }

    /** The record in {@code [from, to)} whose word is {@code word}, or -1. */
    int find(int from, int to, int word) {
        int low = from;
        int high = to - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int found = (int) get(middle, 0, wordBits);
            if (found < word) {
                low = middle + 1;
            }
            else if (found > word) {
                high = middle - 1;
            }
            else {
                return middle;
            }
        }
        return -1;
    }

    int word(int record) {
        return (int) get(record, 0, wordBits);
    }

    /** Whether record {@code record} is only a context, with no probability of its own. */
    boolean isAbsent(int record) {
        return (int) get(record, probabilityShift, probabilityCodes.bits()) == absent;
    }

    /** The stored log10 probability of a record that is not {@link #isAbsent absent}. */
    float log10Prob(int record) {
        return probabilityCodes.decode((int) get(record, probabilityShift, probabilityCodes.bits()));
    }

    float backoff(int record) {
        return backoffCodes.decode((int) get(record, backoffShift, backoffCodes.bits()));
    }

    int pointer(int record) {
        return (int) get(record, pointerShift, pointerBits);
    }

    Codebook probabilityCodes() {
        return probabilityCodes;
    }

    Codebook backoffCodes() {
        return backoffCodes;
    }

    /** Writes a record; only while building, before the level is published. */
    void set(int record, int word, int probabilityCode, int backoffCode, int pointer) {
        put(record, 0, wordBits, word);
        put(record, probabilityShift, probabilityCodes.bits(), probabilityCode);
        if (backoffCodes != null) {
            put(record, backoffShift, backoffCodes.bits(), backoffCode);
            put(record, pointerShift, pointerBits, pointer);
        }
    }

    /** Writes only the pointer of the sentinel record. */
    void setSentinel(int record, int pointer) {
        put(record, pointerShift, pointerBits, pointer);
    }

    private long get(int record, int shift, int width) {
        long bit = (long) record * recordBits + shift;
        int index = (int) (bit >>> 6);
        int offset = (int) bit & 63;
        long value = data[index] >>> offset;
        if (offset + width > 64) {
            value |= data[index + 1] << (64 - offset);
        }
        return value & ((1L << width) - 1);
    }

    private void put(int record, int shift, int width, int value) {
        long field = value & ((1L << width) - 1);
        long bit = (long) record * recordBits + shift;
        int index = (int) (bit >>> 6);
        int offset = (int) bit & 63;
        data[index] |= field << offset;
        if (offset + width > 64) {
            data[index + 1] |= field >>> (64 - offset);
        }
    }
}
