package io.gearbox.asr.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.gearbox.asr.support.SmokeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class AcousticModelTests {

    @Test
    void opensEveryExitOfTheManifestByDefault() {
        Path directory = SmokeModel.directory();
        try (AcousticModel model = AcousticModel.open(directory, List.of(), InferenceOptions.defaults())) {
            assertThat(model.depths()).isEqualTo(model.manifest().depths());
            assertThat(model.deepest()).isEqualTo(model.manifest().depths().get(model.depths().size() - 1));
            assertThat(model.provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(model.isOpen()).isTrue();
        }
    }

    @Test
    void opensOnlyTheRequestedExits() {
        Path directory = SmokeModel.directory();
        int shallowest = ModelManifest.load(directory).depths().get(0);
        try (AcousticModel model = AcousticModel.open(directory, List.of(shallowest), InferenceOptions.defaults())) {
            assertThat(model.depths()).containsExactly(shallowest);
            assertThatIllegalArgumentException().isThrownBy(() -> model.run(999, features(20, 80)));
        }
    }

    @Test
    void rejectsAnExitTheManifestDoesNotHave() {
        Path directory = SmokeModel.directory();
        assertThatIllegalArgumentException()
            .isThrownBy(() -> AcousticModel.open(directory, List.of(99), InferenceOptions.defaults()))
            .withMessageContaining("no exit at depth 99");
    }

    @Test
    void batchRowsMatchSingleRuns() {
        Path directory = SmokeModel.directory();
        try (AcousticModel model = AcousticModel.open(directory, List.of(), InferenceOptions.defaults())) {
            int depth = model.deepest();
            float[][] longer = features(64, 80);
            float[][] shorter = features(24, 80);
            List<LogProbs> batch = model.runBatch(depth, List.of(longer, shorter));
            LogProbs single = model.run(depth, shorter);
            assertThat(batch.get(1).length()).isEqualTo(single.length());
            assertThat(batch.get(0).length()).isGreaterThan(batch.get(1).length());
            for (int t = 0; t < single.length(); t++) {
                for (int v = 0; v < single.vocabularySize(); v++) {
                    assertThat(batch.get(1).values()[t][v]).isCloseTo(single.values()[t][v],
                            org.assertj.core.data.Offset.offset(1e-3f));
                }
            }
        }
    }

    @Test
    void runAfterCloseFailsClearly() {
        Path directory = SmokeModel.directory();
        AcousticModel model = AcousticModel.open(directory, List.of(), InferenceOptions.defaults());
        model.close();
        model.close();
        assertThat(model.isOpen()).isFalse();
        assertThatIllegalStateException().isThrownBy(() -> model.run(model.deepest(), features(20, 80)))
            .withMessageContaining("closed");
    }

    @Test
    void cudaRequestFallsBackToCpuWithoutACudaBuild() {
        Path directory = SmokeModel.directory();
        try (AcousticModel model = AcousticModel.open(directory, List.of(),
                new InferenceOptions(ExecutionProvider.CUDA, 1))) {
            assertThat(model.run(model.deepest(), features(20, 80)).length()).isPositive();
        }
    }

    @Test
    void missingFolderIsReportedWithoutOpeningAnything(@TempDir Path empty) {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> AcousticModel.open(empty, List.of(), InferenceOptions.defaults()))
            .withMessageContaining("manifest.json");
    }

    @Test
    void missingExitFileIsReported(@TempDir Path folder) throws Exception {
        Path directory = SmokeModel.directory();
        Files.copy(directory.resolve("manifest.json"), folder.resolve("manifest.json"));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> AcousticModel.open(folder, List.of(), InferenceOptions.defaults()))
            .withMessageContaining("no file");
    }

    static float[][] features(int frames, int mels) {
        float[][] features = new float[frames][mels];
        for (int t = 0; t < frames; t++) {
            for (int m = 0; m < mels; m++) {
                features[t][m] = (float) (Math.sin(t * 0.3 + m * 0.1) * 3 - 5);
            }
        }
        return features;
    }

}
