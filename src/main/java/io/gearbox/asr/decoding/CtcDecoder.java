package io.gearbox.asr.decoding;

/**
 * Turns a CTC model's per-frame log-probabilities into a {@link Transcript}, as the package documentation
 * specifies. Implementations are immutable and thread-safe.
 */
public interface CtcDecoder {

    /**
     * Decodes the first {@code length} frames of {@code logProbs}.
     *
     * @param logProbs {@code [T][V]} natural-log posteriors, {@code V} equal to the vocabulary size
     * @param length   number of valid frames, {@code 0 <= length <= T}; frames from {@code length} on are ignored
     * @throws IllegalArgumentException if {@code length} is out of range or a valid row is not {@code V} wide
     */
    Transcript decode(float[][] logProbs, int length);

    /** What this decoder does, for operators and clients. */
    Settings settings();

    /**
     * A decoder's settings.
     *
     * @param method        {@code greedy} or {@code beam}
     * @param beamWidth     prefixes kept per frame (1 for greedy decoding)
     * @param languageModel the word language model fused in, or {@code null} for none
     */
    record Settings(String method, int beamWidth, LanguageModel languageModel) {
    }

    /**
     * A fused word language model.
     *
     * @param order     its highest n-gram order
     * @param words     its vocabulary size
     * @param weight    its weight in the search's score
     * @param wordBonus the score added per word
     */
    record LanguageModel(int order, int words, double weight, double wordBonus) {
    }
}
