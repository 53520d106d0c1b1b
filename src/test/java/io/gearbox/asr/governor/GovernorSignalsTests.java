package io.gearbox.asr.governor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import io.gearbox.asr.governor.SourceStatus.State;

import static org.assertj.core.api.Assertions.assertThat;

/** How the governor treats its signal sources and load probe when they fail. */
class GovernorSignalsTests {

	private final FakeClock clock = new FakeClock();

	private final Instant start = this.clock.instant();

	private LoadProbe.Load load = LoadProbe.Load.idle(2);

	private final LoadProbe probe = () -> this.load;

	@Test
	void aThrowingSourceIsReportedWithItsErrorAndSinceWhenAndIgnored() {
		Switchable gpu = new Switchable("gpu-utilisation", 0.99);
		DepthGovernor governor = governor(gpu, new Switchable("cpu-utilisation", 0.3));
		gpu.fail(new IllegalStateException("NVML: driver not loaded"));
		tick(governor, 3);
		assertThat(governor.depth()).as("the stale 0.99 from the dead source steers nothing").isEqualTo(12);
		GovernorSnapshot.Signals signals = governor.snapshot().signals();
		assertThat(signals.utilisation()).hasValue(0.3);
		assertThat(status(governor, "gpu-utilisation")).satisfies((status) -> {
			assertThat(status.state()).isEqualTo(State.FAILING);
			assertThat(status.lastError()).hasValue("IllegalStateException: NVML: driver not loaded");
			assertThat(status.failingSince()).hasValue(this.start.plusSeconds(1));
			assertThat(status.consecutiveFailures()).isEqualTo(3);
		});
		assertThat(status(governor, "cpu-utilisation").state()).isEqualTo(State.OK);
	}

	@Test
	void aSourceWithNothingToSayOrOutOfRangeIsReportedAndIgnored() {
		Switchable silent = new Switchable("gpu-memory", Double.NaN);
		Switchable wild = new Switchable("gpu-utilisation", 3.0);
		DepthGovernor governor = governor(silent, wild);
		tick(governor, 1);
		assertThat(governor.snapshot().signals().utilisation()).isEmpty();
		assertThat(status(governor, "gpu-memory").lastError()).hasValue("no reading");
		assertThat(status(governor, "gpu-utilisation").lastError()).hasValueSatisfying(
				(error) -> assertThat(error).contains("out of [0, 1]"));
		assertThat(governor.depth()).isEqualTo(12);
	}

	@Test
	void aSourceThatReadsAgainIsHealthyAgainAndSteersAgain() {
		Switchable gpu = new Switchable("gpu-utilisation", 0.99);
		DepthGovernor governor = governor(gpu);
		gpu.fail(new RuntimeException("timeout"));
		tick(governor, 2);
		gpu.recover();
		tick(governor, 1);
		assertThat(status(governor, "gpu-utilisation")).satisfies((status) -> {
			assertThat(status.state()).isEqualTo(State.OK);
			assertThat(status.failingSince()).isEmpty();
			assertThat(status.lastError()).as("kept for operators").hasValue("RuntimeException: timeout");
		});
		assertThat(governor.depth()).isLessThan(12);
		assertThat(governor.snapshot().lastChange()).hasValueSatisfying(
				(change) -> assertThat(change.reason()).isEqualTo(DepthChange.Reason.UTILISATION));
	}

	@Test
	void aSourceThatOnlyInformsNeverSteers() {
		Switchable memory = new Switchable("gpu-memory", 0.97) {

			@Override
			public boolean steersDepth() {
				return false;
			}

		};
		DepthGovernor governor = governor(memory);
		tick(governor, 5);
		assertThat(governor.depth()).isEqualTo(12);
		assertThat(status(governor, "gpu-memory").value()).hasValue(0.97);
	}

	@Test
	void aFailingLoadProbeKeepsItsLastGoodReadingAndIsReported() {
		DepthGovernor governor = governor();
		this.load = new LoadProbe.Load(1, 0, 4);
		tick(governor, 1);
		this.load = null;
		tick(governor, 1);
		GovernorSnapshot.Signals signals = governor.snapshot().signals();
		assertThat(signals.workers()).isEqualTo(4);
		assertThat(signals.inFlight()).isEqualTo(1);
		assertThat(signals.sources()).last().satisfies((status) -> {
			assertThat(status.name()).isEqualTo(SourceStatus.LOAD_PROBE_NAME);
			assertThat(status.state()).isEqualTo(State.FAILING);
		});
	}

	private DepthGovernor governor(SignalSource... sources) {
		return new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(), this.probe, List.of(sources),
				this.clock);
	}

	private void tick(DepthGovernor governor, int seconds) {
		for (int i = 0; i < seconds; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			governor.evaluate();
		}
	}

	private static SourceStatus status(DepthGovernor governor, String name) {
		return governor.snapshot().signals().sources().stream().filter((status) -> status.name().equals(name))
			.findFirst().orElseThrow();
	}

	/** A source that reads a fixed value (NaN: nothing) until told to fail. */
	private static class Switchable implements SignalSource {

		private final String name;

		private final double value;

		private Exception failure;

		Switchable(String name, double value) {
			this.name = name;
			this.value = value;
		}

		void fail(Exception failure) {
			this.failure = failure;
		}

		void recover() {
			this.failure = null;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public OptionalDouble read() throws Exception {
			if (this.failure != null) {
				throw this.failure;
			}
			return Double.isNaN(this.value) ? OptionalDouble.empty() : OptionalDouble.of(this.value);
		}

	}

}
