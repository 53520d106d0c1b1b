package io.gearbox.asr.decoding;

import java.util.ArrayList;
import java.util.List;

/**
 * Shared by the decoders: input checks, and tokens to words, timings and confidences as the package documentation
 * specifies.
 */
final class Transcripts {

    private Transcripts() {
    }

    /**
     * Checks a decoder's input and returns the number of frames to decode.
     *
     * @throws IllegalArgumentException if {@code length} is out of {@code [0, T]} or a valid row is not as wide as
     *                                  the vocabulary
     */
    static int checkInput(float[][] logProbs, int length, Vocabulary vocabulary) {
        if (logProbs == null) {
            throw new IllegalArgumentException("logProbs must not be null");
        }
        if (length < 0 || length > logProbs.length) {
            throw new IllegalArgumentException(
                    "length must be in [0, " + logProbs.length + "] (frames in logProbs), was " + length);
        }
        for (int t = 0; t < length; t++) {
            if (logProbs[t] == null || logProbs[t].length != vocabulary.size()) {
                throw new IllegalArgumentException("frame " + t + " has "
                        + (logProbs[t] == null ? "no row" : logProbs[t].length + " log-probabilities")
                        + ", expected one per vocabulary entry (" + vocabulary.size() + ")");
            }
        }
        return length;
    }

    static void checkFrameSeconds(double frameSeconds) {
        if (!(frameSeconds > 0) || !Double.isFinite(frameSeconds)) {
            throw new IllegalArgumentException("frameSeconds must be > 0, was " + frameSeconds);
        }
    }

    /** Groups emitted tokens into words and builds the transcript. */
    static Transcript build(List<TokenSpan> tokens, Vocabulary vocabulary, double frameSeconds) {
        List<Word> words = new ArrayList<>();
        int groupStart = 0;
        for (int i = 1; i <= tokens.size(); i++) {
            if (i == tokens.size() || vocabulary.startsWord(tokens.get(i).tokenId())) {
                if (i > groupStart) {
                    Word word = word(tokens.subList(groupStart, i), vocabulary, frameSeconds);
                    if (word != null) {
                        words.add(word);
                    }
                }
                groupStart = i;
            }
        }
        if (words.isEmpty()) {
            return Transcript.empty();
        }
        StringBuilder text = new StringBuilder();
        double confidenceSum = 0;
        for (Word word : words) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(word.word());
            confidenceSum += word.confidence();
        }
        return new Transcript(text.toString(), words, confidenceSum / words.size());
    }

    /** The word spelt by {@code tokens}, or null when they spell no text (for example {@code <unk>} alone). */
    private static Word word(List<TokenSpan> tokens, Vocabulary vocabulary, double frameSeconds) {
        StringBuilder text = new StringBuilder();
        double confidenceSum = 0;
        for (TokenSpan token : tokens) {
            text.append(vocabulary.text(token.tokenId()));
            confidenceSum += Math.exp(token.maxLogProb());
        }
        String normalised = text.toString().strip().replaceAll("\\s+", " ");
        if (normalised.isEmpty()) {
            return null;
        }
        double start = tokens.get(0).firstFrame() * frameSeconds;
        double end = (tokens.get(tokens.size() - 1).lastFrame() + 1) * frameSeconds;
        double confidence = Math.min(1.0, Math.max(0.0, confidenceSum / tokens.size()));
        return new Word(normalised, start, end, confidence);
    }
}
