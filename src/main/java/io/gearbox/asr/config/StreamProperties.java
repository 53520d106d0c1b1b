package io.gearbox.asr.config;

import java.time.Duration;

import io.gearbox.asr.segmentation.EndpointSettings;
import io.gearbox.asr.streaming.StreamSettings;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Live streams ({@code asr.stream.*}): {@code /v1/stream} and {@code /v1/realtime}. They need the voice activity
 * detector ({@code asr.segmentation.enabled}) for their endpointing.
 *
 * @param enabled whether the streaming endpoints are served
 * @param maxSessions streams open at once; more are refused (close code 1013)
 * @param maxDuration the longest audio one stream may send (1008 past it)
 * @param maxBufferedAudio the most audio a stream may have sent and the service not yet processed (1008 past it)
 * @param idleTimeout a stream that sends nothing for this long is closed (1008)
 * @param maxFrame the largest message a client may send (1008 past it)
 * @param partialInterval new audio between interim results (200-400 ms keeps words appearing as they are said)
 * @param partialWindow the most audio an interim result decodes: the open utterance's last part. The encoder
 * attends over its whole input, so each re-decode costs in proportion to its window; words before the window were
 * agreed by earlier results, and the final result decodes the whole utterance
 * @param endpoint when an utterance ends; a stream's config may override each
 */
@ConfigurationProperties("asr.stream")
@Validated
public record StreamProperties(@DefaultValue("true") boolean enabled, @DefaultValue("64") @Min(1) int maxSessions,
        @DefaultValue("1h") @NotNull Duration maxDuration, @DefaultValue("30s") @NotNull Duration maxBufferedAudio,
        @DefaultValue("30s") @NotNull Duration idleTimeout, @DefaultValue("1MB") @NotNull DataSize maxFrame,
        @DefaultValue("300ms") @NotNull Duration partialInterval,
        @DefaultValue("6s") @NotNull Duration partialWindow, @DefaultValue @NotNull Endpoint endpoint) {

    public StreamProperties {
        if (maxFrame != null && (maxFrame.toBytes() < 1 || maxFrame.toBytes() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("asr.stream.max-frame must be in [1B, 2GB), was " + maxFrame);
        }
        if (maxDuration != null && maxBufferedAudio != null && idleTimeout != null && partialInterval != null
                && partialWindow != null && endpoint != null && maxFrame != null) {
            try {
                settings(maxSessions, maxDuration, maxBufferedAudio, idleTimeout, maxFrame, partialInterval,
                        partialWindow, endpoint);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("asr.stream: " + ex.getMessage(), ex);
            }
        }
    }

    /** @return the streams' settings */
    public StreamSettings settings() {
        return settings(this.maxSessions, this.maxDuration, this.maxBufferedAudio, this.idleTimeout, this.maxFrame,
                this.partialInterval, this.partialWindow, this.endpoint);
    }

    private static StreamSettings settings(int maxSessions, Duration maxDuration, Duration maxBufferedAudio,
            Duration idleTimeout, DataSize maxFrame, Duration partialInterval, Duration partialWindow,
            Endpoint endpoint) {
        return new StreamSettings(maxSessions, maxDuration, maxBufferedAudio, idleTimeout, (int) maxFrame.toBytes(),
                partialInterval, partialWindow, endpoint.settings());
    }

    /**
     * Endpointing, after sherpa-onnx's rules ({@link EndpointSettings}).
     *
     * @param silenceWithoutSpeech an open segment without speech is dropped after this much silence
     * @param silenceAfterSpeech an utterance ends after this much silence following speech
     * @param maxSegment an utterance ends when it is this long
     */
    public record Endpoint(@DefaultValue("2400ms") @NotNull Duration silenceWithoutSpeech,
            @DefaultValue("1200ms") @NotNull Duration silenceAfterSpeech,
            @DefaultValue("20s") @NotNull Duration maxSegment) {

        /** @return the endpointing settings */
        public EndpointSettings settings() {
            return new EndpointSettings(this.silenceWithoutSpeech, this.silenceAfterSpeech, this.maxSegment);
        }

    }

}
