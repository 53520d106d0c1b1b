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

	/** Each gear's latency with no queue: a typical request takes 10 to 100 ms. */
	private static final double[] UNQUEUED = { 0.01, 0.02, 0.04, 0.1 };

	/** No word error rates. */
	private static final double[] UNRATED = { Double.NaN, Double.NaN, Double.NaN, Double.NaN };

	/** {@code 1 − WER} of each gear, as on the shipped model: the greedy gears far worse than the language model's. */
	private static final double[] ACCURACY = { 0.15, 0.24, 0.47, 0.66 };

	/** Offered loads at three times what full depth carries, shallowest first. */
	private static final double[] THREE_TIMES = { 1.32, 1.6, 2.2, 3.0 };

	private static final GovernorSettings CORRECT_ANSWERS = GovernorSettings.defaults().toBuilder()
		.maximise(Maximise.CORRECT_ANSWERS)
		.build();

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
				new double[LADDER.length], rejectedSinceChange, UNQUEUED, UNRATED);
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
				OptionalDouble.of(100), offeredLoad, 0, UNQUEUED, UNRATED);
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
				OptionalDouble.empty(), new double[LADDER.length], 0, UNQUEUED, UNRATED);
		assertThat(DepthPolicy.decide(GovernorSettings.defaults(), stall, atFullDepth).moves()).isFalse();

		Observation lasting = new Observation(60 * SECOND, OptionalDouble.empty(), OptionalDouble.empty(),
				new LoadProbe.Load(2, 10, 2), LADDER, cost, true, predicted, predicted, predicted,
				OptionalDouble.empty(), new double[LADDER.length], 0, UNQUEUED, UNRATED);
		Decision shed = DepthPolicy.decide(GovernorSettings.defaults(), lasting, atFullDepth);
		assertThat(shed.reason()).isEqualTo(DepthChange.Reason.QUEUE);
		assertThat(shed.gearIndex()).isEqualTo(2);
		assertThat(shed.detail()).startsWith("predicted 1.500 s (1.500 s at the window's cost) > objective 1.000 s");
	}

	/**
	 * At a gear under load for a minute, the last change long past: answers fast (p95 {@code p95} against a 1 s
	 * objective), no queue to speak of, 300 requests a second arriving, the offered load of each gear shallowest
	 * first, the gears as accurate as {@code accuracy}.
	 */
	private static Observation underLoad(double p95, double[] accuracy, double... offeredLoad) {
		return underLoad(OptionalDouble.of(p95), 3, new double[] { 0.01, 0.02, 0.04, 0.1 }, UNQUEUED, accuracy,
				offeredLoad);
	}

	/**
	 * The same with the p95, the queue, each gear's predicted latency behind it and with no queue at all given.
	 */
	private static Observation underLoad(OptionalDouble p95, int queued, double[] predicted, double[] unqueued,
			double[] accuracy, double... offeredLoad) {
		return new Observation(60 * SECOND, p95, OptionalDouble.empty(), new LoadProbe.Load(2, queued, 2), LADDER,
				new double[] { 0.001, 0.002, 0.004, 0.01 }, true, predicted, predicted, predicted,
				OptionalDouble.of(300), offeredLoad, 500, unqueued, accuracy);
	}

	private static Memory at(int gearIndex) {
		return new Memory(gearIndex, 0, DepthPolicy.NEVER, false);
	}

	@Test
	void maximisingCorrectAnswersKeepsFullDepthWhereTheShallowGearsWouldAddFewerRightWordsThanTheyServe() {
		// three times what full depth carries: full depth serves a third at 66% accuracy (0.22 of the arrivals'
		// words right), exit 4 with the language model 45% at 47% (0.21), the greedy gears 62% at 24% and 76% at 15%
		Observation threeTimes = underLoad(0.02, ACCURACY, THREE_TIMES);

		Decision answers = DepthPolicy.decide(GovernorSettings.defaults(), threeTimes, at(3));
		assertThat(answers.reason()).isEqualTo(DepthChange.Reason.OVERLOAD);
		assertThat(answers.gearIndex()).as("no gear keeps up: the lowest, to answer the most").isZero();

		Decision correct = DepthPolicy.decide(CORRECT_ANSWERS, threeTimes, at(3));
		assertThat(correct.moves()).isFalse();
		assertThat(correct.state()).isEqualTo(PolicyState.SHEDDING);
		assertThat(correct.detail()).contains("most correct answers on time: 12 (0.220: serves 33% at WER 34.0%)");
	}

	@Test
	void maximisingCorrectAnswersShedsToTheGearThatGetsTheMostWordsRightOnTime() {
		// exit 4 with the language model at 60% accuracy serves 68% of twice full depth's capacity: 0.41 against 0.33
		double[] accuracy = { 0.15, 0.24, 0.60, 0.66 };
		Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, underLoad(0.02, accuracy, 0.88, 1.07, 1.47, 2.0),
				at(3));
		assertThat(decision.reason()).isEqualTo(DepthChange.Reason.OVERLOAD);
		assertThat(decision.gearIndex()).isEqualTo(2);
	}

	@Test
	void maximisingCorrectAnswersClimbsOutOfAGearWorthLessThanADeeperOneThoughTheLoadStaysHigh() {
		Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, underLoad(0.02, ACCURACY, THREE_TIMES),
				at(0));
		assertThat(decision.reason()).isEqualTo(DepthChange.Reason.ACCURACY);
		assertThat(decision.gearIndex()).isEqualTo(3);
		assertThat(decision.detail()).contains("most correct answers on time: 12 (0.220");
	}

	@Test
	void maximisingCorrectAnswersNeverClimbsToAGearPredictedLateBehindTheBacklog() {
		// the current gear's answers predicted on time (0.1 s), full depth's 0.9 s behind the same backlog
		Observation backlog = underLoad(OptionalDouble.of(0.02), 30, new double[] { 0.1, 0.2, 0.4, 0.9 }, UNQUEUED,
				ACCURACY, THREE_TIMES);
		Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, backlog, at(0));
		assertThat(decision.moves()).isFalse();
		assertThat(decision.state()).isEqualTo(PolicyState.SHEDDING);
		assertThat(decision.detail()).endsWith("12 predicted at 0.900 s behind the queue > goal 0.800 s");
	}

	@Test
	void maximisingCorrectAnswersWaitsOutTheCooldownAfterShedding() {
		// a second after a move down to 4 fast, its offered load still over the high mark: maximising answers goes
		// further down at once, maximising correct answers waits and lets the deadline turn the excess away
		Memory justShed = new Memory(1, 59 * SECOND, DepthPolicy.NEVER, true);
		Observation stillRising = underLoad(0.02, ACCURACY, THREE_TIMES);

		Decision answers = DepthPolicy.decide(GovernorSettings.defaults(), stillRising, justShed);
		assertThat(answers.moves()).isTrue();
		assertThat(answers.detail()).contains("right after shedding");

		Decision correct = DepthPolicy.decide(CORRECT_ANSWERS, stillRising, justShed);
		assertThat(correct.moves()).isFalse();
		assertThat(correct.state()).isEqualTo(PolicyState.COOLING_DOWN);
	}

	@Test
	void maximisingCorrectAnswersHoldsAGearWithinFivePercentOfTheBest() {
		// exit 4: 0.45 x 0.47 = 0.214, within 5% of full depth's 0.220, so the governor stays where it is
		Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, underLoad(0.02, ACCURACY, THREE_TIMES),
				at(2));
		assertThat(decision.moves()).isFalse();
		assertThat(decision.state()).isEqualTo(PolicyState.SHEDDING);
	}

	@Test
	void answersMeasuredLateRuleOutTheCurrentGearWhateverItsValue() {
		// p95 1.2 s over the 1 s objective at full depth, the best gear on paper: the move goes shallower, to the
		// best of the rest
		Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, underLoad(1.2, ACCURACY, THREE_TIMES),
				at(3));
		assertThat(decision.reason()).isEqualTo(DepthChange.Reason.LATENCY);
		assertThat(decision.gearIndex()).isEqualTo(2);
	}

	@Test
	void aQueuePredictedLateNeverMovesItDeeperAndLeavesTheRestToTheDeadline() {
		// a queue predicted to make the answers late at every gear (1.5 s at the lowest, at both costs), arrivals
		// measured: on paper full depth gets the most words right, but deeper would only be later; and the
		// prediction counts queued requests the deadline will turn away, so it is no reason to shed either
		Observation queue = underLoad(OptionalDouble.empty(), 32, new double[] { 1.5, 3.0, 6.0, 15.0 }, UNQUEUED,
				ACCURACY, THREE_TIMES);
		for (int gear = 0; gear < 2; gear++) {
			Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, queue, at(gear));
			assertThat(decision.moves()).as("at gear %d", gear).isFalse();
			assertThat(decision.state()).isEqualTo(PolicyState.SHEDDING);
			assertThat(decision.detail()).startsWith("predicted")
				.endsWith("12 predicted at 15.000 s behind the queue > goal 0.800 s");
		}
	}

	@Test
	void aGearTooSlowForTheObjectiveWithNoQueueIsWorthNothing() {
		// full depth alone takes 0.9 s, over the goal of 0.8 s, so the next best is chosen though it is worth less
		Observation slowFullDepth = underLoad(OptionalDouble.of(0.02), 3, new double[] { 0.01, 0.02, 0.04, 0.1 },
				new double[] { 0.01, 0.02, 0.04, 0.9 }, ACCURACY, THREE_TIMES);
		Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, slowFullDepth, at(3));
		assertThat(decision.gearIndex()).isEqualTo(2);
	}

	@Test
	void withoutAMeasuredArrivalRateMaximisingCorrectAnswersShedsAsForAnswers() {
		double[] cost = { 0.001, 0.002, 0.004, 0.01 };
		double[] predicted = { 0.15, 0.3, 0.6, 1.5 };
		Observation queue = new Observation(60 * SECOND, OptionalDouble.empty(), OptionalDouble.empty(),
				new LoadProbe.Load(2, 10, 2), LADDER, cost, true, predicted, predicted, predicted,
				OptionalDouble.empty(), new double[LADDER.length], 0, UNQUEUED, ACCURACY);
		Decision decision = DepthPolicy.decide(CORRECT_ANSWERS, queue, at(3));
		assertThat(decision.reason()).isEqualTo(DepthChange.Reason.QUEUE);
		assertThat(decision.gearIndex()).isEqualTo(2);
	}

}
