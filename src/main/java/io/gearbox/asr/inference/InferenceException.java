package io.gearbox.asr.inference;

/**
 * ONNX Runtime failed to load or run an exit. Thrown in place of the checked {@code OrtException}, whose error
 * code it keeps.
 */
public class InferenceException extends RuntimeException {

    private final String errorCode;

    InferenceException(String message, String errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** @return ONNX Runtime's error code name, or {@code UNKNOWN} */
    public String errorCode() {
        return this.errorCode;
    }

}
