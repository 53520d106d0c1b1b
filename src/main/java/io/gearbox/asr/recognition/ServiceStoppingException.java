package io.gearbox.asr.recognition;

import java.time.Duration;

/**
 * The service is stopping: its admission queue is closed and the request was turned away without being queued, so
 * that the client retries on another instance (503 with {@code Retry-After}). A kind of {@link OverloadedException},
 * so that every path that turns overload away (the web filter, admission, the listeners) turns this away too.
 */
public final class ServiceStoppingException extends OverloadedException {

    /**
     * @param retryAfter how long the client should wait before retrying
     */
    public ServiceStoppingException(Duration retryAfter) {
        super("The service is stopping; retry on another instance", retryAfter);
    }

}
