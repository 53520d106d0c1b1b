package io.gearbox.asr.recognition;

import io.gearbox.asr.features.FeatureConfig;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.inference.ModelManifest;

/**
 * The log-mel front end a model's manifest describes. It lives here, where the pipeline joins the manifest
 * ({@code inference}) to the extractor ({@code features}), so that neither of those packages depends on the other.
 */
public final class ModelFrontEnd {

    private ModelFrontEnd() {
    }

    /**
     * @param manifest the model's manifest
     * @return an extractor that computes the features the model was trained on
     * @throws IllegalArgumentException if the manifest's feature settings are inconsistent
     */
    public static LogMelExtractor logMel(ModelManifest manifest) {
        ModelManifest.Features features = manifest.features();
        return new LogMelExtractor(new FeatureConfig(manifest.sampleRate(), features.numMelBins(),
                features.frameLength(), features.frameShift(), features.fftSize(), features.lowFreq(),
                features.highFreq(), features.logOffset()));
    }

}
