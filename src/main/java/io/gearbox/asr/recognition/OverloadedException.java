package io.gearbox.asr.recognition;

import java.time.Duration;

/**
 * The admission queue is full: the request was turned away without being queued. Cheap to throw: no stack trace.
 */
public class OverloadedException extends RuntimeException {

    private final Duration retryAfter;

    public OverloadedException(int capacity, Duration retryAfter) {
        super("Recognition queue is full (" + capacity + " requests admitted); retry later", null, false, false);
        this.retryAfter = retryAfter;
    }

    /** @return how long the client should wait before retrying */
    public Duration retryAfter() {
        return this.retryAfter;
    }

}
