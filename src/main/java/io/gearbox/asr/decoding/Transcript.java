package io.gearbox.asr.decoding;

import java.util.List;
import java.util.Objects;

/**
 * The decoded text of one utterance with its words.
 *
 * @param text       the words joined by single spaces
 * @param words      the words in time order
 * @param confidence in [0, 1], the mean of the words' confidences; 0 when there are no words
 */
public record Transcript(String text, List<Word> words, double confidence) {

    private static final Transcript EMPTY = new Transcript("", List.of(), 0.0);

    public Transcript {
        Objects.requireNonNull(text, "text");
        words = List.copyOf(words);
    }

    /** A transcript with no words. */
    public static Transcript empty() {
        return EMPTY;
    }
}
