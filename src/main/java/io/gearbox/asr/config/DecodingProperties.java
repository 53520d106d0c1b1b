package io.gearbox.asr.config;

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
 */
@ConfigurationProperties("asr.decoding")
@Validated
public record DecodingProperties(@DefaultValue("greedy") @NotNull Method method,
        @DefaultValue("8") @Min(1) @Max(128) int beamWidth) {

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
