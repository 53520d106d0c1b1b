package io.gearbox.asr.governor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;

import io.gearbox.asr.governor.DepthPolicy.Decision;
import io.gearbox.asr.governor.DepthPolicy.Memory;
import io.gearbox.asr.governor.DepthPolicy.Observation;
import org.junit.jupiter.api.Test;

/**
 * The decision rule on hand-made observations: the cases a plant reaches only by way of measurement errors.
 */
class DepthPolicyTests {

	private static final long SECOND = 1_000_000_000L;

	private static final Gear[] LADDER = { Gear.fast(2), Gear.fast(4), Gear.full(4), Gear.full(12) };

	/**
	 * At the lowest gear for a minute, every answer fast (p95 20 ms against a 1 s objective), the next gear predicted
	 * cheap enough, no utilisation signal and no measured arrival rate: only the requests turned away tell of the
	 * overload.
	 */
	private static Observation calmAnswers(long rejectedSinceChange) {
		double[] cost = { 0.001, 0.002, 0.004, 0.01 };
		double[] predicted = { 0.01, 0.02, 0.04, 0.1 };
		return new Observation(60 * SECOND, OptionalDouble.of(0.02), OptionalDouble.empty(),
				new LoadProbe.Load(2, 3, 2), LADDER, cost, true, predicted, predicted, OptionalDouble.empty(),
				new double[LADDER.length], rejectedSinceChange);
	}

	@Test
	void neverStepsUpWhileTheQueueTurnsRequestsAway() {
		Memory calmForAMinute = new Memory(0, 0, 0, false);

		Decision turningAway = DepthPolicy.decide(GovernorSettings.defaults(), calmAnswers(12), calmForAMinute);
		assertThat(turningAway.moves()).isFalse();
		assertThat(turningAway.state()).isEqualTo(PolicyState.HOLDING);
		assertThat(turningAway.detail()).contains("12 requests turned away");

		Decision noneTurnedAway = DepthPolicy.decide(GovernorSettings.defaults(), calmAnswers(0), calmForAMinute);
		assertThat(noneTurnedAway.moves()).isTrue();
		assertThat(noneTurnedAway.gearIndex()).isEqualTo(1);
		assertThat(noneTurnedAway.reason()).isEqualTo(DepthChange.Reason.RECOVERY);
	}

}
