package io.gearbox.asr.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up without the voice activity detector's model in terms of the properties that name it and that
 * turn it off.
 */
class VoiceActivityModelNotFoundFailureAnalyzer extends AbstractFailureAnalyzer<VoiceActivityModelNotFoundException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, VoiceActivityModelNotFoundException cause) {
        return new FailureAnalysis("Long recordings cannot be cut at speech pauses: " + cause.getMessage() + ".",
                "Set asr.segmentation.vad-model to the Silero VAD v5 ONNX file (the repository ships it as "
                        + "models/silero-vad/silero_vad.onnx: run from the repository root to find it there), or "
                        + "set asr.segmentation.enabled=false to recognise every recording whole.",
                cause);
    }

}
