package io.gearbox.asr.streaming;

import java.time.Duration;

import io.gearbox.asr.segmentation.EndpointSettings;

/**
 * How the service runs live streams ({@code asr.stream.*}), validated once on construction.
 *
 * @param maxSessions streams open at once; more are refused, {@code >= 1}
 * @param maxDuration the longest audio one stream may send, {@code > 0}
 * @param maxBufferedAudio the most audio a stream may have received and not yet processed (a client sending
 * faster than real time, or a service falling behind), {@code > 0}
 * @param idleTimeout a stream that sends nothing for this long is closed, {@code > 0}
 * @param maxFrameBytes the largest message a client may send, {@code >= 1}
 * @param partialInterval new audio between interim results, {@code > 0}
 * @param partialWindow the most audio an interim result decodes (its last part of the open utterance); the
 * encoder attends over its whole input, so this bounds each re-decode's cost, {@code > 0}
 * @param endpoints the default endpointing, which a stream may override
 */
public record StreamSettings(int maxSessions, Duration maxDuration, Duration maxBufferedAudio, Duration idleTimeout,
        int maxFrameBytes, Duration partialInterval, Duration partialWindow, EndpointSettings endpoints) {

    public StreamSettings {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be >= 1, was " + maxSessions);
        }
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 1, was " + maxFrameBytes);
        }
        positive("maxDuration", maxDuration);
        positive("maxBufferedAudio", maxBufferedAudio);
        positive("idleTimeout", idleTimeout);
        positive("partialInterval", partialInterval);
        positive("partialWindow", partialWindow);
        if (endpoints == null) {
            throw new IllegalArgumentException("endpoints must be set");
        }
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

}
