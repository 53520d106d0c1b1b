package io.gearbox.asr.decoding;

import java.util.Objects;

/**
 * A recognised word.
 *
 * @param word       the word's text, without surrounding spaces
 * @param start      start time in seconds from the beginning of the audio
 * @param end        end time in seconds ({@code >= start})
 * @param confidence in [0, 1], the mean of its tokens' peak posteriors
 */
public record Word(String word, double start, double end, double confidence) {

    public Word {
        Objects.requireNonNull(word, "word");
    }
}
