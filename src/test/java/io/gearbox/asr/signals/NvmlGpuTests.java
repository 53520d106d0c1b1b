package io.gearbox.asr.signals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.LoadProbe;
import io.gearbox.asr.governor.SignalSource;
import io.gearbox.asr.governor.SourceStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class NvmlGpuTests {

    private static final String ABSENT = "libnvidia-ml-absent-for-tests.so.1";

    @Test
    void withoutTheLibraryTheGpuIsUnavailableWithItsReason() {
        try (NvmlGpu gpu = NvmlGpu.open(ABSENT, 0)) {
            assertThat(gpu.isAvailable()).isFalse();
            assertThat(gpu.unavailableReason()).hasValueSatisfying((reason) -> assertThat(reason)
                .contains(ABSENT).doesNotContain("\n"));
            assertThat(gpu.utilisation().name()).isEqualTo("gpu-utilisation");
            assertThat(gpu.utilisation().steersDepth()).isTrue();
            assertThat(gpu.memory().name()).isEqualTo("gpu-memory");
            assertThat(gpu.memory().steersDepth()).isFalse();
            assertThatExceptionOfType(NvmlGpu.UnavailableException.class).isThrownBy(gpu.utilisation()::read)
                .withMessageContaining(ABSENT);
            assertThatExceptionOfType(NvmlGpu.UnavailableException.class).isThrownBy(gpu.memory()::read);
        }
    }

    @Test
    void theGovernorShowsAnUnavailableGpuAsFailingAndDecidesWithoutIt() {
        try (NvmlGpu gpu = NvmlGpu.open(ABSENT, 0)) {
            List<SignalSource> sources = List.of(gpu.utilisation(), gpu.memory());
            DepthGovernor governor = new DepthGovernor(List.of(new ExitPrior(2, 0.01), new ExitPrior(4, 0.02)),
                    GovernorSettings.defaults(), () -> LoadProbe.Load.idle(2), sources,
                    Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
            governor.evaluate();
            governor.evaluate();
            List<SourceStatus> statuses = governor.snapshot().signals().sources();
            assertThat(statuses).filteredOn((status) -> status.name().startsWith("gpu-")).hasSize(2)
                .allSatisfy((status) -> {
                    assertThat(status.state()).isEqualTo(SourceStatus.State.FAILING);
                    assertThat(status.lastError()).hasValueSatisfying((error) -> assertThat(error).contains(ABSENT));
                    assertThat(status.consecutiveFailures()).isEqualTo(2);
                });
            assertThat(governor.snapshot().signals().utilisation()).isEmpty();
            assertThat(governor.depth()).isEqualTo(4);
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        NvmlGpu gpu = NvmlGpu.open(ABSENT, 0);
        gpu.close();
        gpu.close();
        assertThat(gpu.isAvailable()).isFalse();
    }

}
