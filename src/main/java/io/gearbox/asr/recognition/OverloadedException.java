package io.gearbox.asr.recognition;

import java.time.Duration;

/**
 * The service is overloaded: the admission queue was full and the request was turned away without being queued,
 * or it waited in the queue longer than the service lets a request wait. Cheap to throw: no stack trace.
 */
public class OverloadedException extends RuntimeException {

    private final Duration retryAfter;

    public OverloadedException(int capacity, Duration retryAfter) {
        this("Recognition queue is full (" + capacity + " requests admitted); retry later", retryAfter);
    }

    /**
     * @param message what the client is told
     * @param retryAfter how long the client should wait before retrying
     */
    public OverloadedException(String message, Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    /** @return how long the client should wait before retrying */
    public Duration retryAfter() {
        return this.retryAfter;
    }

}
