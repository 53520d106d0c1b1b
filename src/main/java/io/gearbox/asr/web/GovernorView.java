package io.gearbox.asr.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

import io.gearbox.asr.governor.DepthChange;
import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.GovernorSnapshot;
import io.gearbox.asr.governor.SourceStatus;
import io.gearbox.asr.recognition.AdmissionQueue;

/**
 * The body of {@code GET /v1/governor} (and of a successful {@code PUT}). Latencies are in milliseconds, costs in
 * service seconds per audio second, utilisations fractions in [0, 1]; absent values are {@code null}.
 *
 * @param depth the default exit now
 * @param decoding how its output is decoded by default: {@code full} (the configured decoder) or {@code fast}
 * (greedy, the lowest gear)
 * @param mode {@code auto} (the governor chooses) or {@code pinned} (an operator did)
 * @param state where the policy stood at its last evaluation, e.g. {@code holding}, {@code dwelling}
 * @param lastDecision the figures behind the last evaluation
 * @param lastChange the last change of gear, or {@code null}
 * @param signals what the governor sees
 * @param exits the cost table, one row per gear, lowest first
 * @param settings the settings in force, in the form {@code PUT} accepts
 * @param queue the admission queue's bounds now
 */
record GovernorView(int depth, String decoding, String mode, String state, String lastDecision, Change lastChange,
        Signals signals, List<Exit> exits, Settings settings, Queue queue) {

    /**
     * @param snapshot the governor's state
     * @param admission the admission queue, whose deadline may follow the objective in the snapshot's settings
     * @param detailed whether failing signals show their error messages (to operators), or only the error's kind
     */
    static GovernorView of(GovernorSnapshot snapshot, AdmissionQueue admission, boolean detailed) {
        return new GovernorView(snapshot.depth(), snapshot.gear().decoding().label(), lower(snapshot.mode()),
                lower(snapshot.state()),
                snapshot.lastDecision(), snapshot.lastChange().map(Change::of).orElse(null),
                Signals.of(snapshot.signals(), detailed), snapshot.exits().stream().map(Exit::of).toList(),
                Settings.of(snapshot.settings()), Queue.of(admission));
    }

    /**
     * @param capacity utterances that may wait for a worker; more are turned away with 503
     * @param maxWaitMs the longest an utterance may wait for a worker and still be served, now (it follows the
     * objective when {@code asr.governor.queue-deadline} sets it); {@code null} for no limit
     */
    record Queue(int capacity, Long maxWaitMs) {

        static Queue of(AdmissionQueue admission) {
            Duration maxWait = admission.maxQueueWait();
            return new Queue(admission.queueCapacity(),
                    maxWait.isZero() ? null : maxWait.toMillis());
        }

    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static Double nullable(OptionalDouble value, double scale) {
        return value.isPresent() ? value.getAsDouble() * scale : null;
    }

    /**
     * @param from the depth before
     * @param fromDecoding its decoding, {@code full} or {@code fast}
     * @param to the depth after
     * @param toDecoding its decoding
     * @param direction {@code up} (a higher gear: deeper, or the full decoder) or {@code down}
     * @param reason {@code latency}, {@code queue}, {@code utilisation}, {@code recovery} or {@code pin}
     * @param detail the figures behind it
     * @param at when
     */
    record Change(int from, String fromDecoding, int to, String toDecoding, String direction, String reason,
            String detail, Instant at) {

        static Change of(DepthChange change) {
            return new Change(change.from().depth(), change.from().decoding().label(), change.to().depth(),
                    change.to().decoding().label(), lower(change.direction()), lower(change.reason()),
                    change.detail(), change.at());
        }

    }

    /**
     * @param evaluatedAt when the signals were read
     * @param p95LatencyMs p95 end-to-end latency over the window
     * @param windowSamples requests completed in the window
     * @param decisionP95LatencyMs the p95 the policy used (requests since the last change, when enough)
     * @param utilisation the largest smoothed reading among the healthy steering sources
     * @param inFlight requests being served
     * @param queued requests waiting for a worker
     * @param workers requests served at once
     * @param smoothedBacklog requests a new arrival waits for, smoothed
     * @param meanAudioSeconds mean audio length in the window
     * @param p95AudioSeconds p95 audio length in the window
     * @param arrivalsPerSecond requests arriving per second over the window, served and turned away
     * @param windowRejections requests turned away in the window because the admission queue was full
     * @param sources each signal source's status
     */
    record Signals(Instant evaluatedAt, Double p95LatencyMs, long windowSamples, Double decisionP95LatencyMs,
            Double utilisation, int inFlight, int queued, int workers, double smoothedBacklog, double meanAudioSeconds,
            double p95AudioSeconds, Double arrivalsPerSecond, long windowRejections, List<Source> sources) {

        static Signals of(GovernorSnapshot.Signals signals, boolean detailed) {
            return new Signals(signals.evaluatedAt(), nullable(signals.p95LatencySeconds(), 1e3),
                    signals.windowSamples(), nullable(signals.decisionP95LatencySeconds(), 1e3),
                    nullable(signals.utilisation(), 1), signals.inFlight(), signals.queued(), signals.workers(),
                    signals.smoothedBacklog(), signals.meanAudioSeconds(), signals.p95AudioSeconds(),
                    nullable(signals.arrivalsPerSecond(), 1), signals.windowRejections(),
                    signals.sources().stream().map((source) -> Source.of(source, detailed)).toList());
        }

    }

    /**
     * @param name the source
     * @param steersDepth whether it takes part in decisions
     * @param state {@code unknown}, {@code ok} or {@code failing}
     * @param value the last good reading
     * @param smoothed the smoothed reading the policy uses ({@code null} while failing)
     * @param lastReadAt when the last good reading was taken
     * @param lastError the last failure, e.g. why a GPU cannot be read: its kind (the exception's class) for anyone,
     *        with its message for operators (their token), since a message can name the host's files and libraries
     * @param failingSince when the current run of failures began
     * @param consecutiveFailures failures since the last good reading
     */
    record Source(String name, boolean steersDepth, String state, Double value, Double smoothed, Instant lastReadAt,
            String lastError, Instant failingSince, long consecutiveFailures) {

        static Source of(SourceStatus status, boolean detailed) {
            String error = status.lastError().map((e) -> detailed ? e : kind(e)).orElse(null);
            return new Source(status.name(), status.steersDepth(), lower(status.state()), nullable(status.value(), 1),
                    nullable(status.smoothed(), 1), status.lastReadAt().orElse(null), error,
                    status.failingSince().orElse(null), status.consecutiveFailures());
        }

        /** {@code ExceptionClass: message} without the message. */
        private static String kind(String error) {
            int colon = error.indexOf(": ");
            return (colon >= 0) ? error.substring(0, colon) : error;
        }

    }

    /**
     * @param depth the exit
     * @param decoding how the gear decodes its output, {@code full} or {@code fast}
     * @param costSecondsPerAudioSecond estimated service seconds per audio second, following the last few requests
     * (the latency predictions use it)
     * @param windowCostSecondsPerAudioSecond the same over the governor's window, the cost the offered load uses
     * @param samples requests served at it (0: its shape relative to the other exits is the prior's)
     * @param predictedLatencyMs predicted end-to-end latency of a typical request now ({@code null} if unbounded)
     * @param measured whether requests at this exit measured its cost rather than its shape being assumed
     * @param offeredLoad fraction of the workers the arriving requests would keep busy at this exit (above 1: more
     * than it can serve); {@code null} until arrivals and costs are measured
     * @param wordErrorRate the gear's word error rate on the model's development set; {@code null} when the model
     * gives none
     */
    record Exit(int depth, String decoding, double costSecondsPerAudioSecond,
            double windowCostSecondsPerAudioSecond, long samples, Double predictedLatencyMs, boolean measured,
            Double offeredLoad, Double wordErrorRate) {

        static Exit of(GovernorSnapshot.ExitCost cost) {
            double predicted = cost.predictedLatencySeconds() * 1e3;
            return new Exit(cost.gear().depth(), cost.gear().decoding().label(), cost.costSecondsPerAudioSecond(),
                    cost.windowCostSecondsPerAudioSecond(), cost.samples(), finiteOrNull(predicted),
                    cost.measured(), finiteOrNull(cost.offeredLoad()), finiteOrNull(cost.wordErrorRate()));
        }

        private static Double finiteOrNull(double value) {
            return Double.isFinite(value) ? value : null;
        }

    }

    /**
     * The settings, durations as {@code "<n>ms"}.
     */
    record Settings(String latencySlo, double latencyLowFraction, double predictionTarget, double utilisationHigh,
            double utilisationLow, String dwell, String cooldown, String window, int minSamples, String maximise) {

        static Settings of(GovernorSettings settings) {
            return new Settings(millis(settings.latencySlo()), settings.latencyLowFraction(),
                    settings.predictionTarget(), settings.utilisationHigh(), settings.utilisationLow(),
                    millis(settings.dwell()), millis(settings.cooldown()), millis(settings.window()),
                    settings.minSamples(), settings.maximise().label());
        }

        private static String millis(Duration duration) {
            return duration.toMillis() + "ms";
        }

    }

}
