package io.gearbox.asr.metrics;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalDouble;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.LoadProbe;
import io.gearbox.asr.governor.SignalSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GovernorMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final DepthGovernor governor = new DepthGovernor(
            List.of(new ExitPrior(2, 0.01), new ExitPrior(4, 0.02), new ExitPrior(6, 0.03)), GovernorSettings.defaults(),
            () -> LoadProbe.Load.idle(2), List.of(source("process-cpu", 0.25, true), source("gpu-memory", 0.5, false)),
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    @Test
    void depthAndModeGaugesFollowTheGovernor() {
        new GovernorMetrics(this.governor).bindTo(this.registry);
        assertThat(this.registry.get("asr.governor.depth").gauge().value()).isEqualTo(6);
        assertThat(this.registry.get("asr.governor.pinned").gauge().value()).isZero();
        this.governor.pin(2);
        assertThat(this.registry.get("asr.governor.depth").gauge().value()).isEqualTo(2);
        assertThat(this.registry.get("asr.governor.pinned").gauge().value()).isOne();
        assertThat(this.registry.get("asr.governor.latency.slo").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void switchesAreCountedByDirectionAndReason() {
        new GovernorMetrics(this.governor).bindTo(this.registry);
        // down for latency, queue, overload, utilisation and pin; up for recovery, accuracy and pin
        assertThat(this.registry.get("asr.governor.switches").counters()).hasSize(8)
            .allSatisfy((counter) -> assertThat(counter.count()).isZero());
        this.governor.pin(2);
        this.governor.pin(6);
        this.governor.pin(4);
        assertThat(this.registry.get("asr.governor.switches").tags("direction", "down", "reason", "pin").counter()
            .count()).isEqualTo(2);
        assertThat(this.registry.get("asr.governor.switches").tags("direction", "up", "reason", "pin").counter()
            .count()).isEqualTo(1);
        assertThat(this.registry.get("asr.governor.switches").tags("direction", "down", "reason", "latency")
            .counter().count()).isZero();
    }

    @Test
    void utilisationIsAGaugePerSourceWithNaNUntilItReads() {
        new GovernorMetrics(this.governor).bindTo(this.registry);
        assertThat(this.registry.get("asr.governor.utilization").gauges()).hasSize(2);
        assertThat(this.registry.get("asr.governor.utilization").tag("source", "process-cpu").gauge().value()).isNaN();
        this.governor.evaluate();
        assertThat(this.registry.get("asr.governor.utilization").tags("source", "process-cpu", "steers", "true")
            .gauge().value()).isEqualTo(0.25);
        assertThat(this.registry.get("asr.governor.utilization").tags("source", "gpu-memory", "steers", "false")
            .gauge().value()).isEqualTo(0.5);
    }

    @Test
    void theCostTableIsAGaugePerExit() {
        new GovernorMetrics(this.governor).bindTo(this.registry);
        assertThat(this.registry.get("asr.governor.exit.cost").tag("depth", "4").gauge().value()).isEqualTo(0.02);
        assertThat(this.registry.get("asr.governor.exit.predicted.latency").gauges()).hasSize(3);
    }

    @Test
    void everyMeterHasADescriptionAndDottedLowercaseName() {
        new GovernorMetrics(this.governor).bindTo(this.registry);
        assertThat(this.registry.getMeters()).isNotEmpty().allSatisfy((Meter meter) -> {
            assertThat(meter.getId().getName()).matches("asr\\.governor(\\.[a-z0-9]+)+");
            assertThat(meter.getId().getDescription()).isNotBlank();
        });
    }

    private static SignalSource source(String name, double value, boolean steers) {
        return new SignalSource() {

            @Override
            public String name() {
                return name;
            }

            @Override
            public OptionalDouble read() {
                return OptionalDouble.of(value);
            }

            @Override
            public boolean steersDepth() {
                return steers;
            }

        };
    }

}
