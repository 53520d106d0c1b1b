package io.gearbox.asr.web;

/**
 * A request parameter or body is missing or malformed (400). The message is shown to the client.
 */
class InvalidRequestException extends RuntimeException {

    InvalidRequestException(String message) {
        super(message, null, false, false);
    }

}
