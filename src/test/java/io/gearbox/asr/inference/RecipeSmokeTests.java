package io.gearbox.asr.inference;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.support.SmokeModel;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe's smoke run exports a tiny model and records PyTorch's outputs for one input; ONNX Runtime, through
 * this package, must reproduce them for every exit.
 */
class RecipeSmokeTests {

    @Test
    void onnxRuntimeMatchesPyTorchForEveryExit() {
        Path directory = SmokeModel.directory();
        JsonNode parity = JsonMapper.builder().build().readTree(directory.resolve("parity.json").toFile());
        float[][] features = matrix(parity.get("features"));
        int length = parity.get("feature_lengths").get(0).asInt();
        double tolerance = parity.get("tolerance").asDouble();
        float[][] valid = java.util.Arrays.copyOf(features, length);
        try (AcousticModel model = AcousticModel.open(directory, List.of(), InferenceOptions.defaults())) {
            assertThat(model.depths()).hasSize(parity.get("exits").size());
            for (Map.Entry<String, JsonNode> exit : parity.get("exits").properties()) {
                int depth = Integer.parseInt(exit.getKey());
                float[][] expected = matrix(exit.getValue().get("log_probs"));
                LogProbs actual = model.run(depth, valid);
                assertThat(actual.length()).as("output frames of exit %d", depth).isEqualTo(expected.length);
                assertThat(actual.vocabularySize()).isEqualTo(expected[0].length);
                double maxDifference = 0;
                for (int t = 0; t < expected.length; t++) {
                    for (int v = 0; v < expected[t].length; v++) {
                        maxDifference = Math.max(maxDifference, Math.abs(expected[t][v] - actual.values()[t][v]));
                    }
                }
                assertThat(maxDifference).as("max |ORT - PyTorch| of exit %d", depth).isLessThanOrEqualTo(tolerance);
            }
        }
    }

    private static float[][] matrix(JsonNode rows) {
        float[][] matrix = new float[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            matrix[r] = new float[row.size()];
            for (int c = 0; c < row.size(); c++) {
                matrix[r][c] = (float) row.get(c).asDouble();
            }
        }
        return matrix;
    }

}
