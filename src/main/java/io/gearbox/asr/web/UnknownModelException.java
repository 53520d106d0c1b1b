package io.gearbox.asr.web;

/**
 * A model id the service does not serve (404 {@code model_not_found}). The message is shown to the client.
 */
class UnknownModelException extends RuntimeException {

    UnknownModelException(String message) {
        super(message, null, false, false);
    }

}
