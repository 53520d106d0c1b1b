package io.gearbox.asr.streaming;

import java.time.Duration;

/**
 * A new stream that the service cannot take now; the client may try again after {@link #retryAfter()}.
 */
public final class StreamRefusedException extends RuntimeException {

    private final Reason reason;

    private final Duration retryAfter;

    /**
     * @param reason why
     * @param message for the client
     * @param retryAfter the wait suggested
     */
    public StreamRefusedException(Reason reason, String message, Duration retryAfter) {
        super(message);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    /** @return why it was refused */
    public Reason reason() {
        return this.reason;
    }

    /** @return the wait suggested before trying again */
    public Duration retryAfter() {
        return this.retryAfter;
    }

    /** Why a stream was refused. */
    public enum Reason {

        /** {@code asr.stream.max-sessions} streams are open. */
        TOO_MANY_STREAMS,

        /** The admission queue is full: the stream's results would come late. */
        SATURATED,

        /** The service is stopping. */
        STOPPING

    }

}
