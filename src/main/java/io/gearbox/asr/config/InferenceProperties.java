package io.gearbox.asr.config;

import io.gearbox.asr.inference.ExecutionProvider;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How ONNX Runtime runs the exits ({@code asr.inference.*}).
 *
 * @param provider {@code cpu} or {@code cuda}; {@code cuda} falls back to CPU with a warning when unavailable
 * @param intraOpThreads threads ONNX Runtime uses inside one operator per request; {@code 0} lets it choose
 */
@ConfigurationProperties("asr.inference")
@Validated
public record InferenceProperties(@DefaultValue("cpu") @NotNull ExecutionProvider provider,
        @DefaultValue("1") @Min(0) int intraOpThreads) {

}
