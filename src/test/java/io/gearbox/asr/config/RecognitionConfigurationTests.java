package io.gearbox.asr.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.gearbox.asr.decoding.Vocabulary;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.InferenceOptions;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.support.SmokeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A model folder whose manifest names a language model that cannot be read fails start-up with the file's path,
 * rather than serving without the language model it was tuned with.
 */
class RecognitionConfigurationTests {

    private static final DecodingProperties BEAM_WITH_LM = new DecodingProperties(DecodingProperties.Method.BEAM, 16,
            8, -6, true, null, null);

    @Test
    void aMissingLanguageModelFileFailsStartUpNamingTheFile(@TempDir Path folder) throws IOException {
        Path model = smokeModelWithLanguageModel(folder, null);

        assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> decoder(model))
            .withMessageContaining(model.resolve("lm.arpa.gz").toString());
    }

    @Test
    void anUnreadableLanguageModelFileFailsStartUpNamingTheFile(@TempDir Path folder) throws IOException {
        Path model = smokeModelWithLanguageModel(folder, "\\data\\\nngram 1=two\n");

        assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> decoder(model))
            .withMessageContaining(model.resolve("lm.arpa.gz").toString());
    }

    private static void decoder(Path modelFolder) throws IOException {
        try (AcousticModel model = AcousticModel.open(modelFolder, List.of(), InferenceOptions.defaults())) {
            ModelManifest manifest = model.manifest();
            Vocabulary vocabulary = Vocabulary.load(modelFolder.resolve(manifest.vocabulary()), manifest.blankId());
            new RecognitionConfiguration().ctcDecoder(model, vocabulary, BEAM_WITH_LM);
        }
    }

    /**
     * A copy of the smoke model whose manifest names {@code lm.arpa.gz}, written with {@code content} unless that
     * is null.
     */
    private static Path smokeModelWithLanguageModel(Path folder, String content) throws IOException {
        Path source = SmokeModel.directory();
        Path model = folder.resolve("model");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, model.resolve(file.getFileName()));
            }
        }
        Path manifest = model.resolve("manifest.json");
        String json = Files.readString(manifest, StandardCharsets.UTF_8).trim();
        json = json.substring(0, json.lastIndexOf('}'))
                + ", \"language_model\": {\"file\": \"lm.arpa.gz\", \"order\": 3, \"weight\": 0.6, \"word_bonus\": 2.5}}";
        Files.writeString(manifest, json, StandardCharsets.UTF_8);
        if (content != null) {
            Files.writeString(model.resolve("lm.arpa.gz"), content, StandardCharsets.UTF_8);
        }
        return model;
    }

}
