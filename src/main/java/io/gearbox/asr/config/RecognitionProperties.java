package io.gearbox.asr.config;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Concurrency and admission ({@code asr.recognition.*}).
 *
 * @param workers utterances processed at once, each on its own worker thread; {@code 0} means one per CPU core
 * @param queueCapacity utterances that may wait for a worker; beyond that requests get 503 at once
 * @param retryAfter the {@code Retry-After} suggested with a 503
 * @param warmUp whether to run every exit once at start-up before reporting ready
 * @param maxQueueWait a fixed bound on how long an utterance may wait for a worker and still be served; one that
 * waited longer gets 503 with {@code Retry-After} instead of a late answer; {@code 0} (the default) for none, and then
 * {@code asr.governor.queue-deadline} bounds it as a share of the latency objective
 * @param workerNiceness how many nice levels below the rest of the process the workers run on Linux, so that under
 * overload the event loops that read and turn away requests get the cores first ({@code 0}: the same priority)
 */
@ConfigurationProperties("asr.recognition")
@Validated
public record RecognitionProperties(@DefaultValue("0") @Min(0) int workers,
        @DefaultValue("32") @Min(0) int queueCapacity, @DefaultValue("1s") @NotNull Duration retryAfter,
        @DefaultValue("true") boolean warmUp,
        @DefaultValue("0s") @NotNull @DurationMin(nanos = 0) Duration maxQueueWait,
        @DefaultValue("10") @Min(0) @Max(19) int workerNiceness) {

    /** @return {@link #workers()} with {@code 0} resolved to the number of CPU cores */
    public int effectiveWorkers() {
        return (this.workers > 0) ? this.workers : Runtime.getRuntime().availableProcessors();
    }

}
