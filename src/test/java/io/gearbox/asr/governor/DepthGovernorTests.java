package io.gearbox.asr.governor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.gearbox.asr.governor.DepthChange.Direction;
import io.gearbox.asr.governor.DepthChange.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.withinPercentage;

/**
 * The governor's policy against a {@link FluidPlant}: load goes up and down, the governor only sees samples,
 * gauges and utilisation, and the tests assert the depths it chooses and how often it changes its mind.
 */
class DepthGovernorTests {

	private final FakeClock clock = new FakeClock();

	private final FluidPlant plant = new FluidPlant(this.clock);

	private final List<DepthChange> changes = new ArrayList<>();

	private DepthGovernor governor(FluidPlant plant, GovernorSettings settings) {
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), settings, plant.loadProbe(),
				List.of(plant.utilisationSource()), this.clock);
		governor.addListener(this.changes::add);
		return governor;
	}

	/** A governor that sees the plant's queue and its own measurements, no utilisation source. */
	private DepthGovernor governorOnTheQueueAlone(FluidPlant plant) {
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(),
				plant.loadProbe(), List.of(), this.clock);
		governor.addListener(this.changes::add);
		return governor;
	}

	/**
	 * A governor on 2 workers whose in-flight and queued requests are {@code served}'s two elements, which the test
	 * sets; no utilisation source; its changes in {@link #changes}.
	 */
	private DepthGovernor governorBehind(List<Integer> served) {
		LoadProbe probe = () -> new LoadProbe.Load(served.get(0), served.get(1), 2);
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(), probe, List.of(),
				this.clock);
		governor.addListener(this.changes::add);
		return governor;
	}

	/** The one change the governor made, which had this reason. */
	private DepthChange theOnlyChange(Reason reason) {
		assertThat(this.changes).hasSize(1);
		assertThat(this.changes.get(0).reason()).isEqualTo(reason);
		return this.changes.get(0);
	}

	private DepthGovernor governor() {
		return governor(this.plant, GovernorSettings.defaults());
	}

	/**
	 * A plant shaped like the service with its language model: the full decoder costs more than the acoustic model
	 * at the shallowest exit (0.03 against 0.0125 service seconds per audio second), so no exit decoded that way
	 * serves 2.5 times the full depth's capacity; the same exit decoded greedily serves it with room to spare.
	 */
	private FluidPlant decoderBoundPlant() {
		return new FluidPlant(this.clock).fullDecoderCost(0.03);
	}

	/**
	 * A governor whose ladder is one fast gear, the shallowest exit decoded greedily, below every exit with the full
	 * decoder; on the plant's signals, its changes in {@link #changes}.
	 */
	private DepthGovernor withFastGear(FluidPlant plant) {
		List<Gear> ladder = new ArrayList<>(List.of(Gear.fast(2)));
		FluidPlant.exits().forEach((exit) -> ladder.add(Gear.full(exit.depth())));
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), ladder, GovernorSettings.defaults(),
				plant.loadProbe(), List.of(plant.utilisationSource()), this.clock);
		governor.addListener(this.changes::add);
		return governor;
	}

	/**
	 * A plant whose beam search costs more on the shallow exits' flatter output, as the shipped model's does but
	 * more so: three times as much per audio second on exits 2 and 4 as on exit 12, a third more on exit 6, a tenth
	 * more on exit 8, so that exits 2 and 4 with the full decoder cost more than full depth.
	 */
	private FluidPlant shallowDecodingDearPlant() {
		return decoderBoundPlant().fullDecoderFactor((depth) -> switch (depth) {
			case 2, 4 -> 3.0;
			case 6 -> 1.33;
			case 8 -> 1.1;
			default -> 1.0;
		});
	}

	/**
	 * After {@code seconds} at 0.3x the governor serves full depth again, and every change it made on the way was a
	 * recovery.
	 */
	private void recoversToFullDepth(FluidPlant plant, DepthGovernor governor, int seconds) {
		this.changes.clear();
		plant.load(0.3);
		plant.seconds(governor, seconds);
		assertThat(governor.gear()).isEqualTo(Gear.full(12));
		assertThat(this.changes).extracting(DepthChange::reason).containsOnly(Reason.RECOVERY);
	}

	/** Thirty calm seconds at 0.3x, served at full depth, then a minute at {@code load} times its capacity. */
	private static void calmThenSpike(FluidPlant plant, DepthGovernor governor, double load) {
		plant.load(0.3);
		plant.seconds(governor, 30);
		assertThat(governor.gear()).isEqualTo(Gear.full(12));
		plant.load(load);
		plant.seconds(governor, 60);
	}

	/**
	 * A short queue turns a 4x spike away before its latency shows, so the governor moves on the offered load, and
	 * its first evaluation rates the arrivals over seconds most of which came before the spike: too low. Returns
	 * after thirty calm seconds, with the spike set to start.
	 */
	private DepthGovernor spikeBehindAShortQueue(FluidPlant plant) {
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), true, GovernorSettings.defaults(),
				plant.loadProbe(), List.of(plant.utilisationSource()), this.clock);
		governor.addListener(this.changes::add);
		plant.load(0.3);
		plant.seconds(governor, 30);
		plant.load(4);
		return governor;
	}

	@Test
	void aFirstMoveOnARateStillRisingIsCorrectedAtOnceNotAfterTheCooldown() {
		FluidPlant plant = shallowDecodingDearPlant().queueCapacity(2);
		DepthGovernor governor = spikeBehindAShortQueue(plant);
		plant.seconds(governor, 20);

		assertThat(this.changes).hasSize(2);
		DepthChange first = this.changes.get(0);
		DepthChange second = this.changes.get(1);
		assertThat(first.to()).as("the rate it saw was a third of the spike's").isEqualTo(Gear.fast(6));
		assertThat(second.to()).isEqualTo(Gear.fast(2));
		assertThat(second.reason()).isEqualTo(Reason.OVERLOAD);
		assertThat(Duration.between(first.at(), second.at()))
			.isLessThan(GovernorSettings.defaults().cooldown());
		assertThat(plant.backlog()).as("the lowest gear keeps up").isLessThan(2);
	}

	@Test
	void afterAnOperatorsPinTheCooldownHoldsEvenUnderOverload() {
		FluidPlant plant = shallowDecodingDearPlant().queueCapacity(2);
		DepthGovernor governor = spikeBehindAShortQueue(plant);
		plant.seconds(governor, 10);
		governor.pin(Gear.fast(6));
		governor.auto();
		this.changes.clear();

		plant.seconds(governor, 2);
		assertThat(this.changes).as("within the cooldown of the operator's change").isEmpty();
		assertThat(governor.snapshot().state()).isEqualTo(PolicyState.COOLING_DOWN);

		plant.seconds(governor, 2);
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.to()).isEqualTo(Gear.fast(2));
			assertThat(change.reason()).isEqualTo(Reason.OVERLOAD);
		});
	}

	@Test
	void theDefaultLadderDecodesTheShallowerHalfOfTheExitsGreedily() {
		assertThat(DepthGovernor.ladder(List.of(12, 2, 4, 6, 8, 10), true)).containsExactly(Gear.fast(2),
				Gear.fast(4), Gear.fast(6), Gear.full(4), Gear.full(6), Gear.full(8), Gear.full(10), Gear.full(12));
		assertThat(DepthGovernor.ladder(List.of(2, 4), true)).containsExactly(Gear.fast(2), Gear.full(4));
		assertThat(DepthGovernor.ladder(List.of(12), true)).containsExactly(Gear.fast(12), Gear.full(12));
		assertThat(DepthGovernor.ladder(List.of(4, 2), false)).containsExactly(Gear.full(2), Gear.full(4));
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), true, GovernorSettings.defaults(),
				new FluidPlant(this.clock).loadProbe(), List.of(), this.clock);
		assertThat(governor.gears()).isEqualTo(DepthGovernor.ladder(List.of(2, 4, 6, 8, 10, 12), true));
		// what pinning an exit without naming its decoding serves
		assertThat(governor.highestGearAt(2)).contains(Gear.fast(2));
		assertThat(governor.highestGearAt(6)).contains(Gear.full(6));
		assertThat(governor.highestGearAt(3)).isEmpty();
	}

	@Test
	void aLadderMustNameExitsAndNoGearTwice() {
		FluidPlant plant = new FluidPlant(this.clock);
		assertThatIllegalArgumentException().isThrownBy(() -> new DepthGovernor(FluidPlant.exits(),
				List.of(Gear.fast(3), Gear.full(12)), GovernorSettings.defaults(), plant.loadProbe(), List.of(),
				this.clock)).withMessageContaining("depth 3 is not an exit");
		assertThatIllegalArgumentException().isThrownBy(() -> new DepthGovernor(FluidPlant.exits(),
				List.of(Gear.full(12), Gear.full(12)), GovernorSettings.defaults(), plant.loadProbe(), List.of(),
				this.clock)).withMessageContaining("no gear twice");
		assertThatIllegalArgumentException().isThrownBy(() -> new DepthGovernor(FluidPlant.exits(), List.of(),
				GovernorSettings.defaults(), plant.loadProbe(), List.of(), this.clock))
			.withMessageContaining("at least one gear");
	}

	@Test
	void whereTheBeamSearchIsDearOnShallowExitsTheDefaultLadderShedsLoadThroughGreedyGearsAndComesBack() {
		FluidPlant plant = shallowDecodingDearPlant();
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), true, GovernorSettings.defaults(),
				plant.loadProbe(), List.of(plant.utilisationSource()), this.clock);
		governor.addListener(this.changes::add);
		calmThenSpike(plant, governor, 2.5);

		// one jump, to exit 6 decoded greedily: it serves 2.5x at an offered load of 0.87, under the high mark, where
		// exits 2 and 4 with the full decoder would be at 3.2 and 3.4
		assertThat(governor.gear()).isEqualTo(Gear.fast(6));
		assertThat(this.changes).hasSize(1);
		assertThat(plant.backlog()).as("the greedy gear keeps up").isLessThan(1);
		assertThat(this.changes).extracting(DepthChange::direction).containsOnly(Direction.DOWN);
		assertThat(this.changes).extracting(DepthChange::to)
			.as("never a shallow exit with the dear decoder").allMatch((gear) -> gear.isFast() || gear.depth() >= 6);

		recoversToFullDepth(plant, governor, 240);
	}

	@Test
	void whenNoExitKeepsUpWithTheFullDecoderItShiftsToTheFastGearAndBackWithoutFlapping() {
		FluidPlant plant = decoderBoundPlant();
		DepthGovernor governor = withFastGear(plant);
		assertThat(governor.gears()).first().isEqualTo(Gear.fast(2));
		calmThenSpike(plant, governor, 2.5);

		assertThat(governor.gear()).isEqualTo(Gear.fast(2));
		assertThat(plant.backlog()).as("the fast gear keeps up").isLessThan(1);
		assertThat(this.changes).extracting(DepthChange::direction).containsOnly(Direction.DOWN);
		assertThat(governor.snapshot().exits()).filteredOn((exit) -> exit.gear().equals(Gear.fast(2)))
			.singleElement()
			.satisfies((exit) -> assertThat(exit.costSecondsPerAudioSecond())
				.isCloseTo(FluidPlant.cost(2) + FluidPlant.FAST_DECODER_COST, withinPercentage(10)));

		this.changes.clear();
		plant.load(0.3);
		plant.seconds(governor, 180);

		assertThat(governor.gear()).isEqualTo(Gear.full(12));
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.reason()).isEqualTo(Reason.RECOVERY);
			assertThat(change.from()).isEqualTo(Gear.fast(2));
		});
	}

	@Test
	void withoutTheFastGearTheSameOverloadOutgrowsTheShallowestExit() {
		FluidPlant plant = decoderBoundPlant();
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(),
				plant.loadProbe(), List.of(plant.utilisationSource()), this.clock);
		plant.load(2.5);
		plant.seconds(governor, 60);

		assertThat(governor.gear()).isEqualTo(Gear.full(2));
		assertThat(governor.snapshot().state()).isEqualTo(PolicyState.AT_SHALLOWEST);
		assertThat(plant.backlog()).as("the queue grows without bound").isGreaterThan(100);
	}

	@Test
	void theFastGearsCostIsItsExitsMeasuredCostPlusGreedyDecodingBeforeItServesAnyRequest() {
		FluidPlant plant = decoderBoundPlant();
		DepthGovernor governor = withFastGear(plant);
		governor.pin(2);
		plant.load(0.3);
		plant.seconds(governor, 10);
		governor.pin(Gear.fast(2));
		plant.seconds(governor, 1);
		governor.pin(2);
		plant.seconds(governor, 10);

		Map<Gear, Double> cost = governor.snapshot().exits().stream()
			.collect(Collectors.toMap(GovernorSnapshot.ExitCost::gear,
					GovernorSnapshot.ExitCost::costSecondsPerAudioSecond));
		assertThat(cost.get(Gear.full(2))).isCloseTo(FluidPlant.cost(2) + 0.03, withinPercentage(5));
		assertThat(cost.get(Gear.fast(2))).isCloseTo(FluidPlant.cost(2) + FluidPlant.FAST_DECODER_COST,
				withinPercentage(5));
	}

	/**
	 * Priors proportional to the encoders (parameter counts) fit the encoders' costs, not what every exit pays before
	 * them. Reported apart, that front end is learned once and the shallow gears are predicted right from full-depth
	 * requests alone; counted in each exit's cost, the priors' shape scales it down with the encoder, and the
	 * shallowest exit looks a third cheaper than it is.
	 */
	@Test
	void aFrontEndReportedApartKeepsTheShallowGearsPredictionsRight() {
		Map<Boolean, Double> predicted = new HashMap<>();
		for (boolean reported : List.of(true, false)) {
			FluidPlant plant = decoderBoundPlant().frontEndCost(0.03, reported);
			DepthGovernor governor = withFastGear(plant);
			plant.load(0.3);
			plant.seconds(governor, 30);
			assertThat(governor.gear()).isEqualTo(Gear.full(12));
			predicted.put(reported, governor.snapshot().exits().stream()
				.filter((exit) -> exit.gear().equals(Gear.full(2)))
				.findFirst().orElseThrow().costSecondsPerAudioSecond());
		}
		double truth = 0.03 + FluidPlant.cost(2) + 0.03;
		assertThat(predicted.get(true)).isCloseTo(truth, withinPercentage(5));
		assertThat(predicted.get(false)).isLessThan(0.75 * truth);
	}

	@Test
	void aPinnedRequestDepthMeansTheFullDecoderAndAHintMayChooseTheFastGear() {
		FluidPlant plant = decoderBoundPlant();
		DepthGovernor governor = withFastGear(plant);
		plant.load(0.3);
		plant.seconds(governor, 10);

		assertThat(governor.gearFor(OptionalInt.of(2), OptionalLong.empty(), 4)).isEqualTo(Gear.full(2));
		assertThat(governor.gearFor(OptionalInt.empty(), OptionalLong.of(1), 4)).isEqualTo(Gear.fast(2));
		assertThat(governor.gearFor(OptionalInt.empty(), OptionalLong.of(60_000), 4)).isEqualTo(Gear.full(12));
		assertThatIllegalArgumentException().isThrownBy(() -> governor.pin(Gear.fast(4)))
			.withMessageContaining("not on the ladder");
	}

	@Test
	void servesFullDepthAtLowLoad() {
		DepthGovernor governor = governor();
		this.plant.load(0.3);
		this.plant.seconds(governor, 120);
		assertThat(governor.depth()).isEqualTo(12);
		assertThat(this.changes).isEmpty();
		assertThat(governor.snapshot().state()).isEqualTo(PolicyState.AT_DEEPEST);
	}

	@Test
	void spikeMovesShallowerWithinSeconds() {
		DepthGovernor governor = governor();
		this.plant.load(0.3);
		this.plant.seconds(governor, 30);
		this.plant.load(3);
		this.plant.seconds(governor, 3);
		assertThat(governor.depth()).isLessThan(12);
		assertThat(this.changes).first().satisfies((change) -> {
			assertThat(change.direction()).isEqualTo(Direction.DOWN);
			assertThat(change.from()).isEqualTo(Gear.full(12));
		});
	}

	@Test
	void arrivalsTurnedAwayByAShortQueueMoveTheDepthToAnExitThatKeepsUp() {
		// Four places in the queue: at 1.5x the full depth's capacity the queue stays full and turns the excess
		// away, while the requests it admits wait behind at most four others and finish well within the
		// objective. Only the arrivals, served and turned away, show that depth 12 cannot keep up: offered load
		// rho(d) = 15/s * 4 s * cost(d) / 2 workers = 0.15 + 0.1125 d, so 1.05 at depth 8, 0.825 at depth 6 and
		// 0.6 at depth 4. The governor jumps to depth 4 (6 if its first estimate of the arrival rate is low) and
		// holds there, both under the high mark 0.9.
		FluidPlant shortQueue = new FluidPlant(this.clock).queueCapacity(4);
		DepthGovernor governor = governorOnTheQueueAlone(shortQueue);
		shortQueue.load(1.5);
		shortQueue.seconds(governor, 5);
		assertThat(shortQueue.rejected()).isPositive();
		assertThat(governor.snapshot().signals().p95LatencySeconds().getAsDouble()).isLessThan(1.0);
		shortQueue.seconds(governor, 20);
		long rejectedWhileSettling = shortQueue.rejected();
		shortQueue.seconds(governor, 120);
		assertThat(shortQueue.rejected()).isEqualTo(rejectedWhileSettling);
		assertThat(governor.depth()).isBetween(4, 6);
		assertThat(theOnlyChange(Reason.OVERLOAD).from()).isEqualTo(Gear.full(12));
		GovernorSnapshot snapshot = governor.snapshot();
		assertThat(snapshot.signals().arrivalsPerSecond().getAsDouble()).isCloseTo(15.0, withinPercentage(5));
		assertThat(snapshot.exits().get(1).offeredLoad()).isCloseTo(0.6, withinPercentage(5));
		assertThat(snapshot.exits().get(3).offeredLoad()).isCloseTo(1.05, withinPercentage(5));
	}

	@Test
	void aSpikeAfterAQuietWindowShowsAsOverloadWithinSeconds() {
		// The same short queue at 1.5x, after half a minute at 0.2x. Over the whole 10 s window the arrival rate
		// would climb from 3/s to 15/s only as the window fills, offering depth 12 less than the 0.9 high mark
		// for about six seconds; over the last three 1 s buckets it is 15/s after three.
		FluidPlant shortQueue = new FluidPlant(this.clock).queueCapacity(4);
		DepthGovernor governor = governorOnTheQueueAlone(shortQueue);
		shortQueue.load(0.2);
		shortQueue.seconds(governor, 30);
		assertThat(this.changes).isEmpty();
		shortQueue.load(1.5);
		shortQueue.seconds(governor, 4);
		assertThat(theOnlyChange(Reason.OVERLOAD).to().depth()).isBetween(4, 6);
	}

	@Test
	void workersDescheduledNowAndThenAtHalfLoadAreNotMistakenForOverload() {
		// 64 requests a second of 0.25 s at depth 12 on 2 workers; 56 take the exit's cost, the last 8 five times
		// as long (a busy machine descheduling the worker). Busy time over the window: 1.5x the cost, an offered
		// load of 0.6. The cost model's scale just after 8 slow requests in a row says 3.3x, which would be 1.3.
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(),
				() -> LoadProbe.Load.idle(2), List.of(), this.clock);
		governor.addListener(this.changes::add);
		long fast = Math.round(FluidPlant.cost(12) * 0.25 * 1e9);
		for (int second = 0; second < 60; second++) {
			for (int i = 0; i < 64; i++) {
				long service = (i < 56) ? fast : 5 * fast;
				governor.recordAdmission();
				governor.record(new RequestSample(12, 0.25, 0, service, service));
			}
			this.clock.advance(Duration.ofSeconds(1));
			governor.evaluate();
		}
		assertThat(this.changes).isEmpty();
		GovernorSnapshot.ExitCost deepest = governor.snapshot().exits().get(5);
		assertThat(deepest.windowCostSecondsPerAudioSecond())
				.isCloseTo(1.5 * FluidPlant.cost(12), withinPercentage(5));
		assertThat(deepest.offeredLoad()).isCloseTo(64 * 0.25 * deepest.windowCostSecondsPerAudioSecond() / 2,
				withinPercentage(1));
		assertThat(deepest.costSecondsPerAudioSecond()).isGreaterThan(3 * FluidPlant.cost(12));
	}

	@Test
	void aStallThatLeavesAShortQueueAtHalfLoadIsNoReasonToShed() {
		// 20 requests a second of 1 s at depth 12 on 2 workers: an offered load of 0.5. Then the workers stall: the
		// last 5 requests take five times the exit's cost, and 24 requests queue behind 2 in flight for three
		// evaluations. Priced at the cost model's scale, which those 5 requests inflated 2.6 times, the backlog
		// predicts 1.7 s; at the window's busy time, 0.7 s, within the objective of 1 s.
		List<Integer> served = new ArrayList<>(List.of(0, 0));
		DepthGovernor governor = governorBehind(served);
		for (int second = 0; second < 10; second++) {
			for (int i = 0; i < 20; i++) {
				governor.recordAdmission();
				governor.record(sample(12, 1.0, 0.0));
			}
			this.clock.advance(Duration.ofSeconds(1));
			governor.evaluate();
		}
		long slow = Math.round(5 * FluidPlant.cost(12) * 1e9);
		for (int i = 0; i < 5; i++) {
			governor.recordAdmission();
			governor.record(new RequestSample(12, 1.0, 0, slow, slow));
		}
		served.set(0, 2);
		served.set(1, 24);
		for (int i = 0; i < 3; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			governor.evaluate();
		}
		assertThat(this.changes).isEmpty();
		GovernorSnapshot.ExitCost deepest = governor.snapshot().exits().get(5);
		assertThat(deepest.costSecondsPerAudioSecond()).isGreaterThan(2.5 * FluidPlant.cost(12));
		assertThat(deepest.windowCostSecondsPerAudioSecond()).isLessThan(1.2 * FluidPlant.cost(12));
		assertThat(deepest.predictedLatencySeconds()).isGreaterThan(1.0);
	}

	@Test
	void aLullCountsOnlyOnceTheWindowHasForgottenTheLoad() {
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(),
				() -> LoadProbe.Load.idle(2), List.of(), this.clock);
		for (int second = 0; second < 20; second++) {
			for (int i = 0; i < (second < 17 ? 30 : 0); i++) {
				governor.recordAdmission();
			}
			this.clock.advance(Duration.ofSeconds(1));
		}
		governor.evaluate();
		// 30/s for 7 of the window's 10 s, then nothing for 3: the window's 21/s, not the last buckets' 0
		assertThat(governor.snapshot().signals().arrivalsPerSecond().getAsDouble()).isCloseTo(21.0,
				withinPercentage(12));
	}

	@Test
	void aQueueDrainingFasterThanRequestsArriveIsNotMistakenForArrivals() {
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(),
				() -> LoadProbe.Load.idle(2), List.of(), this.clock);
		for (int second = 0; second < 10; second++) {
			for (int i = 0; i < 20; i++) {
				governor.record(sample(4, 4.0, 0.0));
			}
			for (int i = 0; i < 5; i++) {
				governor.recordAdmission();
			}
			this.clock.advance(Duration.ofSeconds(1));
		}
		governor.evaluate();
		assertThat(governor.snapshot().signals().arrivalsPerSecond().getAsDouble()).isCloseTo(5.0,
				withinPercentage(12));
	}

	@Test
	void aFewRequestsRightAfterTheStartAreNoArrivalRate() {
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), GovernorSettings.defaults(),
				() -> LoadProbe.Load.idle(2), List.of(), this.clock);
		this.clock.advance(Duration.ofMillis(100));
		for (int i = 0; i < 25; i++) { // more than minSamples: only the half window keeps this from being a rate
			governor.recordAdmission();
			governor.record(sample(12, 4.0, 0.0));
		}
		governor.evaluate();
		assertThat(governor.snapshot().signals().arrivalsPerSecond()).isEmpty();
		assertThat(governor.snapshot().exits()).allSatisfy((exit) -> assertThat(exit.offeredLoad()).isNaN());
		this.clock.advance(Duration.ofSeconds(5));
		governor.recordAdmission();
		governor.record(sample(12, 4.0, 0.0));
		governor.evaluate();
		assertThat(governor.snapshot().signals().arrivalsPerSecond().getAsDouble()).isCloseTo(26 / 5.1,
				withinPercentage(1));
		assertThat(governor.depth()).isEqualTo(12);
	}

	@Test
	void queueBuildUpJumpsStraightToTheDeepestExitPredictedToMeetTheObjective() {
		List<Integer> served = new ArrayList<>(List.of(0, 0));
		DepthGovernor governor = governorBehind(served);
		// Three requests a second for ten seconds: an offered load of 3/s * 4 s * cost(d) / 2, far from overload.
		for (int i = 0; i < 30; i++) {
			governor.record(sample(12, 4.0, 0.0));
			if (i % 3 == 2) {
				this.clock.advance(Duration.ofSeconds(1));
			}
		}
		// 10 queued + 2 in flight on 2 workers: a new request waits for 11 requests of 4 s of audio, 5.5 per
		// worker, i.e. 22 s of audio, plus its own 4 s: latency(d) = 26 · cost(d), within 0.8 s up to depth 6.
		// The backlog is smoothed over a second: a queue that lasts two evaluations is believed.
		served.set(0, 2);
		served.set(1, 10);
		for (int i = 0; i < 3; i++) {
			this.clock.advance(Duration.ofSeconds(1));
			governor.evaluate();
		}
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.from()).isEqualTo(Gear.full(12));
			assertThat(change.to()).isEqualTo(Gear.full(6));
			assertThat(change.reason()).isEqualTo(Reason.QUEUE);
		});
	}

	@Test
	void sustainedOverloadStaysShallowWithoutOscillating() {
		DepthGovernor governor = governor();
		this.plant.load(0.3);
		this.plant.seconds(governor, 20);
		this.plant.load(3);
		this.plant.seconds(governor, 600);
		assertThat(governor.depth()).isLessThanOrEqualTo(4);
		assertThat(this.changes).extracting(DepthChange::direction).containsOnly(Direction.DOWN);
		assertThat(this.changes).hasSizeLessThanOrEqualTo(3);
		assertThat(this.plant.backlog()).isZero();
	}

	@Test
	void recoveryJumpsAfterOneDwellStraightBackToFullDepthWhenTheLoadIsLow() {
		DepthGovernor governor = governor();
		this.plant.load(3);
		this.plant.seconds(governor, 60);
		int shallow = governor.depth();
		assertThat(shallow).isLessThanOrEqualTo(4);
		this.changes.clear();
		this.plant.load(0.3);
		this.plant.seconds(governor, 9);
		assertThat(governor.depth()).as("nothing deeper before the dwell").isEqualTo(shallow);
		this.plant.seconds(governor, 120);
		assertThat(governor.depth()).isEqualTo(12);
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.reason()).isEqualTo(Reason.RECOVERY);
			assertThat(change.from().depth()).isEqualTo(shallow);
			assertThat(change.detail()).contains("deepest gear 12");
		});
	}

	@Test
	void recoveryStopsAtTheDeepestGearPredictedToKeepUpAndStaysThere() {
		DepthGovernor governor = governor();
		this.plant.load(3);
		this.plant.seconds(governor, 60);
		this.changes.clear();
		// Full depth would take 0.90 of the workers' time, exit 10 0.77, both above the mid mark (0.75); exit 8 0.63.
		this.plant.load(0.85);
		this.plant.seconds(governor, 180);
		assertThat(governor.depth()).isEqualTo(8);
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.reason()).isEqualTo(Reason.RECOVERY);
			assertThat(change.detail()).contains("deepest gear that keeps up: 8 predicted at 0.141 s, offered load 0.63");
		});
		assertThat(governor.snapshot().lastDecision()).isEqualTo("next exit predicted at offered load 0.77 > mid mark 0.75");
	}

	@Test
	void returnsToFullDepthAfterASpikeEvenWhenDeepExitsWereMeasuredUnderLoad() {
		DepthGovernor governor = governor();
		this.plant.load(0.3);
		this.plant.seconds(governor, 30);
		// Another job takes the CPU while traffic spikes: every request, full depth included, runs 3x slower.
		this.plant.slowdown(3);
		this.plant.load(1.5);
		this.plant.seconds(governor, 60);
		int shallow = governor.depth();
		assertThat(shallow).isLessThanOrEqualTo(4);
		assertThat(governor.snapshot().exits()).filteredOn((exit) -> exit.depth() == 12)
			.singleElement()
			.satisfies((exit) -> assertThat(exit.measured()).isTrue());
		this.changes.clear();
		this.plant.slowdown(1);
		this.plant.load(0.5);
		// One dwell per step deeper, plus the window for the spike's latencies to leave it.
		int steps = governor.depths().size() - 1 - governor.depths().indexOf(shallow);
		GovernorSettings settings = GovernorSettings.defaults();
		long bound = steps * settings.dwell().toSeconds() + settings.window().toSeconds() + 5;
		this.plant.seconds(governor, (int) bound);
		assertThat(governor.depth()).isEqualTo(12);
		assertThat(this.changes).extracting(DepthChange::reason).containsOnly(Reason.RECOVERY);
		assertThat(governor.snapshot().exits()).filteredOn((exit) -> exit.depth() == 12)
			.singleElement()
			.satisfies((exit) -> assertThat(exit.costSecondsPerAudioSecond())
				.isCloseTo(FluidPlant.cost(12), withinPercentage(10)));
	}

	@Test
	void aPessimisticPriorDoesNotHoldTheServiceShallowWithoutLoad() {
		List<ExitPrior> pessimistic = FluidPlant.exits()
			.stream()
			.map((exit) -> new ExitPrior(exit.depth(), 10 * exit.priorCostSecondsPerAudioSecond()))
			.toList();
		DepthGovernor governor = new DepthGovernor(pessimistic, GovernorSettings.defaults(),
				this.plant.loadProbe(), List.of(this.plant.utilisationSource()), this.clock);
		governor.addListener(this.changes::add);
		// By the prior a lone request at full depth would take 2.5 s, over the 1 s objective; nothing measured it.
		this.plant.seconds(governor, 30);
		assertThat(governor.depth()).isEqualTo(12);
		this.plant.load(0.3);
		this.plant.seconds(governor, 60);
		assertThat(governor.depth()).isEqualTo(12);
		assertThat(this.changes).isEmpty();
		assertThat(governor.snapshot().exits()).allSatisfy((exit) -> assertThat(exit.costSecondsPerAudioSecond())
			.isCloseTo(FluidPlant.cost(exit.depth()), withinPercentage(5)));
	}

	@Test
	void noisySignalsAroundTheHighMarkDoNotMakeItFlap() {
		FluidPlant noisy = new FluidPlant(this.clock, 42, 0.08);
		DepthGovernor governor = governor(noisy, GovernorSettings.defaults());
		noisy.load(0.9);
		noisy.seconds(governor, 900);
		assertThat(this.changes).hasSizeLessThanOrEqualTo(2);
		assertThat(this.changes).extracting(DepthChange::direction).doesNotContain(Direction.UP);
	}

	@Test
	void noisySignalsAroundTheLowMarkDoNotMakeItFlap() {
		FluidPlant noisy = new FluidPlant(this.clock, 7, 0.08);
		DepthGovernor governor = governor(noisy, GovernorSettings.defaults());
		noisy.load(3);
		noisy.seconds(governor, 30);
		this.changes.clear();
		noisy.load(0.65);
		noisy.seconds(governor, 900);
		long reversals = 0;
		for (int i = 1; i < this.changes.size(); i++) {
			if (this.changes.get(i).direction() != this.changes.get(i - 1).direction()) {
				reversals++;
			}
		}
		assertThat(reversals).isLessThanOrEqualTo(1);
		assertThat(this.changes).hasSizeLessThanOrEqualTo(6);
	}

	@Test
	void pinHoldsTheDepthWhateverTheLoadAndAutoHandsItBack() {
		DepthGovernor governor = governor();
		governor.pin(8);
		assertThat(governor.depth()).isEqualTo(8);
		assertThat(governor.mode()).isEqualTo(GovernorMode.PINNED);
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.reason()).isEqualTo(Reason.PIN);
			assertThat(change.direction()).isEqualTo(Direction.DOWN);
		});
		this.plant.load(3);
		this.plant.seconds(governor, 30);
		assertThat(governor.depth()).isEqualTo(8);
		assertThat(governor.snapshot().state()).isEqualTo(PolicyState.PINNED);
		governor.auto();
		assertThat(governor.mode()).isEqualTo(GovernorMode.AUTO);
		assertThat(governor.depth()).as("re-decided at once, without waiting for the next evaluation")
			.isLessThan(8);
	}

	@Test
	void pinningTheCurrentDepthChangesTheModeButReportsNoChange() {
		DepthGovernor governor = governor();
		governor.pin(12);
		assertThat(governor.mode()).isEqualTo(GovernorMode.PINNED);
		assertThat(this.changes).isEmpty();
	}

	@Test
	void pinRejectsADepthThatIsNotAnExit() {
		DepthGovernor governor = governor();
		assertThatIllegalArgumentException().isThrownBy(() -> governor.pin(7)).withMessageContaining("7");
		assertThat(governor.mode()).isEqualTo(GovernorMode.AUTO);
	}

	/**
	 * Word error rates for the plant's exits, on the full decoder: exit 6 is where accuracy stops paying for its
	 * cost, as with a model whose shallow exits are far less accurate than the deep ones, which differ little.
	 */
	private static final Map<Gear, Double> WORD_ERROR_RATES = Map.of(Gear.full(2), 0.85, Gear.full(4), 0.70,
			Gear.full(6), 0.45, Gear.full(8), 0.40, Gear.full(10), 0.36, Gear.full(12), 0.34);

	private static final GovernorSettings CORRECT_ANSWERS = GovernorSettings.defaults().toBuilder()
		.maximise(Maximise.CORRECT_ANSWERS)
		.build();

	private DepthGovernor rated(FluidPlant plant, GovernorSettings settings) {
		List<Gear> ladder = FluidPlant.exits().stream().map((exit) -> Gear.full(exit.depth())).toList();
		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), ladder, WORD_ERROR_RATES, settings,
				plant.loadProbe(), List.of(plant.utilisationSource()), this.clock);
		governor.addListener(this.changes::add);
		return governor;
	}

	@Test
	void underSustainedOverloadMaximisingCorrectAnswersHoldsTheGearThatGetsTheMostWordsRightAndSheds() {
		// at 3x full depth's capacity exit 6 serves 74% of the arrivals at 55% accuracy (0.41 of their words right
		// on time), exit 8 61% at 60% (0.36), full depth 33% at 66% (0.22), exit 2, the one that keeps up, all of
		// them at 15%
		FluidPlant plant = new FluidPlant(this.clock).queueCapacity(32).queueDeadline(0.5);
		DepthGovernor governor = rated(plant, CORRECT_ANSWERS);
		calmThenSpike(plant, governor, 3);
		plant.seconds(governor, 240);

		assertThat(governor.gear()).isEqualTo(Gear.full(6));
		assertThat(governor.snapshot().state()).isEqualTo(PolicyState.SHEDDING);
		assertThat(plant.rejected()).as("the excess is turned away").isPositive();
		assertThat(this.changes).as("no flapping").hasSizeLessThanOrEqualTo(3);

		recoversToFullDepth(plant, governor, 60);
	}

	@Test
	void theSameOverloadMaximisingAnswersShedsToTheGearThatKeepsUp() {
		FluidPlant plant = new FluidPlant(this.clock).queueCapacity(32).queueDeadline(0.5);
		DepthGovernor governor = rated(plant, GovernorSettings.defaults());
		calmThenSpike(plant, governor, 3);
		plant.seconds(governor, 240);

		assertThat(governor.gear()).isEqualTo(Gear.full(2));
		assertThat(governor.snapshot().exits()).extracting(GovernorSnapshot.ExitCost::wordErrorRate)
			.as("operators see the rates either way")
			.containsExactly(0.85, 0.70, 0.45, 0.40, 0.36, 0.34);
	}

	@Test
	void maximisingCorrectAnswersNeedsEveryGearsWordErrorRate() {
		List<Gear> ladder = List.of(Gear.full(2), Gear.full(12));
		Map<Gear, Double> onlyFullDepth = Map.of(Gear.full(12), 0.34);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DepthGovernor(FluidPlant.exits(), ladder, onlyFullDepth, CORRECT_ANSWERS,
					this.plant.loadProbe(), List.of(), this.clock))
			.withMessageContaining("needs the word error rate of every gear")
			.withMessageContaining("none for [2]");

		DepthGovernor governor = new DepthGovernor(FluidPlant.exits(), ladder, onlyFullDepth,
				GovernorSettings.defaults(), this.plant.loadProbe(), List.of(), this.clock);
		assertThatIllegalArgumentException().isThrownBy(() -> governor.updateSettings(CORRECT_ANSWERS));
		assertThat(governor.settings().maximise()).as("nothing applied").isEqualTo(Maximise.ANSWERS);
		assertThat(governor.snapshot().exits()).extracting(GovernorSnapshot.ExitCost::wordErrorRate)
			.containsExactly(Double.NaN, 0.34);
	}

	@Test
	void aWordErrorRateMustBeANumberAtLeastZero() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DepthGovernor(FluidPlant.exits(), List.of(Gear.full(12)),
					Map.of(Gear.full(12), -0.1), GovernorSettings.defaults(), this.plant.loadProbe(), List.of(),
					this.clock))
			.withMessageContaining("must be >= 0");
	}

	@Test
	void tighterObjectiveTakesEffectAtOnce() {
		DepthGovernor governor = governor();
		this.plant.load(0.5);
		this.plant.seconds(governor, 20);
		assertThat(governor.depth()).isEqualTo(12);
		governor.updateSettings(GovernorSettings.defaults().toBuilder().latencySlo(Duration.ofMillis(150)).build());
		assertThat(governor.settings().latencySlo()).isEqualTo(Duration.ofMillis(150));
		assertThat(governor.depth()).isLessThan(12);
		assertThat(this.changes).singleElement().extracting(DepthChange::reason).isEqualTo(Reason.LATENCY);
	}

	@Test
	void explicitDepthPinsTheRequestWhateverTheDefault() {
		DepthGovernor governor = governor();
		governor.pin(4);
		assertThat(depthFor(governor, OptionalInt.of(12), OptionalLong.empty())).isEqualTo(12);
		assertThat(depthFor(governor, OptionalInt.empty(), OptionalLong.empty())).isEqualTo(4);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> depthFor(governor, OptionalInt.of(5), OptionalLong.empty()))
			.withMessageContaining("depth 5");
	}

	@Test
	void latencyHintOnlyEverMakesTheAnswerShallower() {
		DepthGovernor governor = governor();
		this.plant.load(0.3);
		this.plant.seconds(governor, 20);
		assertThat(depthFor(governor, OptionalInt.empty(), OptionalLong.of(60_000))).isEqualTo(12);
		// A typical request (4 s of audio, no queue) costs 4 · cost(d): 0.2 s at depth 12, 0.11 s at 6.
		assertThat(depthFor(governor, OptionalInt.empty(), OptionalLong.of(120))).isEqualTo(6);
		assertThat(depthFor(governor, OptionalInt.empty(), OptionalLong.of(1))).isEqualTo(2);
		assertThat(governor.gearFor(OptionalInt.empty(), OptionalLong.of(120), 1.0).depth()).isEqualTo(12);
		governor.pin(6);
		assertThat(depthFor(governor, OptionalInt.empty(), OptionalLong.of(60_000))).isEqualTo(6);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> depthFor(governor, OptionalInt.empty(), OptionalLong.of(0)))
			.withMessageContaining("maxLatencyMillis");
	}

	@Test
	void aFailingListenerDoesNotKeepOthersFromHearingOfTheChange() {
		DepthGovernor governor = governor();
		List<DepthChange> heard = new ArrayList<>();
		governor.addListener((change) -> {
			throw new IllegalStateException("broken listener");
		});
		governor.addListener(heard::add);
		governor.pin(2);
		assertThat(governor.depth()).isEqualTo(2);
		assertThat(heard).hasSize(1);
	}

	@Test
	void snapshotShowsDepthModeLastChangeSignalsAndTheCostTable() {
		DepthGovernor governor = governor();
		this.plant.load(3);
		this.plant.seconds(governor, 10);
		GovernorSnapshot snapshot = governor.snapshot();
		assertThat(snapshot.depth()).isEqualTo(governor.depth());
		assertThat(snapshot.mode()).isEqualTo(GovernorMode.AUTO);
		assertThat(snapshot.lastChange()).hasValueSatisfying((change) -> {
			assertThat(change.to()).isEqualTo(governor.gear());
			assertThat(change.detail()).isNotBlank();
		});
		assertThat(snapshot.signals().p95LatencySeconds()).isPresent();
		assertThat(snapshot.signals().utilisation()).isPresent();
		assertThat(snapshot.signals().workers()).isEqualTo(FluidPlant.WORKERS);
		assertThat(snapshot.signals().sources()).extracting(SourceStatus::name)
			.containsExactly("plant-utilisation", SourceStatus.LOAD_PROBE_NAME);
		assertThat(snapshot.exits()).extracting(GovernorSnapshot.ExitCost::depth)
			.containsExactly(2, 4, 6, 8, 10, 12);
		assertThat(snapshot.exits()).filteredOn(GovernorSnapshot.ExitCost::measured).isNotEmpty();
		assertThat(snapshot.exits()).allSatisfy((exit) -> assertThat(exit.predictedLatencySeconds()).isPositive());
	}

	/** The exit {@code governor} answers a typical request of the plant's ({@link FluidPlant#AUDIO_SECONDS}) with. */
	private static int depthFor(DepthGovernor governor, OptionalInt requested, OptionalLong hint) {
		return governor.gearFor(requested, hint, FluidPlant.AUDIO_SECONDS).depth();
	}

	static RequestSample sample(int depth, double audioSeconds, double waitSeconds) {
		long service = Math.round(FluidPlant.cost(depth) * audioSeconds * 1e9);
		long wait = Math.round(waitSeconds * 1e9);
		return new RequestSample(depth, audioSeconds, wait, service, wait + service);
	}

}
