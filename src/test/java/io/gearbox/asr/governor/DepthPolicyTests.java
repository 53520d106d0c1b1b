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
				new LoadProbe.Load(2, 3, 2), LADDER, cost, true, predicted, predicted, predicted, OptionalDouble.empty(),
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
		// every gear predicted well within the goal, no utilisation or rate to say otherwise: straight to the top
		assertThat(noneTurnedAway.gearIndex()).isEqualTo(LADDER.length - 1);
		assertThat(noneTurnedAway.reason()).isEqualTo(DepthChange.Reason.RECOVERY);
	}

	/**
	 * A minute calm at the lowest gear, arrivals measured: the offered load of each gear shallowest first, every
	 * gear predicted within the goal.
	 */
	private static Observation calmWithOfferedLoad(double... offeredLoad) {
		double[] cost = { 0.001, 0.002, 0.004, 0.01 };
		double[] predicted = { 0.01, 0.02, 0.04, 0.1 };
		return new Observation(60 * SECOND, OptionalDouble.of(0.02), OptionalDouble.empty(),
				new LoadProbe.Load(1, 0, 2), LADDER, cost, true, predicted, predicted, predicted,
				OptionalDouble.of(100), offeredLoad, 0);
	}

	@Test
	void recoveryGoesNoDeeperThanTheDeepestGearWhoseOfferedLoadStaysUnderTheMidMark() {
		Memory calmForAMinute = new Memory(0, 0, 0, false);
		// marks 0.60 and 0.90: the mid mark is 0.75; full depth would take 0.95 of the workers' time
		Decision decision = DepthPolicy.decide(GovernorSettings.defaults(),
				calmWithOfferedLoad(0.10, 0.20, 0.40, 0.95), calmForAMinute);
		assertThat(decision.reason()).isEqualTo(DepthChange.Reason.RECOVERY);
		assertThat(decision.gearIndex()).isEqualTo(2);
		assertThat(decision.detail()).contains("deepest gear that keeps up: 4 predicted at 0.040 s")
			.contains("offered load 0.40");
	}

	@Test
	void aBacklogIsOnlyAReasonToShedWhenItMissesTheObjectiveAtTheWindowsCostToo() {
		double[] cost = { 0.001, 0.002, 0.004, 0.01 };
		// at full depth the last few requests' cost predicts 1.5 s, the window's busy time 0.5 s: a stall
		double[] predicted = { 0.15, 0.3, 0.6, 1.5 };
		double[] atWindowCost = { 0.05, 0.1, 0.2, 0.5 };
		Memory atFullDepth = new Memory(3, DepthPolicy.NEVER, DepthPolicy.NEVER, false);
		Observation stall = new Observation(60 * SECOND, OptionalDouble.empty(), OptionalDouble.empty(),
				new LoadProbe.Load(2, 10, 2), LADDER, cost, true, predicted, predicted, atWindowCost,
				OptionalDouble.empty(), new double[LADDER.length], 0);
		assertThat(DepthPolicy.decide(GovernorSettings.defaults(), stall, atFullDepth).moves()).isFalse();

		Observation lasting = new Observation(60 * SECOND, OptionalDouble.empty(), OptionalDouble.empty(),
				new LoadProbe.Load(2, 10, 2), LADDER, cost, true, predicted, predicted, predicted,
				OptionalDouble.empty(), new double[LADDER.length], 0);
		Decision shed = DepthPolicy.decide(GovernorSettings.defaults(), lasting, atFullDepth);
		assertThat(shed.reason()).isEqualTo(DepthChange.Reason.QUEUE);
		assertThat(shed.gearIndex()).isEqualTo(2);
		assertThat(shed.detail()).startsWith("predicted 1.500 s (1.500 s at the window's cost) > objective 1.000 s");
	}

}
