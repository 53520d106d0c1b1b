package io.gearbox.asr.inference;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class ModelManifestTests {

    private static final String MANIFEST = """
            {"name": "gearbox-en", "version": "1", "language": "en", "sample_rate": 16000,
             "features": {"type": "log-mel", "num_mel_bins": 80, "frame_length": 400, "frame_shift": 160,
                          "fft_size": 512, "window": "hann-periodic", "low_freq": 20.0, "high_freq": 7600.0,
                          "mel_scale": "htk", "log_offset": 1e-6},
             "normalization": "global-mean-var-in-model", "subsampling_factor": 8, "min_feature_frames": 15,
             "vocabulary": "tokens.txt", "token_type": "sentencepiece-bpe", "word_boundary": "\\u2581",
             "blank_id": 0, "future_field": true,
             "inputs": {"features": "features", "feature_lengths": "feature_lengths"},
             "outputs": {"log_probs": "log_probs", "log_prob_lengths": "log_prob_lengths"},
             "weights": "weights.bin",
             "exits": [
               {"depth": 12, "file": "exit-12.onnx", "layers": [0,1,2,3,4,5,6,7,8,9,10,11], "parameters": 3100000,
                "dev_wer": {"synth": 0.08, "fsdd": 0.01}},
               {"depth": 2, "file": "exit-02.onnx", "layers": [0, 1], "parameters": 1234567,
                "dev_wer": {"synth": 0.31}}
             ]}
            """;

    @Test
    void readsTheContractFieldsAndSortsExitsByDepth(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("manifest.json"), MANIFEST);
        ModelManifest manifest = ModelManifest.load(folder);
        assertThat(manifest.name()).isEqualTo("gearbox-en");
        assertThat(manifest.sampleRate()).isEqualTo(16000);
        assertThat(manifest.features().numMelBins()).isEqualTo(80);
        assertThat(manifest.features().logOffset()).isEqualTo(1e-6);
        assertThat(manifest.inputs().featureLengths()).isEqualTo("feature_lengths");
        assertThat(manifest.outputs().logProbLengths()).isEqualTo("log_prob_lengths");
        assertThat(manifest.wordBoundary()).isEqualTo("\u2581");
        assertThat(manifest.depths()).containsExactly(2, 12);
        assertThat(manifest.exit(12)).get().satisfies((exit) -> {
            assertThat(exit.parameters()).isEqualTo(3_100_000);
            assertThat(exit.devWer()).containsEntry("fsdd", 0.01);
        });
        assertThat(manifest.outputFrameSeconds()).isEqualTo(0.08);
        assertThat(manifest.minSamples()).isEqualTo(400 + 14 * 160);
    }

    @Test
    void readsTheWordErrorRateWithTheLanguageModelPerExit(@TempDir Path folder) throws Exception {
        String devWer = "\"dev_wer\": {\"synth\": 0.08, \"fsdd\": 0.01}";
        Files.writeString(folder.resolve("manifest.json"),
                MANIFEST.replace(devWer, devWer + ", \"dev_wer_lm\": {\"synth\": 0.0512, \"fsdd\": 0.005}"));
        ModelManifest manifest = ModelManifest.load(folder);
        assertThat(manifest.exit(12)).get().satisfies((exit) -> {
            assertThat(exit.devWerLm()).containsOnly(entry("synth", 0.0512), entry("fsdd", 0.005));
            assertThat(exit.devWer()).containsOnly(entry("synth", 0.08), entry("fsdd", 0.01));
        });
        assertThat(manifest.exit(2)).get().satisfies((exit) -> assertThat(exit.devWerLm()).isEmpty());
    }

    @Test
    void givesEveryExitAnEmptyWordErrorRateWithTheLanguageModelWhenTheManifestHasNone(@TempDir Path folder)
            throws Exception {
        Files.writeString(folder.resolve("manifest.json"), MANIFEST);
        assertThat(ModelManifest.load(folder).exits()).allSatisfy((exit) -> {
            assertThat(exit.devWerLm()).isNotNull().isEmpty();
            assertThat(exit.devWer()).isNotEmpty();
        });
    }

    @Test
    void readsTheLanguageModelAndItsTunedWeightsWhenTheModelShipsOne(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("manifest.json"), MANIFEST);
        assertThat(ModelManifest.load(folder).languageModel()).isNull();

        Files.writeString(folder.resolve("manifest.json"), withLanguageModel(0.6));
        assertThat(ModelManifest.load(folder).languageModel())
            .isEqualTo(new ModelManifest.LanguageModel("lm.arpa.gz", 3, 0.6, 2.5));

        Files.writeString(folder.resolve("manifest.json"), withLanguageModel(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> ModelManifest.load(folder))
            .withMessageContaining("language_model.weight");
    }

    private static String withLanguageModel(double weight) {
        return MANIFEST.replace("\"weights\": \"weights.bin\",", "\"weights\": \"weights.bin\", \"language_model\": "
                + "{\"file\": \"lm.arpa.gz\", \"order\": 3, \"weight\": " + weight + ", \"word_bonus\": 2.5},");
    }

    @Test
    void readsEachExitsMeasuredEncoderRealTimeFactorWhereThereIsOne(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("manifest.json"),
                MANIFEST.replace("\"parameters\": 3100000,", "\"parameters\": 3100000, \"encoder_rtf\": 0.000815,"));
        ModelManifest manifest = ModelManifest.load(folder);
        assertThat(manifest.exit(12)).get().extracting(ModelManifest.Exit::encoderRtf).isEqualTo(0.000815);
        assertThat(manifest.exit(2)).get().extracting(ModelManifest.Exit::encoderRtf).isNull();
    }

    @Test
    void rejectsAnEncoderRealTimeFactorThatIsNotPositive(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("manifest.json"),
                MANIFEST.replace("\"parameters\": 3100000,", "\"parameters\": 3100000, \"encoder_rtf\": 0,"));
        assertThatIllegalArgumentException().isThrownBy(() -> ModelManifest.load(folder))
            .withMessageContaining("encoder_rtf of exit 12");
    }

    @Test
    void rejectsAManifestWithoutExits(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("manifest.json"), MANIFEST.replaceAll("(?s)\"exits\": \\[.*\\]", "\"exits\": []"));
        assertThatIllegalArgumentException().isThrownBy(() -> ModelManifest.load(folder))
            .withMessageContaining("exits");
    }

    @Test
    void rejectsMalformedJson(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("manifest.json"), "{\"name\": ");
        assertThatIllegalArgumentException().isThrownBy(() -> ModelManifest.load(folder))
            .withMessageContaining("Malformed");
    }

}
