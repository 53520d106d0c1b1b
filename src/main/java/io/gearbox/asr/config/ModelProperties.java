package io.gearbox.asr.config;

import java.nio.file.Path;
import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which model to serve ({@code asr.model.*}).
 *
 * @param path the model folder, holding {@code manifest.json}, {@code tokens.txt} and the exits' ONNX files
 * @param exits depths of the exits to load; empty loads every exit in the manifest
 */
@ConfigurationProperties("asr.model")
@Validated
public record ModelProperties(@DefaultValue("models/gearbox-en") @NotNull Path path,
        @DefaultValue List<Integer> exits) {

}
