package io.gearbox.asr.governor;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class CostModelTests {

	private final CostModel model = new CostModel(
			List.of(new ExitPrior(12, 0.06), new ExitPrior(2, 0.01), new ExitPrior(6, 0.03)), 0.1);

	@Test
	void usesThePriorsUntilAnExitIsMeasured() {
		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.depths()).containsExactly(2, 6, 12);
		assertThat(estimates.costSecondsPerAudioSecond()).containsExactly(0.01, 0.03, 0.06);
		assertThat(estimates.samples()).containsOnly(0L);
	}

	@Test
	void learnsServiceSecondsPerAudioSecondFromSamples() {
		for (int i = 0; i < 50; i++) {
			this.model.record(sample(12, 4.0, 0.2), 0);
		}
		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.cost(2)).isCloseTo(0.05, within(1e-9));
		assertThat(estimates.samples()[2]).isEqualTo(50);
	}

	@Test
	void scalesTheUnmeasuredPriorsByWhatTheMeasuredExitsShowed() {
		for (int i = 0; i < 10; i++) {
			this.model.record(sample(12, 2.0, 0.06), 0);
		}
		// Depth 12 measured at half its prior: this machine is twice as fast as assumed.
		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.cost(2)).isCloseTo(0.03, within(1e-9));
		assertThat(estimates.cost(0)).isCloseTo(0.005, within(1e-9));
		assertThat(estimates.cost(1)).isCloseTo(0.015, within(1e-9));
	}

	/** A request of 4 s of audio, no queueing, no front end reported, served in {@code serviceNanos}. */
	private void serveFourSeconds(int depth, Gear.Decoding decoding, long serviceNanos, long decodingNanos) {
		this.model.record(new RequestSample(depth, decoding, 4.0, 0, serviceNanos, 0, decodingNanos, serviceNanos),
				0);
	}

	@Test
	void decodingTimeCountsAgainstItsDecoderNotTheExit() {
		for (int i = 0; i < 50; i++) {
			// 4 s at depth 12: 0.2 s of service, of which 0.08 s decoding with the full decoder
			serveFourSeconds(12, Gear.Decoding.FULL, 200_000_000L, 80_000_000L);
		}
		serveFourSeconds(12, Gear.Decoding.FAST, 120_400_000L, 400_000L);

		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.cost(2)).isCloseTo(0.03, within(1e-9));
		assertThat(estimates.decoder(2, Gear.Decoding.FULL)).isCloseTo(0.02, within(1e-9));
		assertThat(estimates.decoder(2, Gear.Decoding.FAST)).isCloseTo(0.0001, within(1e-9));
	}

	@Test
	void eachExitLearnsItsOwnDecoderCostAndAnUnmeasuredOneBorrowsTheNearestExits() {
		// The beam search keeps more prefixes alive on a shallow exit's flatter output: here three times the cost.
		for (int i = 0; i < 50; i++) {
			serveFourSeconds(12, Gear.Decoding.FULL, 200_000_000L, 80_000_000L);
			serveFourSeconds(2, Gear.Decoding.FULL, 300_000_000L, 240_000_000L);
		}

		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.decoder(0, Gear.Decoding.FULL)).isCloseTo(0.06, within(1e-9));
		assertThat(estimates.decoder(2, Gear.Decoding.FULL)).isCloseTo(0.02, within(1e-9));
		// depth 6 lies as near to depth 2 as to depth 12: it borrows the shallower one's, the dearer guess
		assertThat(estimates.decoder(1, Gear.Decoding.FULL)).isCloseTo(0.06, within(1e-9));
		// nothing decoded greedily yet: free until measured
		assertThat(estimates.decoder(1, Gear.Decoding.FAST)).isZero();
	}

	@Test
	void theFrontEndIsLearnedOnceForEveryExitAndLeavesTheShapesToTheEncoders() {
		for (int i = 0; i < 50; i++) {
			// 4 s at depth 12: 0.32 s of service, 0.12 s of it upload decoding and features, 0.08 s decoding
			this.model.record(new RequestSample(12, Gear.Decoding.FULL, 4.0, 0, 320_000_000L, 120_000_000L,
					80_000_000L, 320_000_000L), 0);
		}

		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.frontEndSecondsPerAudioSecond()).isCloseTo(0.03, within(1e-9));
		// the encoder at depth 12 measured 0.03; depth 2's prior is a sixth of it, and so is its estimate
		assertThat(estimates.cost(2)).isCloseTo(0.03, within(1e-9));
		assertThat(estimates.cost(0)).isCloseTo(0.005, within(1e-9));
	}

	@Test
	void followsACostThatChanges() {
		for (int i = 0; i < 50; i++) {
			this.model.record(sample(6, 1.0, 0.03), 0);
		}
		for (int i = 0; i < 50; i++) {
			this.model.record(sample(6, 1.0, 0.06), 0);
		}
		assertThat(this.model.estimates().cost(1)).isCloseTo(0.06, within(0.001));
	}

	@Test
	void shallowSamplesUpdateTheCostPredictedForDeepExits() {
		// Depth 12 measured while the machine was three times slower than its prior ...
		for (int i = 0; i < 30; i++) {
			this.model.record(sample(12, 1.0, 0.18), seconds(i));
		}
		assertThat(this.model.estimates().cost(2)).isCloseTo(0.18, within(1e-9));
		// ... then only depth 2 serves, at its prior: the machine is back to normal, for depth 12 too.
		for (int i = 0; i < 60; i++) {
			this.model.record(sample(2, 1.0, 0.01), seconds(30 + i));
		}
		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.cost(0)).isCloseTo(0.01, within(0.0005));
		assertThat(estimates.cost(2)).isCloseTo(0.06, within(0.003));
		assertThat(estimates.cost(1)).isCloseTo(0.03, within(0.0015));
		assertThat(estimates.samples()).containsExactly(60L, 0L, 30L);
	}

	@Test
	void oneExitServingAloneMovesTheScaleNotTheShape() {
		// Depth 2 costs half again its parameter-proportional prior (a fixed front end); nothing else serves.
		for (int i = 0; i < 200; i++) {
			this.model.record(sample(2, 1.0, 0.015), seconds(i));
		}
		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.cost(0)).isCloseTo(0.015, within(1e-6));
		assertThat(estimates.cost(2) / estimates.cost(0)).isCloseTo(6.0, within(1e-6));
		assertThat(estimates.shape()).containsExactly(new double[] { 1.0 / 6, 0.5, 1.0 }, within(1e-6));
	}

	@Test
	void learnsTheRatioOfExitsFromRequestsServedAtAboutTheSameTime() {
		// Depths 2 and 12 take turns; depth 2 costs 0.015, a quarter of depth 12 (the prior says a sixth).
		for (int i = 0; i < 400; i++) {
			boolean deep = i % 2 == 0;
			this.model.record(sample(deep ? 12 : 2, 1.0, deep ? 0.06 : 0.015), seconds(i) / 4);
		}
		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.cost(0)).isCloseTo(0.015, within(0.0005));
		assertThat(estimates.cost(2)).isCloseTo(0.06, within(0.002));
		// Depth 6 never served: its prior, scaled to the mean correction of the measured exits.
		assertThat(estimates.cost(1)).isBetween(0.03, 0.045);
	}

	@Test
	void aScaleMeasuredLongAgoTeachesNothingAboutTheShape() {
		for (int i = 0; i < 30; i++) {
			this.model.record(sample(12, 1.0, 0.06), seconds(i));
		}
		// An hour later depth 2 comes back three times dearer than the prior: the machine is slower now, for all.
		for (int i = 0; i < 30; i++) {
			this.model.record(sample(2, 1.0, 0.03), seconds(3_600 + i));
		}
		CostModel.Estimates estimates = this.model.estimates();
		assertThat(estimates.cost(0)).isCloseTo(0.03, within(0.001));
		assertThat(estimates.cost(2) / estimates.cost(0)).isCloseTo(6.0, within(0.2));
	}

	@Test
	void ignoresUnknownDepthsAndNearlyEmptyAudio() {
		this.model.record(sample(7, 1.0, 5.0), 0);
		this.model.record(sample(6, 0.01, 5.0), 0);
		assertThat(this.model.estimates().samples()).containsOnly(0L);
	}

	@Test
	void rejectsRepeatedDepths() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CostModel(List.of(new ExitPrior(4, 0.1), new ExitPrior(4, 0.2)), 0.1))
			.withMessageContaining("4 repeats");
	}

	@Test
	void parameterProportionalPriorsScaleToTheDeepestExit() {
		List<ExitPrior> priors = ExitPrior.parameterProportional(Map.of(12, 3_000_000L, 2, 1_000_000L), 0.06);
		assertThat(priors).extracting(ExitPrior::depth).containsExactly(2, 12);
		assertThat(priors.get(0).priorCostSecondsPerAudioSecond()).isCloseTo(0.02, within(1e-12));
		assertThat(priors.get(1).priorCostSecondsPerAudioSecond()).isCloseTo(0.06, within(1e-12));
	}

	private static long seconds(double seconds) {
		return Math.round(seconds * 1e9);
	}

	private static RequestSample sample(int depth, double audioSeconds, double serviceSeconds) {
		long service = Math.round(serviceSeconds * 1e9);
		return new RequestSample(depth, audioSeconds, 0, service, service);
	}

}
