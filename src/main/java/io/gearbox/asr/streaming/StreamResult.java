package io.gearbox.asr.streaming;

import java.util.List;

import io.gearbox.asr.decoding.Word;

/**
 * A result of a live stream: an interim one over the open utterance, or the final one of a closed utterance.
 *
 * @param kind interim or final
 * @param segment the utterance's number, from 0 in the stream's order; interim results of an utterance share its
 * number and are replaced by its final result
 * @param text the words, space-separated; for an interim result only those that consecutive hypotheses agree on
 * @param start the utterance's start, in seconds from the stream's start
 * @param end for a final result the utterance's end; for an interim one the end of the audio it decoded
 * @param words the words with times in seconds from the stream's start and confidences in [0, 1]
 * @param depth the exit that decoded it
 */
public record StreamResult(Kind kind, int segment, String text, double start, double end, List<Word> words,
        int depth) {

    public StreamResult {
        words = List.copyOf(words);
    }

    /** Interim or final. */
    public enum Kind {

        /** Over the open utterance; superseded by later ones. */
        PARTIAL,

        /** The utterance's transcript, decoded whole at its close. */
        FINAL

    }

}
