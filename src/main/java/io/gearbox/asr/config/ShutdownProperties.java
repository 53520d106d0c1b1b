package io.gearbox.asr.config;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the service stops ({@code asr.shutdown.*}).
 *
 * @param gracePeriod the longest the recordings admitted before the stop may take to finish, from the moment the
 * stop begins (SIGTERM); {@code 0s} stops without waiting. Keep it below the supervisor's own limit (Kubernetes'
 * {@code terminationGracePeriodSeconds}, 30 s by default), which must also cover writing the last responses
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}) and closing the model
 */
@ConfigurationProperties("asr.shutdown")
@Validated
public record ShutdownProperties(@DefaultValue("25s") @NotNull Duration gracePeriod) {

    public ShutdownProperties {
        if (gracePeriod != null && gracePeriod.isNegative()) {
            throw new IllegalArgumentException("asr.shutdown.grace-period must be >= 0, was " + gracePeriod);
        }
    }

}
