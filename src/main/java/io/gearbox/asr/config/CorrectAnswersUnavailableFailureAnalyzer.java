package io.gearbox.asr.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that asked the governor to maximise correct answers where it cannot, in terms of the
 * properties and the model folder.
 */
class CorrectAnswersUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<CorrectAnswersUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CorrectAnswersUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage() + ".", cause.action(), cause);
    }

}
