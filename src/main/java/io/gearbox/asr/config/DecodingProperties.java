package io.gearbox.asr.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * CTC decoding ({@code asr.decoding.*}).
 *
 * @param method {@code greedy} (best path) or {@code beam} (prefix beam search)
 * @param beamWidth prefixes kept per frame by beam search
 * @param maxTokensPerFrame beam search considers at most this many labels per frame as extensions, the most
 *        probable (pruning, for speed)
 * @param minTokenLogProb beam search does not consider labels less probable than this (natural log) in a frame
 * @param languageModel whether beam search fuses in the word language model the model folder ships (its
 *        manifest's {@code language_model}); ignored by greedy decoding and for a model without one
 * @param lmWeight the language model's weight, or {@code null} for the one tuned with the model (in its manifest)
 * @param wordBonus the score added per word, or {@code null} for the one tuned with the model
 */
@ConfigurationProperties("asr.decoding")
@Validated
public record DecodingProperties(@DefaultValue("beam") @NotNull Method method,
        @DefaultValue("16") @Min(1) @Max(128) int beamWidth, @DefaultValue("8") @Min(1) int maxTokensPerFrame,
        @DefaultValue("-6") @DecimalMax("0") double minTokenLogProb, @DefaultValue("true") boolean languageModel,
        @DecimalMin("0") Double lmWeight, Double wordBonus) {

    /**
     * CTC decoding methods.
     */
    public enum Method {

        /** Best path: argmax per frame, collapse repeats, drop blanks. */
        GREEDY,

        /** CTC prefix beam search. */
        BEAM

    }

}
