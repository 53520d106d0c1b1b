package io.gearbox.asr.config;

/**
 * {@code asr.governor.maximise=correct-answers} asked of a service that cannot honour it: the model does not rate
 * every gear on the accuracy set, or no queue deadline turns away what the chosen gear cannot serve. Fails start-up;
 * {@link CorrectAnswersUnavailableFailureAnalyzer} tells the operator what to change.
 */
final class CorrectAnswersUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String action;

    /**
     * @param reason what is missing
     * @param action what the operator can change
     */
    CorrectAnswersUnavailableException(String reason, String action) {
        super(reason);
        this.action = action;
    }

    /** @return what the operator can change */
    String action() {
        return this.action;
    }

}
