package io.gearbox.asr.config;

import java.nio.file.Path;
import java.util.List;

import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.InferenceOptions;
import io.gearbox.asr.inference.ModelNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ModelNotFoundFailureAnalyzerTests {

    @Test
    void pointsAtTheModelPathProperty(@TempDir Path empty) {
        ModelNotFoundException failure = catchThrowableOfType(ModelNotFoundException.class,
                () -> AcousticModel.open(empty, List.of(), InferenceOptions.defaults()));
        FailureAnalysis analysis = new ModelNotFoundFailureAnalyzer().analyze(new IllegalStateException(failure));
        assertThat(analysis.getDescription()).contains(empty.toAbsolutePath().toString());
        assertThat(analysis.getAction()).contains("asr.model.path");
    }

}
