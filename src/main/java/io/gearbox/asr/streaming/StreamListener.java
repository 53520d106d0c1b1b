package io.gearbox.asr.streaming;

import java.time.Duration;

/**
 * Told what live streams do, for metrics. Called on the stream's threads; implementations must be quick and
 * thread-safe, and a failing one is logged and ignored.
 */
public interface StreamListener {

    /** A stream was opened. */
    default void onOpened() {
    }

    /**
     * A stream was refused.
     * @param reason why
     */
    default void onRefused(StreamRefusedException.Reason reason) {
    }

    /**
     * A stream sent a result.
     * @param kind interim or final
     */
    default void onResult(StreamResult.Kind kind) {
    }

    /** An interim result was skipped because the service was saturated. */
    default void onPartialSkipped() {
    }

    /**
     * A stream was closed, however it ended.
     * @param audio the audio it had received
     */
    default void onClosed(Duration audio) {
    }

}
