package io.gearbox.asr.governor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

/**
 * A small fluid model of the service for the governor's tests: requests of {@link #AUDIO_SECONDS} arrive at a
 * set rate and are served by {@link #WORKERS} workers at the governor's current depth, each second. The backlog
 * grows when the offered load exceeds capacity and drains otherwise; latency is the wait behind the backlog plus
 * the service time. Optional seeded noise perturbs latency and utilisation; a slowdown multiplies every service
 * time (CPU contention from another job). An optional admission queue capacity turns away the arrivals that
 * find it full, as the service's 503s do, and reports each to the governor. An optional decoder cost is added to
 * every request served with the full decoder (as the service's beam search with its language model costs), while
 * optionally more on the shallow exits than on the deep ones ({@link #fullDecoderFactor}), while greedy decoding
 * costs {@link #FAST_DECODER_COST}; each request reports its decoding time apart.
 * An optional front-end cost (the upload's decoding and features, the same at every exit) is added to every request
 * and reported apart or not.
 */
final class FluidPlant {

	static final int WORKERS = 2;

	static final double AUDIO_SECONDS = 4.0;

	/** Service seconds per audio second of greedy decoding. */
	static final double FAST_DECODER_COST = 0.0002;

	/** The true cost of an exit, in service seconds per audio second; the priors in {@link #exits()} match. */
	static double cost(int depth) {
		return 0.005 + 0.00375 * depth;
	}

	static List<ExitPrior> exits() {
		List<ExitPrior> exits = new ArrayList<>();
		for (int depth = 2; depth <= 12; depth += 2) {
			exits.add(new ExitPrior(depth, cost(depth)));
		}
		return exits;
	}

	private final FakeClock clock;

	private final Random random;

	private final double noise;

	private double ratePerSecond;

	private double slowdown = 1;

	private double fullDecoderCost;

	private IntToDoubleFunction fullDecoderFactor = (depth) -> 1;

	private double frontEndCost;

	private boolean frontEndReported;

	private double queueCapacity = Double.POSITIVE_INFINITY;

	private double queueDeadlineSeconds = Double.POSITIVE_INFINITY;

	private long rejected;

	private double backlog;

	private double utilisation;

	private int inFlight;

	FluidPlant(FakeClock clock, long seed, double noise) {
		this.clock = clock;
		this.random = new Random(seed);
		this.noise = noise;
	}

	FluidPlant(FakeClock clock) {
		this(clock, 1, 0);
	}

	/** Offers {@code multipleOfFullDepthCapacity} times what the deepest exit, with the full decoder, can serve. */
	void load(double multipleOfFullDepthCapacity) {
		this.ratePerSecond = multipleOfFullDepthCapacity * WORKERS / ((this.frontEndCost + cost(12)
				+ this.fullDecoderCost * this.fullDecoderFactor.applyAsDouble(12)) * AUDIO_SECONDS);
	}

	/** Turns away, from now on, the arrivals that find {@code capacity} requests already waiting. */
	FluidPlant queueCapacity(int capacity) {
		this.queueCapacity = capacity;
		return this;
	}

	/**
	 * Turns away, from now on, the requests that would wait longer than {@code seconds} for a worker, as the
	 * service's queue deadline does (there they are answered 503 when a worker reaches them; here they never
	 * enter the queue).
	 */
	FluidPlant queueDeadline(double seconds) {
		this.queueDeadlineSeconds = seconds;
		return this;
	}

	/** Requests turned away so far. */
	long rejected() {
		return this.rejected;
	}

	/** Adds {@code cost} service seconds per audio second to every request decoded with the full decoder. */
	FluidPlant fullDecoderCost(double cost) {
		this.fullDecoderCost = cost;
		return this;
	}

	/**
	 * Multiplies the full decoder's cost by {@code factor(depth)} at each exit, as a beam search costs more on a
	 * shallow exit's flatter output; the load multiples stay relative to the deepest exit's.
	 */
	FluidPlant fullDecoderFactor(IntToDoubleFunction factor) {
		this.fullDecoderFactor = factor;
		return this;
	}

	/**
	 * Adds {@code cost} service seconds per audio second to every request, before its encoder; requests report that
	 * part apart when {@code reported}.
	 */
	FluidPlant frontEndCost(double cost, boolean reported) {
		this.frontEndCost = cost;
		this.frontEndReported = reported;
		return this;
	}

	/** Makes every request {@code factor} times slower than its exit's cost, from now on. */
	void slowdown(double factor) {
		this.slowdown = factor;
	}

	/** Runs one second at the governor's gear, records what completed, then lets the governor evaluate. */
	void second(DepthGovernor governor) {
		Gear gear = governor.gear();
		int depth = gear.depth();
		double decoding = (gear.isFast() ? FAST_DECODER_COST
				: this.fullDecoderCost * this.fullDecoderFactor.applyAsDouble(depth)) * AUDIO_SECONDS * this.slowdown;
		double frontEnd = this.frontEndCost * AUDIO_SECONDS * this.slowdown;
		double service = frontEnd + cost(depth) * AUDIO_SECONDS * this.slowdown + decoding;
		double capacity = WORKERS / service;
		double offered = this.ratePerSecond / capacity;
		this.backlog = Math.max(0, this.backlog + this.ratePerSecond - capacity);
		long turnedAway = 0;
		double room = Math.min(this.queueCapacity, this.queueDeadlineSeconds * capacity);
		if (this.backlog > room) {
			turnedAway = Math.round(this.backlog - room);
			this.backlog = room;
		}
		this.rejected += turnedAway;
		long admitted = Math.round(this.ratePerSecond) - turnedAway;
		double wait = this.backlog / capacity;
		this.utilisation = Math.min(1, (this.backlog > 0) ? 1 : offered);
		this.inFlight = (int) Math.min(WORKERS, Math.round(offered * WORKERS));
		long completed = Math.round(Math.min(this.ratePerSecond, capacity));
		this.clock.advance(Duration.ofMillis(500));
		for (long i = 0; i < completed; i++) {
			double jitter = 1 + this.noise * this.random.nextGaussian();
			double latency = Math.max(service, (wait + service) * jitter);
			governor.record(new RequestSample(depth, gear.decoding(), AUDIO_SECONDS, seconds(latency - service),
					seconds(service), this.frontEndReported ? seconds(frontEnd) : 0, seconds(decoding),
					seconds(latency)));
		}
		for (long i = 0; i < admitted; i++) {
			governor.recordAdmission();
		}
		for (long i = 0; i < turnedAway; i++) {
			governor.recordRejection();
		}
		this.clock.advance(Duration.ofMillis(500));
		governor.evaluate();
	}

	void seconds(DepthGovernor governor, int seconds) {
		for (int i = 0; i < seconds; i++) {
			second(governor);
		}
	}

	double backlog() {
		return this.backlog;
	}

	private static long seconds(double seconds) {
		return Math.round(seconds * 1e9);
	}

	/** The plant's in-flight and queued gauges. */
	LoadProbe loadProbe() {
		return () -> new LoadProbe.Load(this.inFlight, (int) Math.ceil(this.backlog), WORKERS);
	}

	/** The plant's worker utilisation, with noise. */
	SignalSource utilisationSource() {
		return new SignalSource() {

			@Override
			public String name() {
				return "plant-utilisation";
			}

			@Override
			public OptionalDouble read() {
				double jitter = 1 + FluidPlant.this.noise * FluidPlant.this.random.nextGaussian();
				return OptionalDouble.of(Math.max(0, Math.min(1, FluidPlant.this.utilisation * jitter)));
			}

		};
	}

}
