package io.gearbox.asr.config;

import io.gearbox.asr.inference.ModelNotFoundException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up without a model in terms of the property that names it.
 */
class ModelNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<ModelNotFoundException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ModelNotFoundException cause) {
        return new FailureAnalysis("No model to serve: " + cause.getMessage() + ".",
                "Set asr.model.path to a model folder (one holding manifest.json, tokens.txt and the exits' ONNX "
                        + "files, see models/MANIFEST.md), or run from the repository root so that the default, "
                        + "models/gearbox-en, is found.",
                cause);
    }

}
