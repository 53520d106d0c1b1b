package io.gearbox.asr.signals;

import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuLoadSourceTests {

    @Test
    void readsTheLoadAsAFraction() {
        CpuLoadSource source = new CpuLoadSource("process-cpu", true, () -> 0.42);
        assertThat(source.read()).hasValue(0.42);
        assertThat(source.name()).isEqualTo("process-cpu");
        assertThat(source.steersDepth()).isTrue();
    }

    @Test
    void anUnknownLoadReadsAsNothing() {
        assertThat(new CpuLoadSource("machine-cpu", false, () -> -1.0).read()).isEmpty();
        assertThat(new CpuLoadSource("machine-cpu", false, () -> Double.NaN).read()).isEmpty();
    }

    @Test
    void aLoadAboveOneIsClamped() {
        assertThat(new CpuLoadSource("process-cpu", true, () -> 1.0000001).read()).hasValue(1.0);
    }

    @Test
    void theJvmsBeansReadWithinZeroAndOneOrNothing() {
        for (CpuLoadSource source : new CpuLoadSource[] { CpuLoadSource.process(), CpuLoadSource.machine(false) }) {
            OptionalDouble reading = source.read();
            reading.ifPresent((value) -> assertThat(value).isBetween(0.0, 1.0));
        }
        assertThat(CpuLoadSource.process().steersDepth()).isTrue();
        assertThat(CpuLoadSource.machine(false).steersDepth()).isFalse();
        assertThat(CpuLoadSource.machine(true).steersDepth()).isTrue();
        assertThat(CpuLoadSource.machine(true).name()).isEqualTo("machine-cpu");
    }

}
