package io.gearbox.asr.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares {@link LogMelExtractor} with the feature vectors the training recipe exports to
 * {@code src/test/resources/reference/fbank/*.json}: {@code {"sample_rate": 16000, "samples": [...],
 * "features": [[80 floats] per frame]}}. The recipe computes in float32, hence the 1e-3 tolerance.
 */
class LogMelReferenceVectorTests {

    private static final String REFERENCE_DIR = "reference/fbank";

    private static final double TOLERANCE = 1e-3;

    @Test
    void matchesEveryReferenceFileExportedByTheRecipe() throws Exception {
        List<Path> files = referenceFiles();
        assumeThat(files).as("reference vectors on the test classpath under " + REFERENCE_DIR).isNotEmpty();
        for (Path file : files) {
            Map<?, ?> json = JsonMapper.shared().readValue(Files.readString(file, StandardCharsets.UTF_8), Map.class);
            FeatureConfig config = json.get("config") instanceof Map<?, ?> exported ? config(exported, file)
                    : FeatureConfig.defaults();
            assertThat(((Number) json.get("sample_rate")).intValue()).as(file.toString())
                    .isEqualTo(config.sampleRate());
            LogMelExtractor extractor = new LogMelExtractor(config);
            float[] samples = toFloats((List<?>) json.get("samples"));
            List<?> expected = (List<?>) json.get("features");

            float[][] actual = extractor.extract(samples);

            assertThat(actual).as("frames of %s", file.getFileName()).hasNumberOfRows(expected.size());
            double maxDiff = 0;
            for (int i = 0; i < actual.length; i++) {
                float[] expectedRow = toFloats((List<?>) expected.get(i));
                assertThat(actual[i]).as("mel bins of %s frame %d", file.getFileName(), i)
                        .hasSameSizeAs(expectedRow);
                for (int j = 0; j < expectedRow.length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs((double) actual[i][j] - expectedRow[j]));
                }
            }
            System.out.printf("fbank reference %s: %d frames, max abs difference %.3g%n", file.getFileName(),
                    actual.length, maxDiff);
            assertThat(maxDiff).as("max abs difference against %s", file.getFileName()).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static List<Path> referenceFiles() throws IOException, URISyntaxException {
        URL url = LogMelReferenceVectorTests.class.getClassLoader().getResource(REFERENCE_DIR);
        if (url == null || !"file".equals(url.getProtocol())) {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(Path.of(url.toURI()))) {
            return paths.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    /** The feature configuration the recipe wrote next to the vectors, in the manifest's vocabulary. */
    private static FeatureConfig config(Map<?, ?> json, Path file) {
        assertThat(json.get("type")).as("feature type in %s", file.getFileName()).isEqualTo("log-mel");
        assertThat(json.get("window")).as("window in %s", file.getFileName()).isEqualTo("hann-periodic");
        assertThat(json.get("mel_scale")).as("mel scale in %s", file.getFileName()).isEqualTo("htk");
        FeatureConfig config = new FeatureConfig(16000, number(json, "num_mel_bins").intValue(),
                number(json, "frame_length").intValue(), number(json, "frame_shift").intValue(),
                number(json, "fft_size").intValue(), number(json, "low_freq").doubleValue(),
                number(json, "high_freq").doubleValue(), number(json, "log_offset").doubleValue());
        // The shipped models all use the contract's defaults; a change there should be a deliberate one.
        assertThat(config).as("feature configuration in %s", file.getFileName()).isEqualTo(FeatureConfig.defaults());
        return config;
    }

    private static Number number(Map<?, ?> json, String key) {
        assertThat(json.get(key)).as(key).isInstanceOf(Number.class);
        return (Number) json.get(key);
    }

    private static float[] toFloats(List<?> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }
}
