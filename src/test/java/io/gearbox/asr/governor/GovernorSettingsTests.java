package io.gearbox.asr.governor;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class GovernorSettingsTests {

	private final GovernorSettings defaults = GovernorSettings.defaults();

	@Test
	void defaultObjectiveIsOneSecondAtP95() {
		assertThat(this.defaults.latencySlo()).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.defaults.latencyLowFraction()).isLessThan(this.defaults.predictionTarget());
		assertThat(this.defaults.utilisationLow()).isLessThan(this.defaults.utilisationHigh());
		assertThat(this.defaults.cooldown()).isLessThanOrEqualTo(this.defaults.dwell());
	}

	@Test
	void builderChangesOnlyWhatItIsTold() {
		GovernorSettings changed = this.defaults.toBuilder().latencySlo(Duration.ofMillis(500)).minSamples(5).build();
		assertThat(changed.latencySlo()).isEqualTo(Duration.ofMillis(500));
		assertThat(changed.minSamples()).isEqualTo(5);
		assertThat(changed.toBuilder().latencySlo(Duration.ofSeconds(1)).minSamples(20).build())
			.isEqualTo(this.defaults);
	}

	@Test
	void rejectsAnObjectiveThatIsNotPositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().latencySlo(Duration.ZERO).build())
			.withMessage("latencySlo must be > 0 but was PT0S");
	}

	@Test
	void rejectsALatencyLowMarkOutsideTheOpenUnitInterval() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().latencyLowFraction(1.0).build())
			.withMessage("latencyLowFraction must be in (0, 1) but was 1.0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().latencyLowFraction(Double.NaN).build())
			.withMessageContaining("latencyLowFraction").withMessageContaining("NaN");
	}

	@Test
	void rejectsAPredictionTargetAboveTheObjective() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().predictionTarget(1.2).build())
			.withMessage("predictionTarget must be in (0, 1] but was 1.2");
	}

	@Test
	void rejectsAUtilisationHighMarkAboveOne() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().utilisationHigh(1.5).build())
			.withMessage("utilisationHigh must be in (0, 1] but was 1.5");
	}

	@Test
	void rejectsAUtilisationLowMarkNotBelowTheHighMark() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().utilisationHigh(0.8).utilisationLow(0.8).build())
			.withMessage("utilisationLow must be in [0, utilisationHigh=0.8) but was 0.8");
	}

	@Test
	void rejectsNegativeDwellAndCooldown() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().dwell(Duration.ofSeconds(-1)).build())
			.withMessage("dwell must be >= 0 but was PT-1S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().cooldown(Duration.ofSeconds(-2)).build())
			.withMessage("cooldown must be >= 0 but was PT-2S");
	}

	@Test
	void rejectsAWindowTooShortToBucket() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().window(Duration.ofMillis(5)).build())
			.withMessage("window must be at least 10ms but was PT0.005S");
	}

	@Test
	void rejectsDurationsLongerThanADayThatWouldOverflowNanoseconds() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().latencySlo(Duration.ofDays(106_752)).build())
			.withMessage("latencySlo must be at most PT24H but was PT2562048H");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.defaults.toBuilder().cooldown(Duration.ofHours(25)).build())
			.withMessage("cooldown must be at most PT24H but was PT25H");
		assertThat(this.defaults.toBuilder().window(Duration.ofDays(1)).build().window()).isEqualTo(Duration.ofDays(1));
	}

	@Test
	void rejectsFewerThanOneSample() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.defaults.toBuilder().minSamples(0).build())
			.withMessage("minSamples must be >= 1 but was 0");
	}

	@Test
	void rejectsMissingDurations() {
		assertThatNullPointerException().isThrownBy(() -> this.defaults.toBuilder().dwell(null).build())
			.withMessage("dwell");
	}

}
