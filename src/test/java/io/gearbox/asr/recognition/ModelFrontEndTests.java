package io.gearbox.asr.recognition;

import java.io.IOException;
import java.nio.file.Path;

import io.gearbox.asr.features.FeatureConfig;
import io.gearbox.asr.inference.ModelManifest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelFrontEndTests {

    @Test
    void theShippedModelsManifestDescribesTheFeaturesItWasTrainedOn() throws IOException {
        ModelManifest manifest = ModelManifest.load(Path.of("models/gearbox-en"));

        assertThat(ModelFrontEnd.logMel(manifest).config()).isEqualTo(FeatureConfig.defaults());
    }

}
