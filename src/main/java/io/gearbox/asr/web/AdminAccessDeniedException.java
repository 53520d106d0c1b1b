package io.gearbox.asr.web;

/**
 * An operator request without the right to change the service. Cheap: no stack trace.
 */
class AdminAccessDeniedException extends RuntimeException {

    private final Kind kind;

    AdminAccessDeniedException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    Kind kind() {
        return this.kind;
    }

    /** Why access was denied. */
    enum Kind {

        /** No {@code Authorization: Bearer} credentials, or malformed ones (401). */
        UNAUTHENTICATED,

        /** A bearer token that is not the operators' (403). */
        FORBIDDEN,

        /** No operator token is configured, so changes are disabled (403). */
        DISABLED

    }

}
