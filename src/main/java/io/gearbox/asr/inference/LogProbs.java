package io.gearbox.asr.inference;

/**
 * One utterance's CTC output.
 *
 * @param values natural-log probabilities, {@code [T'][V]}; rows past {@code length} are padding
 * @param length valid output frames
 */
public record LogProbs(float[][] values, int length) {

    /** @return the vocabulary size */
    public int vocabularySize() {
        return (this.values.length == 0) ? 0 : this.values[0].length;
    }

}
