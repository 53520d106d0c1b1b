package io.gearbox.asr.decoding;

import java.util.Arrays;

/**
 * The vocabulary of an {@link NgramLanguageModel}: distinct words with dense int ids, id {@code i} being the
 * {@code i}-th word given (the order of the ARPA file's 1-grams, which its longer n-grams usually follow, so that
 * their keys come sorted).
 *
 * <p>Layout: every word's UTF-16 chars back to back in one {@code char[]} pool, with {@code int} offsets (word
 * {@code i} is {@code chars[offsets[i] .. offsets[i + 1])}), their {@link String#hashCode()} values, and an
 * open-addressing table of ids (linear probing, a power of two of at least twice the vocabulary), and the ids in
 * {@link String#compareTo} order for the prefix check. About {@code 2 * length + 16} to {@code 2 * length + 24}
 * bytes per word, against some 60 for a {@code HashMap<String, Integer>} entry with its
 * strings. Looking a {@link String} up hashes nothing, as strings cache their hash code; looking up chars in a
 * parse buffer computes the same polynomial hash without making a {@code String}. The prefix check is a binary
 * search over the sorted ids.
 *
 * <p>Hand-written: the JDK has no primitive open-addressing map, and a maintained one (fastutil) would still keep
 * a {@code String} per word; this needs some 60 lines.
 *
 * <p>Immutable and thread-safe.
 */
final class WordIndex {

    private final char[] chars;

    private final int[] offsets;

    private final int[] hashes;

    /** Ids plus one, 0 marking a free slot. */
    private final int[] slots;

    /** The ids, their words in {@link String#compareTo} order. */
    private final int[] sorted;

    private final int shift;

    private WordIndex(char[] chars, int[] offsets, int[] hashes, int[] slots, int shift, int[] sorted) {
        this.chars = chars;
        this.offsets = offsets;
        this.hashes = hashes;
        this.slots = slots;
        this.shift = shift;
        this.sorted = sorted;
    }

    /** An index of {@code words}, which must be distinct: id {@code i} is {@code words[i]}. */
    static WordIndex of(String[] words) {
        int length = 0;
        for (String word : words) {
            length += word.length();
        }
        char[] chars = new char[length];
        int[] offsets = new int[words.length + 1];
        int[] hashes = new int[words.length];
        int bits = Math.max(4, 33 - Integer.numberOfLeadingZeros(Math.max(1, words.length)));
        int[] slots = new int[1 << bits];
        int shift = 32 - bits;
        int mask = slots.length - 1;
        for (int id = 0; id < words.length; id++) {
            String word = words[id];
            word.getChars(0, word.length(), chars, offsets[id]);
            offsets[id + 1] = offsets[id] + word.length();
            hashes[id] = word.hashCode();
            int slot = slot(hashes[id], shift);
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = id + 1;
        }
        WordIndex unsorted = new WordIndex(chars, offsets, hashes, slots, shift, null);
        String[] ascending = words.clone();
        Arrays.sort(ascending);
        int[] sorted = new int[words.length];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = unsorted.id(ascending[i]);
        }
        return new WordIndex(chars, offsets, hashes, slots, shift, sorted);
    }

    /** The number of words. */
    int size() {
        return hashes.length;
    }

    /** The id of {@code word}, or -1 if it is not in the index. */
    int id(String word) {
        int hash = word.hashCode();
        int mask = slots.length - 1;
        for (int slot = slot(hash, shift); ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int id = entry - 1;
            if (hashes[id] == hash && equals(id, word)) {
                return id;
            }
        }
    }

    /** The id of the word spelt by {@code text[from .. to)}, or -1 if it is not in the index. */
    int id(char[] text, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + text[i];
        }
        int mask = slots.length - 1;
        for (int slot = slot(hash, shift); ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int id = entry - 1;
            if (hashes[id] == hash
                    && Arrays.equals(chars, offsets[id], offsets[id + 1], text, from, to)) {
                return id;
            }
        }
    }

    /** The word of id {@code id}. */
    String word(int id) {
        return new String(chars, offsets[id], offsets[id + 1] - offsets[id]);
    }

    /** Whether some word starts with {@code prefix} (or is it). */
    boolean startsSomeWord(String prefix) {
        // the first word not below the prefix is the only candidate: words that start with it sort right after it
        int low = 0;
        int high = hashes.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (compare(sorted[middle], prefix) < 0) {
                low = middle + 1;
            }
            else {
                high = middle;
            }
        }
        if (low == hashes.length) {
            return false;
        }
        int id = sorted[low];
        return offsets[id + 1] - offsets[id] >= prefix.length() && startsWith(id, prefix);
    }

    private boolean equals(int id, String word) {
        return offsets[id + 1] - offsets[id] == word.length() && startsWith(id, word);
    }

    /** Whether word {@code id}, at least as long as {@code prefix}, begins with it. */
    private boolean startsWith(int id, String prefix) {
        int start = offsets[id];
        for (int i = 0; i < prefix.length(); i++) {
            if (chars[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Word {@code id} compared with {@code text} as {@link String#compareTo} does. */
    private int compare(int id, String text) {
        int start = offsets[id];
        int length = offsets[id + 1] - start;
        int common = Math.min(length, text.length());
        for (int i = 0; i < common; i++) {
            int difference = chars[start + i] - text.charAt(i);
            if (difference != 0) {
                return difference;
            }
        }
        return length - text.length();
    }

    /** Fibonacci hashing: the top bits of the hash times 2^32 / phi, which spreads String's weak low bits. */
    private static int slot(int hash, int shift) {
        return (hash * 0x9E3779B9) >>> shift;
    }
}
