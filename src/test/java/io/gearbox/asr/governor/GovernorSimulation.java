package io.gearbox.asr.governor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * A deterministic discrete-event simulation of an M/G/c queue served at the exits the governor chooses, to tune
 * the default settings. Not a test: run it by hand.
 *
 * <pre>
 * mvn -q test-compile
 * java -cp target/classes:target/test-classes:$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/2.2.2/HdrHistogram-2.2.2.jar \
 *     io.gearbox.asr.governor.GovernorSimulation
 * </pre>
 *
 * Requests arrive as a Poisson process at a multiple of the deepest exit's capacity; audio lengths are
 * log-normal (mean about 4 s); a request's service time is {@code cost(depth) * audio} with log-normal noise;
 * {@value #WORKERS} workers take requests first come, first served, and resolve the depth when they start one.
 * The governor's priors are deliberately wrong in scale (twice the true cost) so that the cost model has to
 * learn. Each load level runs for {@value #RUN_SECONDS} simulated seconds; the first {@value #WARMUP_SECONDS}
 * are left out of the figures. The second spike profile also slows every request down by
 * {@value #CONTENTION_SLOWDOWN}x while it lasts (CPU contention), so that the exits measured during it look
 * dearer than they are afterwards.
 */
public final class GovernorSimulation {

	static final int WORKERS = 2;

	static final int RUN_SECONDS = 900;

	static final int WARMUP_SECONDS = 60;

	static final double MEAN_AUDIO_SECONDS = 4.0;

	static final int[] DEPTHS = { 2, 4, 6, 8, 10, 12 };

	static final double CONTENTION_SLOWDOWN = 2.0;

	private GovernorSimulation() {
	}

	/** True cost of an exit: a fixed front end (features, convolution subsampling, head) plus equal layers. */
	static double cost(int depth) {
		return 0.005 + 0.00375 * depth;
	}

	/**
	 * Prints the table and the spike profile; with arguments {@code trace <load multiple>}, prints every change
	 * of depth at that load instead.
	 */
	public static void main(String[] args) {
		GovernorSettings settings = GovernorSettings.defaults();
		if (args.length == 2 && args[0].equals("trace")) {
			double multiple = Double.parseDouble(args[1]);
			Simulator simulator = new Simulator(settings, Policy.GOVERNOR, (t) -> multiple, (t) -> 1.0, 11);
			simulator.governor.addListener((change) -> System.out.printf(Locale.ROOT, "%7.1f s  %2d -> %2d  %-11s %s%n",
					simulator.now, change.from(), change.to(), change.reason(), change.detail()));
			simulator.run();
			return;
		}
		System.out.printf(Locale.ROOT, "M/G/%d, exits %s, true cost s/s %.4f..%.4f, SLO p95 %d ms, %d s per level%n",
				WORKERS, Arrays.toString(DEPTHS), cost(DEPTHS[0]), cost(DEPTHS[DEPTHS.length - 1]),
				settings.latencySlo().toMillis(), RUN_SECONDS - WARMUP_SECONDS);
		System.out.println(
				"load  policy      p50 ms   p95 ms   p99 ms  within SLO  mean depth  changes");
		for (double multiple : new double[] { 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0 }) {
			for (Policy policy : Policy.values()) {
				Result result = run(settings, policy, (t) -> multiple, 11);
				System.out.printf(Locale.ROOT, "%.1fx  %-9s %8.0f %8.0f %8.0f %10.1f%% %11.2f %8d%n", multiple,
						policy.label, result.percentile(50) * 1e3, result.percentile(95) * 1e3,
						result.percentile(99) * 1e3, 100 * result.withinSlo(settings), result.meanDepth(),
						result.changes);
			}
		}
		System.out.println();
		System.out.println("Spike: 0.5x, 3x from 120 s to 300 s, then 0.5x (governor)");
		System.out.println("   t s  load  depth  p95 ms (last 10 s)");
		DoubleUnaryOperator spike = (t) -> (t >= 120 && t < 300) ? 3.0 : 0.5;
		Result result = run(settings, Policy.GOVERNOR, spike, 5);
		printProfile(result, spike);
		System.out.println();
		System.out.printf(Locale.ROOT,
				"Spike with contention: 0.5x, 1.5x and every request %.0fx slower from 120 s to 300 s, then 0.5x (governor)%n",
				CONTENTION_SLOWDOWN);
		System.out.println("   t s  load  depth  p95 ms (last 10 s)");
		DoubleUnaryOperator busy = (t) -> (t >= 120 && t < 300) ? 1.5 : 0.5;
		DoubleUnaryOperator slowdown = (t) -> (t >= 120 && t < 300) ? CONTENTION_SLOWDOWN : 1.0;
		printProfile(new Simulator(settings, Policy.GOVERNOR, busy, slowdown, 5).run(), busy);
	}

	private static void printProfile(Result result, DoubleUnaryOperator loadAt) {
		for (int t = 100; t <= 420; t += 10) {
			System.out.printf(Locale.ROOT, "%6d  %3.1fx  %5d  %8.0f%n", t, loadAt.applyAsDouble(t - 1),
					result.depthAt[t], result.p95Between(t - 10, t) * 1e3);
		}
	}

	enum Policy {

		GOVERNOR("governor"), FULL("fixed-12"), SHALLOWEST("fixed-2");

		final String label;

		Policy(String label) {
			this.label = label;
		}

	}

	static Result run(GovernorSettings settings, Policy policy, DoubleUnaryOperator loadAt, long seed) {
		return new Simulator(settings, policy, loadAt, (t) -> 1.0, seed).run();
	}

	/** The figures of one run, after the warm-up. */
	static final class Result {

		final List<double[]> completions = new ArrayList<>();

		final int[] depthAt = new int[RUN_SECONDS + 1];

		int changes;

		double percentile(double p) {
			double[] latencies = this.completions.stream().filter((c) -> c[0] >= WARMUP_SECONDS)
				.mapToDouble((c) -> c[1]).sorted().toArray();
			return percentileOf(latencies, p);
		}

		double p95Between(double from, double to) {
			double[] latencies = this.completions.stream().filter((c) -> c[0] >= from && c[0] < to)
				.mapToDouble((c) -> c[1]).sorted().toArray();
			return percentileOf(latencies, 95);
		}

		private static double percentileOf(double[] sorted, double p) {
			if (sorted.length == 0) {
				return Double.NaN;
			}
			return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
		}

		double withinSlo(GovernorSettings settings) {
			double slo = settings.latencySlo().toNanos() / 1e9;
			return this.completions.stream().filter((c) -> c[0] >= WARMUP_SECONDS).mapToDouble((c) -> c[1] <= slo ? 1 : 0)
				.average().orElse(Double.NaN);
		}

		double meanDepth() {
			return this.completions.stream().filter((c) -> c[0] >= WARMUP_SECONDS).mapToDouble((c) -> c[2]).average()
				.orElse(Double.NaN);
		}

	}

	private static final class Simulator {

		private final Random random;

		private final DoubleUnaryOperator loadAt;

		private final DoubleUnaryOperator slowdownAt;

		private final FakeClock clock = new FakeClock();

		private final long origin = DepthGovernor.nanos(this.clock.instant());

		private final DepthGovernor governor;

		private final PriorityQueue<double[]> departures = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));

		private final ArrayDeque<double[]> queue = new ArrayDeque<>();

		private final Result result = new Result();

		private double now;

		private double busySeconds;

		private double lastUtilisation;

		Simulator(GovernorSettings settings, Policy policy, DoubleUnaryOperator loadAt, DoubleUnaryOperator slowdownAt,
				long seed) {
			this.random = new Random(seed);
			this.loadAt = loadAt;
			this.slowdownAt = slowdownAt;
			List<ExitPrior> priors = new ArrayList<>();
			for (int depth : DEPTHS) {
				priors.add(new ExitPrior(depth, 2 * cost(depth)));
			}
			LoadProbe probe = () -> new LoadProbe.Load(this.departures.size(), this.queue.size(), WORKERS);
			SignalSource busy = new SignalSource() {

				@Override
				public String name() {
					return "worker-busy";
				}

				@Override
				public OptionalDouble read() {
					return OptionalDouble.of(Simulator.this.lastUtilisation);
				}

			};
			this.governor = new DepthGovernor(priors, settings, probe, List.of(busy), this.clock);
			this.governor.addListener((change) -> this.result.changes++);
			if (policy == Policy.FULL) {
				this.governor.pin(DEPTHS[DEPTHS.length - 1]);
				this.result.changes = 0;
			}
			else if (policy == Policy.SHALLOWEST) {
				this.governor.pin(DEPTHS[0]);
				this.result.changes = 0;
			}
		}

		Result run() {
			double nextArrival = nextArrival(0);
			int nextTick = 1;
			while (true) {
				double nextDeparture = this.departures.isEmpty() ? Double.POSITIVE_INFINITY
						: this.departures.peek()[0];
				double next = Math.min(nextArrival, Math.min(nextDeparture, nextTick));
				if (next > RUN_SECONDS) {
					break;
				}
				advanceTo(next);
				if (next == nextDeparture) {
					depart();
				}
				else if (next == nextArrival) {
					this.queue.add(new double[] { this.now, audioSeconds() });
					startWork();
					nextArrival = nextArrival(this.now);
				}
				else {
					tick(nextTick);
					nextTick++;
				}
			}
			return this.result;
		}

		private void tick(int second) {
			// The busy fraction of the workers over the last second, as a device's utilisation counter reports it.
			this.lastUtilisation = Math.min(1, this.busySeconds / WORKERS);
			this.busySeconds = 0;
			this.governor.evaluate();
			this.result.depthAt[second] = this.governor.depth();
		}

		private void advanceTo(double time) {
			double dt = time - this.now;
			this.busySeconds += this.departures.size() * dt;
			this.now = time;
			long target = this.origin + Math.round(time * 1e9);
			long current = DepthGovernor.nanos(this.clock.instant());
			if (target > current) {
				this.clock.advance(Duration.ofNanos(target - current));
			}
		}

		private void depart() {
			double[] done = this.departures.poll();
			double arrival = done[1];
			double audio = done[2];
			int depth = (int) done[3];
			double started = done[4];
			double latency = this.now - arrival;
			this.governor.record(new RequestSample(depth, audio, nanos(started - arrival), nanos(this.now - started),
					nanos(latency)));
			this.result.completions.add(new double[] { this.now, latency, depth });
			startWork();
		}

		private void startWork() {
			while (this.departures.size() < WORKERS && !this.queue.isEmpty()) {
				double[] request = this.queue.poll();
				int depth = this.governor.gearFor(OptionalInt.empty(), OptionalLong.empty(), request[1]).depth();
				double service = this.slowdownAt.applyAsDouble(this.now) * cost(depth) * request[1]
						* Math.exp(0.15 * this.random.nextGaussian() - 0.01125);
				this.departures.add(new double[] { this.now + service, request[0], request[1], depth, this.now });
			}
		}

		private double nextArrival(double after) {
			double rate = this.loadAt.applyAsDouble(after) * WORKERS / (cost(DEPTHS[DEPTHS.length - 1])
					* MEAN_AUDIO_SECONDS);
			return after - Math.log(1 - this.random.nextDouble()) / rate;
		}

		private double audioSeconds() {
			// Log-normal with sigma 0.6 and mean MEAN_AUDIO_SECONDS, clipped to [0.5 s, 30 s].
			double sigma = 0.6;
			double mu = Math.log(MEAN_AUDIO_SECONDS) - sigma * sigma / 2;
			return Math.max(0.5, Math.min(30, Math.exp(mu + sigma * this.random.nextGaussian())));
		}

		private static long nanos(double seconds) {
			return Math.max(0, Math.round(seconds * 1e9));
		}

	}

}
