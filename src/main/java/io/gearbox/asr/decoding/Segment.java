package io.gearbox.asr.decoding;

import java.util.List;
import java.util.Objects;

/**
 * A run of consecutive words, the unit of subtitle cues and of verbose JSON {@code segments[]}.
 *
 * @param id    0-based position of the segment in its transcript
 * @param start start of its first word, in seconds
 * @param end   end of its last word, in seconds
 * @param text  its words joined by single spaces
 * @param words its words in time order
 */
public record Segment(int id, double start, double end, String text, List<Word> words) {

    public Segment {
        Objects.requireNonNull(text, "text");
        words = List.copyOf(words);
    }
}
