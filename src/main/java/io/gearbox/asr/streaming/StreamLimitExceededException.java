package io.gearbox.asr.streaming;

/**
 * A stream that went past one of the limits in {@link StreamSettings}; the stream is over.
 */
public final class StreamLimitExceededException extends RuntimeException {

    private final String limit;

    /**
     * @param limit the limit's property name, such as {@code asr.stream.max-duration}
     * @param message for the client
     */
    public StreamLimitExceededException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** @return the limit's property name */
    public String limit() {
        return this.limit;
    }

}
