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
}
