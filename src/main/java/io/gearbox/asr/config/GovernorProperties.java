package io.gearbox.asr.config;

import java.time.Duration;

import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.Maximise;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The load governor ({@code asr.governor.*}). The policy's fields become {@link GovernorSettings}, which checks
 * the relations between them (for example {@code utilisation-low < utilisation-high}) at start-up. Durations are
 * at most a day ({@link GovernorSettings#MAX_DURATION}): the policy counts in nanoseconds.
 *
 * @param enabled whether the governor chooses the depth of {@code auto} requests from the start; {@code false}
 * starts it pinned at the deepest exit (operators may still switch it to auto with {@code PUT /v1/governor})
 * @param latencySlo objective for the p95 of end-to-end latency; also the latency high mark
 * @param latencyLowFraction p95 low mark as a fraction of the objective, in (0, 1)
 * @param predictionTarget a move picks the deepest exit predicted within this fraction of the objective, (0, 1]
 * @param utilisationHigh utilisation high mark, a fraction in (0, 1]
 * @param utilisationLow utilisation low mark, a fraction in [0, utilisation-high)
 * @param dwell how long every signal must stay under its low mark before each move deeper
 * @param cooldown the least time between two changes of depth
 * @param window length of the sliding window over latencies and audio lengths
 * @param minSamples fewest requests in the window (since the last change) for its p95 to count
 * @param evaluationInterval how often the governor reads its signals and decides
 * @param priorRealTimeFactor assumed service seconds per audio second of the deepest exit until requests have
 * measured it; the shallower exits' priors are in proportion to their measured encoder RTF (the manifest's
 * {@code encoder_rtf}), or to their parameter counts where the manifest has none
 * @param machineCpuSteers whether the whole machine's CPU load may move the depth (by default it is only shown:
 * on a shared machine a neighbour's load would hold the service at a shallow exit)
 * @param gpuIndex the NVML index of the GPU whose utilisation and memory are read
 * @param queueDeadline when {@code asr.recognition.max-queue-wait} is not set, the longest a request may wait for a
 * worker as a share of the current objective (it follows a change made at run time); one that waited longer gets
 * 503 with {@code Retry-After} instead of a late answer; {@code 0} for no limit
 * @param fastGears whether the ladder's lowest gears are the shallower half of the exits decoded greedily, with no
 * beam search and no language model, below every exit but the shallowest with the configured decoder (else every
 * exit is a gear with the configured decoder); only when that decoder ({@code asr.decoding.method}) is not greedy
 * already. {@link io.gearbox.asr.governor.DepthGovernor#ladder} gives the rule and why
 * @param maximise what a move under load maximises ({@link Maximise}): {@code answers} on time (shed to the deepest
 * gear that keeps up, however inaccurate), or {@code correct-answers} on time (the gear with the most correct words
 * among the arrivals, turning the rest away); the latter needs the model's word error rates
 * @param accuracySet the development set, by its name in the manifest's {@code dev_wer} and {@code dev_wer_lm},
 * whose word error rates rate the gears
 */
@ConfigurationProperties("asr.governor")
@Validated
public record GovernorProperties(@DefaultValue("true") boolean enabled,
        @DefaultValue("1s") @NotNull @DurationMin(nanos = 0, inclusive = false) @DurationMax(days = 1)
        Duration latencySlo,
        @DefaultValue("0.6") @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1",
                inclusive = false) double latencyLowFraction,
        @DefaultValue("0.8") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") double predictionTarget,
        @DefaultValue("0.9") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") double utilisationHigh,
        @DefaultValue("0.6") @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) double utilisationLow,
        @DefaultValue("10s") @NotNull @DurationMin(nanos = 0) @DurationMax(days = 1) Duration dwell,
        @DefaultValue("3s") @NotNull @DurationMin(nanos = 0) @DurationMax(days = 1) Duration cooldown,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 10) @DurationMax(days = 1) Duration window,
        @DefaultValue("20") @Min(1) int minSamples,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 10) @DurationMax(days = 1) Duration evaluationInterval,
        @DefaultValue("0.1") @DecimalMin(value = "0", inclusive = false) double priorRealTimeFactor,
        @DefaultValue("false") boolean machineCpuSteers, @DefaultValue("0") @Min(0) int gpuIndex,
        @DefaultValue("true") boolean fastGears,
        @DefaultValue("0.5") @DecimalMin("0") @DecimalMax("1") double queueDeadline,
        @DefaultValue("answers") @NotNull Maximise maximise, @DefaultValue("synth") @NotBlank String accuracySet) {

    /**
     * @return the policy settings
     * @throws IllegalArgumentException naming the first value that is out of range or inconsistent
     */
    public GovernorSettings toSettings() {
        return new GovernorSettings(this.latencySlo, this.latencyLowFraction, this.predictionTarget,
                this.utilisationHigh, this.utilisationLow, this.dwell, this.cooldown, this.window, this.minSamples,
                this.maximise);
    }

}
