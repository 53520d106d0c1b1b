package io.gearbox.asr.decoding;

import java.util.Objects;

/**
 * Shallow fusion of a word language model into CTC prefix beam search: a prefix is ranked by
 * {@code log P_ctc(prefix | audio) + weight * log P_lm(words) + wordBonus * |words|} (natural logs).
 *
 * <p>The acoustic model spells words in sub-word pieces; the language model scores whole words. A word is scored
 * when it is complete, that is when the next piece starts a new word, and the last word together with the end of
 * the sentence when the audio ends. The bonus per word offsets the language model's cost per word, which would
 * otherwise favour dropping words. Both weights are tuned per model on held-out data, never on the development sets
 * (the recipe's {@code lm.py} records them in the manifest).
 *
 * @param model     the word n-gram model
 * @param weight    the language model's weight, {@code >= 0} (0 ranks by the acoustic model alone)
 * @param wordBonus added per word, finite
 */
public record LanguageModelFusion(NgramLanguageModel model, double weight, double wordBonus) {

    public LanguageModelFusion {
        Objects.requireNonNull(model, "model");
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be finite and >= 0, was " + weight);
        }
        if (!Double.isFinite(wordBonus)) {
            throw new IllegalArgumentException("wordBonus must be finite, was " + wordBonus);
        }
    }

    /** The fused score of {@code word} after {@code state}. */
    double score(NgramLanguageModel.State state, String word) {
        return weight * model.logProb(state, word) + wordBonus;
    }

    /** The fused score of the end of the sentence after {@code state}. */
    double end(NgramLanguageModel.State state) {
        return weight * model.endLogProb(state);
    }

}
