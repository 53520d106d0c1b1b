package io.gearbox.asr.metrics;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Function;

import io.gearbox.asr.governor.DepthChange.Direction;
import io.gearbox.asr.governor.DepthChange.Reason;
import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.governor.GovernorMode;
import io.gearbox.asr.governor.GovernorSnapshot;
import io.gearbox.asr.governor.SourceStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * Meters of the load governor:
 * <ul>
 * <li>{@code asr.governor.depth} (layers): the default exit now;</li>
 * <li>{@code asr.governor.fast.decoding}: 1 while the default gear decodes greedily (the lowest gear), else 0;</li>
 * <li>{@code asr.governor.pinned}: 1 while an operator pins the depth, 0 while the governor chooses;</li>
 * <li>{@code asr.governor.switches} (changes): changes of the default gear, tagged {@code direction}
 * ({@code up}, {@code down}) and {@code reason} ({@code latency}, {@code queue}, {@code overload}, {@code utilisation},
 * {@code recovery}, {@code pin}); every possible pair (down for a high mark, up for recovery, either for a pin) is
 * registered up front so that rates start at zero;</li>
 * <li>{@code asr.governor.latency.slo} (seconds): the objective in force;</li>
 * <li>{@code asr.governor.latency.p95} (seconds): the window's p95 end-to-end latency as the governor sees it
 * ({@code NaN} with an empty window);</li>
 * <li>{@code asr.governor.arrival.rate} (requests per second): arrivals over the window, served and turned away;</li>
 * <li>{@code asr.governor.utilization} (ratio), tagged {@code source}: each signal's smoothed reading
 * ({@code NaN} while it fails or for a source without readings, such as a GPU on a machine without one);</li>
 * <li>{@code asr.governor.exit.cost} (seconds per audio second) and {@code asr.governor.exit.predicted.latency}
 * (seconds) and {@code asr.governor.exit.offered.load} (ratio of the workers), tagged {@code depth} and
 * {@code decoding} ({@code full}, {@code fast}): the cost table, one series per gear.</li>
 * </ul>
 * Per-exit request counts and latency histograms are {@code asr.recognitions} and {@code asr.requests} (tag
 * {@code depth}); the queue is {@code asr.admission.waiting} and {@code asr.admission.in.flight}
 * ({@link RecognitionMetrics}).
 */
@Component
class GovernorMetrics implements MeterBinder {

    private final DepthGovernor governor;

    GovernorMetrics(DepthGovernor governor) {
        this.governor = Objects.requireNonNull(governor, "governor");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("asr.governor.depth", this.governor, DepthGovernor::depth)
            .description("Default exit (encoder layers) for depth=auto requests")
            .baseUnit("layers")
            .register(registry);
        Gauge.builder("asr.governor.fast.decoding", this.governor, (g) -> g.gear().isFast() ? 1 : 0)
            .description("1 while the default gear decodes greedily (the lowest gear), 0 with the full decoder")
            .register(registry);
        Gauge.builder("asr.governor.pinned", this.governor, (g) -> (g.mode() == GovernorMode.PINNED) ? 1 : 0)
            .description("1 while an operator pins the default exit, 0 while the governor chooses it")
            .register(registry);
        Gauge.builder("asr.governor.latency.slo", this.governor, (g) -> g.settings().latencySlo().toNanos() / 1e9)
            .description("Objective for the p95 of end-to-end latency")
            .baseUnit("seconds")
            .register(registry);
        Gauge.builder("asr.governor.latency.p95", this.governor,
                (g) -> orNaN(g.snapshot().signals().p95LatencySeconds()))
            .description("p95 of end-to-end latency over the governor's window")
            .baseUnit("seconds")
            .register(registry);
        Gauge.builder("asr.governor.arrival.rate", this.governor,
                (g) -> orNaN(g.snapshot().signals().arrivalsPerSecond()))
            .description("Requests arriving per second over the governor's window, served and turned away")
            .baseUnit("requests.per.second")
            .register(registry);
        for (Reason reason : Reason.values()) {
            if (reason != Reason.RECOVERY && reason != Reason.ACCURACY) {
                switches(registry, Direction.DOWN, reason);
            }
        }
        switches(registry, Direction.UP, Reason.RECOVERY);
        switches(registry, Direction.UP, Reason.ACCURACY);
        switches(registry, Direction.UP, Reason.PIN);
        this.governor.addListener((change) -> switches(registry, change.direction(), change.reason()).increment());
        for (SourceStatus source : this.governor.snapshot().signals().sources()) {
            if (SourceStatus.LOAD_PROBE_NAME.equals(source.name())) {
                continue;
            }
            String name = source.name();
            Gauge.builder("asr.governor.utilization", this.governor, (g) -> utilisation(g, name))
                .description("Smoothed reading of a governor signal source as a fraction of saturation")
                .baseUnit("ratio")
                .tag("source", name)
                .tag("steers", Boolean.toString(source.steersDepth()))
                .register(registry);
        }
        for (Gear gear : this.governor.gears()) {
            exitGauge(registry, "asr.governor.exit.cost", gear, GovernorSnapshot.ExitCost::costSecondsPerAudioSecond,
                    "Estimated service seconds per audio second of a gear", "seconds");
            exitGauge(registry, "asr.governor.exit.predicted.latency", gear,
                    GovernorSnapshot.ExitCost::predictedLatencySeconds,
                    "Predicted end-to-end latency of a typical request at a gear now", "seconds");
            exitGauge(registry, "asr.governor.exit.offered.load", gear, GovernorSnapshot.ExitCost::offeredLoad,
                    "Fraction of the workers the arriving requests would keep busy at a gear", "ratio");
        }
    }

    private Counter switches(MeterRegistry registry, Direction direction, Reason reason) {
        return Counter.builder("asr.governor.switches")
            .description("Changes of the default gear")
            .baseUnit("changes")
            .tag("direction", lower(direction))
            .tag("reason", lower(reason))
            .register(registry);
    }

    private void exitGauge(MeterRegistry registry, String name, Gear gear,
            Function<GovernorSnapshot.ExitCost, Double> value, String description, String unit) {
        Gauge.builder(name, this.governor, (g) -> g.snapshot().exits().stream()
                .filter((exit) -> exit.gear().equals(gear))
                .mapToDouble(value::apply)
                .findFirst()
                .orElse(Double.NaN))
            .description(description)
            .baseUnit(unit)
            .tag("depth", Integer.toString(gear.depth()))
            .tag("decoding", gear.decoding().label())
            .register(registry);
    }

    private static double utilisation(DepthGovernor governor, String name) {
        return governor.snapshot().signals().sources().stream()
            .filter((source) -> source.name().equals(name))
            .findFirst()
            .map((source) -> orNaN(source.smoothed()))
            .orElse(Double.NaN);
    }

    private static double orNaN(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : Double.NaN;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

}
