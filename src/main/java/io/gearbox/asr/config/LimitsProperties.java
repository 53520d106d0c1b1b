package io.gearbox.asr.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Input limits ({@code asr.limits.*}); exceeding either gives 413.
 *
 * @param maxUpload the largest audio upload; also caps what the server buffers for one request body
 * @param maxAudioDuration the longest audio, after decoding
 */
@ConfigurationProperties("asr.limits")
@Validated
public record LimitsProperties(@DefaultValue("25MB") @NotNull DataSize maxUpload,
        @DefaultValue("10m") @NotNull Duration maxAudioDuration) {

    public LimitsProperties {
        if (maxUpload != null && (maxUpload.toBytes() <= 0 || maxUpload.toBytes() > Integer.MAX_VALUE - 1024 * 1024)) {
            throw new IllegalArgumentException("asr.limits.max-upload must be between 1B and 2047MB, was " + maxUpload);
        }
        if (maxAudioDuration != null && (maxAudioDuration.isZero() || maxAudioDuration.isNegative())) {
            throw new IllegalArgumentException("asr.limits.max-audio-duration must be positive, was "
                    + maxAudioDuration);
        }
    }

}
