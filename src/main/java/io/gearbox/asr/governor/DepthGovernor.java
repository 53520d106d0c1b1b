package io.gearbox.asr.governor;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gearbox.asr.governor.DepthChange.Reason;
import io.gearbox.asr.governor.DepthPolicy.Decision;
import io.gearbox.asr.governor.DepthPolicy.Memory;
import io.gearbox.asr.governor.DepthPolicy.Observation;

/**
 * Chooses the default gear (an exit, that is an encoder depth, and how its output is decoded) from the service's
 * latency, utilisation and queue, so that the p95 of end-to-end latency stays within the objective under load and
 * the full depth is served when there is room.
 *
 * <h2>The ladder</h2>
 * The gears ({@link Gear}: an exit and how its output is decoded, with the service's full decoder or greedily) in
 * the order of their cost, cheapest first; {@link #ladder(Collection, boolean)} gives the default. With a language
 * model in the beam search, decoding costs more than the shallow exits' encoders, and more on a shallow exit than
 * on a deep one (its output is flatter, so the search keeps more prefixes alive): on the shipped model the
 * shallowest exit with the full decoder costs as much per request as the next one with it. So the default ladder
 * decodes the shallower half of the exits greedily, below every exit but the shallowest with the full decoder,
 * each gear cheaper than the one above it. The policy below works on positions on the ladder and never sees which
 * kind a gear is: "shallower" and "deeper" below mean lower and higher on it.
 *
 * <h2>Inputs</h2>
 * <ul>
 * <li>{@link #record(RequestSample)} for every completed request, from any thread (wait-free histograms but for a
 * short lock once per bucket, then the cost model's update under its own short lock);
 * <li>{@link #recordAdmission()} for every request admitted to the queue and {@link #recordRejection()} for
 * every request turned away because it was full: together, the arrivals;
 * <li>{@link #evaluate()} on a fixed schedule (for example every second) from one external scheduler: it reads
 * the {@link SignalSource}s and the {@link LoadProbe}, then decides under the governor's lock.
 * </ul>
 *
 * <h2>Prediction</h2>
 * For gear {@code e} (an exit {@code x} decoded the way {@code d}), with {@code c(e)} its cost in service seconds
 * per audio second ({@link CostModel}),
 *
 * <pre>
 * c(e)       = frontEnd + scale · shape(x) + decoder(x, d)
 * scale      = EWMA over every request, at any exit, of encoderSeconds / audioSeconds / shape(x)
 *              encoderSeconds = serviceSeconds − frontEndSeconds − decodingSeconds
 * shape(x)   = prior(x) / prior(deepest), refined only against a scale other exits measured at about the same time
 * frontEnd   = EWMA of frontEndSeconds / audioSeconds (upload decoding and features, the same at every exit)
 * decoder(x, d) = EWMA of decodingSeconds / audioSeconds over the requests at exit x decoded the way d
 *              (until one is measured there, the nearest exit's)
 * </pre>
 *
 * so that requests at any exit keep the costs of all exits current (after a spike, fast requests at a shallow
 * exit lower the predicted cost of the deep ones), the encoder's prior (measured, or parameter-proportional)
 * shapes only the encoder's part, which it fits, and a gear is predicted from its exit's cost, learned from
 * requests with either
 * decoder, plus its decoder's: the fast gear is predicted correctly before it has served a request. With {@code q}
 * queued and {@code i} in-flight requests on {@code k} workers, and {@code Ā} the mean and {@code A95} the p95 audio
 * length of the requests in the window:
 *
 * <pre>
 * b          = max(0, q + i − k + 1)                 requests a new arrival waits for
 * b̄          = EWMA of b, time constant window / 10  (each utilisation source: window / 4)
 * latency(e) = c(e) · (Ā · b̄ / k + A95)               predicted end-to-end latency of a typical request:
 *                                                    the queued work ahead per worker, then its own audio
 * goal       = latencySlo · predictionTarget
 * </pre>
 *
 * The latency prediction alone cannot see overload when the admission queue is short: a full queue turns the
 * excess away while the requests it admits still finish in time. So the governor also rates the arrivals, admitted
 * and turned away, {@code λ = (admitted + rejected) / span}: the larger of that rate over the time the window's
 * buckets cover and over its last three buckets, so that a spike shows within seconds and a lull only once the
 * window has forgotten the load (once half a window has passed and {@code minSamples} requests have arrived,
 * in the short view too). It counts arrivals, not completions: a queue draining after a jump shallower completes
 * requests faster than they arrive. From {@code λ} it predicts the <em>offered load</em> of each exit, the
 * fraction of the workers' time the arriving requests would take there:
 *
 * <pre>
 * ρ(e)     = λ · Ā · c_w(e) / k                     above 1 the exit falls behind at any queue length
 * c_w(e)   = shape(e) · Σ serviceSeconds / Σ (audioSeconds · shape(e'))   over the requests in the window
 * </pre>
 *
 * {@code c_w} is the workers' measured busy time per audio second over the window, on the cost model's shape:
 * a rate over the window wants a cost over the same window, not the scale's last few requests, which on a busy
 * machine swing several times either way as a worker is descheduled or not.
 *
 * {@code latency_now(e)} is the same with {@code max(b, b̄)}: a jump uses it, so that a queue that is growing
 * fast is not underestimated by the smoothing. The prediction assumes queued requests run at the exit being
 * considered, which holds when the recognition layer resolves the depth ({@link #gearFor}) as a worker picks a
 * request up rather than at admission.
 *
 * <h2>Policy (mode {@link GovernorMode#AUTO})</h2>
 * With {@code d} the current exit, {@code P} the p95 of end-to-end latency over the window counting only requests
 * completed since the last change (and only when at least {@code minSamples} did; otherwise absent), and
 * {@code U} the largest smoothed reading of the healthy steering sources:
 * <ol>
 * <li><b>High marks</b> (first that holds gives the reason): {@code P > latencySlo} ({@link Reason#LATENCY}),
 * {@code min(latency(d), latency_w(d)) > latencySlo} once any request has been measured, so never on the priors
 * alone ({@link Reason#QUEUE}; {@code latency_w} is {@code latency} at the window's cost {@code c_w}: a worker
 * descheduled for a moment slows the last few requests, inflates the cost model's scale several times over and
 * leaves a short queue behind, which drains by itself when the window's busy time says the gear keeps up),
 * {@code ρ(d) > utilisationHigh} once costs and arrivals are measured ({@link Reason#OVERLOAD}),
 * {@code U > utilisationHigh} ({@link Reason#UTILISATION}). Outside the cooldown,
 * jump to the deepest exit shallower than {@code d} with {@code latency_now(e) <= goal} and
 * {@code ρ(e) <= (utilisationLow + utilisationHigh) / 2}, or to the shallowest when none is; such a move may
 * skip several exits. Within the cooldown after such a move only one thing moves it further down at once: the
 * offered load at the gear it chose above the high mark ({@link Reason#OVERLOAD}). At the start of a spike the
 * arrival rate is still rising when the first move is made, so that move can land too high; the offered load
 * is a prediction at the current gear on fresh arrivals, and going further down is no flap.
 * <li><b>Low marks</b>: no request turned away since the last change (a full queue sheds the excess while the
 * answers it admits are fast), {@code P <= latencySlo · latencyLowFraction} (or absent), {@code U <= utilisationLow}
 * (or absent), the next deeper exit {@code d+} predicted within the goal, {@code latency(d+) <= goal}, and
 * predicted to stay half-way between the utilisation marks, {@code ρ(d+) <= (utilisationLow + utilisationHigh) / 2}
 * and {@code U · c(d+) / c(d) <= (utilisationLow + utilisationHigh) / 2}. When they have held at every evaluation
 * for {@code dwell} and the cooldown is over, jump to the deepest gear {@code e} such that every gear from
 * {@code d+} to {@code e} passes those three predictions, then a new dwell: after a spike the service returns to
 * full depth one dwell after the load falls, not one dwell per gear, and no further than the gears predicted to
 * keep up, as a move shallower goes no further than it must.
 * <li>Otherwise hold.
 * </ol>
 *
 * <h2>Maximising correct answers ({@link Maximise#CORRECT_ANSWERS})</h2>
 * The rule above sheds to the deepest gear that keeps up, however inaccurate, so as to answer the most requests on
 * time. With {@code maximise} set to correct answers, a high mark crossed once the offered load is measured instead
 * chooses, with {@code A95} the p95 audio length and {@code a(e) = 1 − WER(e)} the gear's accuracy on a
 * development set,
 *
 * <pre>
 * value(e) = min(1, 1 / ρ(e)) · a(e)     if c(e) · A95 <= goal, else 0
 * </pre>
 *
 * the share of the arrivals' words the gear gets right within the objective (it serves at most {@code 1 / ρ(e)} of
 * them; the queue's deadline turns the rest away before they are late, so this mode needs one): the benchmark's
 * effective accuracy, predicted. It moves to the gear with the highest value, in either direction, unless the
 * current gear's is within {@link DepthPolicy#CORRECT_ANSWERS_TOLERANCE} of it; holding there is
 * {@link PolicyState#SHEDDING}. Nothing moves within the cooldown (the move further down right after shedding is
 * the rule above's: turning away what a gear cannot serve is this mode's design, and a value computed on a rate
 * still rising favours the shallow gears). A move deeper ({@link Reason#ACCURACY}) waits a {@code dwell} after the
 * last change, and goes only to a gear predicted on time behind the current backlog; under
 * {@link Reason#LATENCY}, answers late as measured, neither the current gear nor a deeper one is a candidate.
 * Without a measured arrival rate, and for the low marks, the rule above applies unchanged.
 *
 * <p>The gap between the high and low marks, the dwell before each deeper step, the cooldown after every change
 * and the fresh-evidence rule for {@code P} (a move is never repeated on the latencies that caused it) keep the
 * depth from flapping.
 *
 * <h2>States ({@link PolicyState})</h2>
 * <pre>
 *                 high mark, outside cooldown: jump shallower
 *   HOLDING ───────────────────────────────────────────────▶ COOLING_DOWN ──▶ HOLDING / DWELLING / ...
 *      │  ▲                                                        ▲
 *      │  │ a signal above a low mark                              │ dwell elapsed: deeper, as far as predicted safe
 *      ▼  │                                                        │
 *   DWELLING (all under the low marks, counting dwell) ────────────┘
 *
 *   AT_SHALLOWEST: a high mark at the shallowest exit.   AT_DEEPEST: full depth, no high mark.
 *   SHEDDING: maximising correct answers, a high mark at the gear with the most of them; the deadline sheds.
 *   PINNED: an operator chose the depth; the signals are still read and shown.
 * </pre>
 *
 * <h2>Operators and requests</h2>
 * {@link #pin(int)}, {@link #auto()} and {@link #updateSettings(GovernorSettings)} take effect at once
 * ({@code auto} and {@code updateSettings} re-decide on the last signals). {@link #gearFor} resolves one
 * request: an explicit depth wins; a latency hint can only make the answer shallower than the default.
 *
 * <h2>Threads</h2>
 * Decisions run under the governor's monitor around the pure {@link DepthPolicy}; the current depth is a
 * {@code volatile} read, so {@link #depth()} and {@link #gearFor} never block. The governor starts no threads.
 */
public final class DepthGovernor {

	private static final System.Logger logger = System.getLogger(DepthGovernor.class.getName());

	/** Buckets in the sliding windows; the window is exact to {@code window / WINDOW_BUCKETS}. */
	static final int WINDOW_BUCKETS = 10;

	/**
	 * Buckets in the short view of the arrivals (the current one and the ones before it): between 2 and 3 tenths
	 * of the window, long enough to count {@code minSamples} requests at the rates that matter, short enough that a
	 * spike shows within seconds.
	 */
	static final int RECENT_ARRIVAL_BUCKETS = 3;

	/** Audio length assumed for predictions until a request has been measured. */
	static final double INITIAL_AUDIO_SECONDS = 5.0;

	/** Weight of a new sample in the cost model's machine-wide scale once warmed up. */
	static final double COST_ALPHA = 0.1;

	/** Utilisation is smoothed with a time constant of the window divided by this. */
	static final int UTILISATION_SMOOTHING_DIVISOR = 4;

	/** The backlog is smoothed with a time constant of the window divided by this (one histogram bucket). */
	static final int BACKLOG_SMOOTHING_DIVISOR = WINDOW_BUCKETS;

	private final Clock clock;

	/** The exits, shallowest first. */
	private final int[] depths;

	/** The ladder, lowest gear first. */
	private final Gear[] gears;

	/** For each gear, the index of its exit in {@link #depths}. */
	private final int[] exitOf;

	/** For each gear, its word error rate on a development set, or NaN when not known. */
	private final double[] wordErrorRates;

	private final CostModel costs;

	private final SignalBoard signalBoard;

	private final List<DepthChangeListener> listeners = new CopyOnWriteArrayList<>();

	private volatile GovernorSettings settings;

	private volatile Windows windows;

	private volatile Gear gear;

	private volatile GovernorMode mode = GovernorMode.AUTO;

	private volatile Forecast forecast;

	// Guarded by this.

	private int gearIndex;

	private long lastChangeNanos = DepthPolicy.NEVER;

	private long calmSinceNanos = DepthPolicy.NEVER;

	private DepthChange lastChange;

	private PolicyState state = PolicyState.AT_DEEPEST;

	private String lastDecision = "not evaluated yet";

	private double meanAudioSeconds = INITIAL_AUDIO_SECONDS;

	private double p95AudioSeconds = INITIAL_AUDIO_SECONDS;

	private GovernorSnapshot.Signals lastSignals;

	private double smoothedBacklog;

	private long backlogAtNanos = DepthPolicy.NEVER;

	private double[] lastPrediction;

	private double[] lastOfferedLoad;

	private double[] lastWindowCost;

	/**
	 * Creates a governor whose ladder is the exits with the full decoder, serving the deepest exit in mode
	 * {@link GovernorMode#AUTO}.
	 * @param exits the exits it may choose, with their prior costs; depths distinct
	 * @param settings the policy settings
	 * @param loadProbe the in-flight and queued gauges
	 * @param sources utilisation signals, possibly none
	 * @param clock the time source; tests pass a fake one
	 */
	public DepthGovernor(List<ExitPrior> exits, GovernorSettings settings, LoadProbe loadProbe,
			List<SignalSource> sources, Clock clock) {
		this(exits, false, settings, loadProbe, sources, clock);
	}

	/**
	 * Creates a governor serving the deepest exit in mode {@link GovernorMode#AUTO}, on the ladder of
	 * {@link #ladder(Collection, boolean)}.
	 * @param exits the exits it may choose, with their prior costs; depths distinct
	 * @param fastGears whether the ladder has greedy gears (else every exit is a gear with the full decoder)
	 * @param settings the policy settings
	 * @param loadProbe the in-flight and queued gauges
	 * @param sources utilisation signals, possibly none
	 * @param clock the time source; tests pass a fake one
	 */
	public DepthGovernor(List<ExitPrior> exits, boolean fastGears, GovernorSettings settings, LoadProbe loadProbe,
			List<SignalSource> sources, Clock clock) {
		this(exits, ladder(depthsOf(exits), fastGears), settings, loadProbe, sources, clock);
	}

	/**
	 * Creates a governor serving its highest gear in mode {@link GovernorMode#AUTO}.
	 * @param exits the exits, with their prior costs; depths distinct
	 * @param ladder the gears it may choose, cheapest first; distinct, each on one of the exits
	 * @param settings the policy settings
	 * @param loadProbe the in-flight and queued gauges
	 * @param sources utilisation signals, possibly none
	 * @param clock the time source; tests pass a fake one
	 * @throws IllegalArgumentException when the ladder is empty, repeats a gear or names a depth that is not an exit
	 */
	public DepthGovernor(List<ExitPrior> exits, List<Gear> ladder, GovernorSettings settings, LoadProbe loadProbe,
			List<SignalSource> sources, Clock clock) {
		this(exits, ladder, Map.of(), settings, loadProbe, sources, clock);
	}

	/**
	 * Creates a governor serving its highest gear in mode {@link GovernorMode#AUTO}, knowing how accurate its
	 * gears are.
	 * @param exits the exits, with their prior costs; depths distinct
	 * @param ladder the gears it may choose, cheapest first; distinct, each on one of the exits
	 * @param wordErrorRates the word error rate of some or all of the gears on a development set, each
	 * {@code >= 0}; {@link Maximise#CORRECT_ANSWERS} needs every gear's, and operators see them
	 * @param settings the policy settings
	 * @param loadProbe the in-flight and queued gauges
	 * @param sources utilisation signals, possibly none
	 * @param clock the time source; tests pass a fake one
	 * @throws IllegalArgumentException when the ladder is empty, repeats a gear or names a depth that is not an
	 * exit, when a word error rate is negative or not a number, or when the settings maximise correct answers and
	 * a gear has no word error rate
	 */
	public DepthGovernor(List<ExitPrior> exits, List<Gear> ladder, Map<Gear, Double> wordErrorRates,
			GovernorSettings settings, LoadProbe loadProbe, List<SignalSource> sources, Clock clock) {
		Objects.requireNonNull(exits, "exits");
		Objects.requireNonNull(ladder, "ladder");
		this.settings = Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(loadProbe, "loadProbe");
		Objects.requireNonNull(sources, "sources");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.costs = new CostModel(exits, COST_ALPHA);
		this.depths = this.costs.depths();
		if (ladder.isEmpty() || ladder.stream().distinct().count() != ladder.size()) {
			throw new IllegalArgumentException(
					"the ladder needs at least one gear and no gear twice, but was " + ladder);
		}
		this.gears = ladder.toArray(Gear[]::new);
		this.exitOf = new int[this.gears.length];
		for (int i = 0; i < this.gears.length; i++) {
			requireExit(this.gears[i].depth());
			this.exitOf[i] = this.costs.indexOf(this.gears[i].depth());
		}
		this.wordErrorRates = new double[this.gears.length];
		for (int i = 0; i < this.gears.length; i++) {
			Double wer = Objects.requireNonNull(wordErrorRates, "wordErrorRates").get(this.gears[i]);
			if (wer != null && !(wer >= 0)) {
				throw new IllegalArgumentException("the word error rate of gear " + this.gears[i]
						+ " must be >= 0 but was " + wer);
			}
			this.wordErrorRates[i] = (wer != null) ? wer : Double.NaN;
		}
		requireWordErrorRates(settings);
		this.signalBoard = new SignalBoard(sources, loadProbe, 1);
		Instant now = clock.instant();
		this.windows = new Windows(settings.window().toNanos(), nanos(now));
		this.gearIndex = this.gears.length - 1;
		this.gear = this.gears[this.gearIndex];
		synchronized (this) {
			observe(now);
		}
	}

	/**
	 * The default ladder over the exits {@code depths}. Without fast gears: every exit with the full decoder,
	 * shallowest first. With them: the exits up to the middle one ({@code depths[(n - 1) / 2]}) decoded greedily,
	 * shallowest first, then every exit but the shallowest with the full decoder (the shallowest too when it is the
	 * only one). For exits 2, 4, ..., 12 that is {@code [2 fast, 4 fast, 6 fast, 4, 6, 8, 10, 12]}; for exits 2 and 4,
	 * {@code [2 fast, 4]}.
	 *
	 * <p>Why, from {@code ExitBenchmark}'s table of gears on the shipped model (whole requests without HTTP, two
	 * runs; model card): the beam search with the language model costs more on a shallow exit's flatter output, so
	 * exit 2 with it (0.00114-0.00129 s per audio second, 63.4% WER) costs as much as exit 4 with it (0.00112, 54.2%)
	 * and is never the better choice; greedy decoding of exits 2, 4 and 6 (0.00071-0.00081, 0.00081 and 0.00092;
	 * 82.2%, 77.8% and 70.4%) gives the steps below those, each cheaper than the one above it. The deeper exits
	 * decoded greedily cost about as much as exit 4 with the full decoder and are far less accurate.
	 * @param depths the exits, distinct, in any order
	 * @param fastGears whether the shallower exits are decoded greedily
	 * @throws IllegalArgumentException when there is no exit
	 */
	public static List<Gear> ladder(Collection<Integer> depths, boolean fastGears) {
		int[] sorted = depths.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
		if (sorted.length == 0) {
			throw new IllegalArgumentException("at least one exit is required");
		}
		List<Gear> ladder = new ArrayList<>();
		if (fastGears) {
			for (int i = 0; i <= (sorted.length - 1) / 2; i++) {
				ladder.add(Gear.fast(sorted[i]));
			}
		}
		for (int i = (fastGears && sorted.length > 1) ? 1 : 0; i < sorted.length; i++) {
			ladder.add(Gear.full(sorted[i]));
		}
		return List.copyOf(ladder);
	}

	private static List<Integer> depthsOf(List<ExitPrior> exits) {
		return Objects.requireNonNull(exits, "exits").stream().map(ExitPrior::depth).toList();
	}

	/** The exits, shallowest first. */
	public List<Integer> depths() {
		return Arrays.stream(this.depths).boxed().toList();
	}

	/** The ladder, lowest gear first. */
	public List<Gear> gears() {
		return List.of(this.gears);
	}

	/** The default exit now, the current gear's; never blocks. */
	public int depth() {
		return this.gear.depth();
	}

	/** The default gear now; never blocks. */
	public Gear gear() {
		return this.gear;
	}

	/** Who chooses the default exit now. */
	public GovernorMode mode() {
		return this.mode;
	}

	/** The settings in force. */
	public GovernorSettings settings() {
		return this.settings;
	}

	/**
	 * Counts one request admitted to the queue; safe from any thread. Without these calls the governor knows no
	 * arrival rate and never moves for {@link Reason#OVERLOAD}.
	 */
	public void recordAdmission() {
		this.windows.admissions.record(1, nanos(this.clock.instant()));
	}

	/**
	 * Counts one request turned away because the service was full; safe from any thread. Together with the
	 * admissions ({@link #recordAdmission()}) it gives the arrival rate that the offered load is predicted from.
	 */
	public void recordRejection() {
		this.windows.rejections.record(1, nanos(this.clock.instant()));
	}

	/** Learns from one completed request; safe from any thread. */
	public void record(RequestSample sample) {
		Objects.requireNonNull(sample, "sample");
		long now = nanos(this.clock.instant());
		Windows current = this.windows;
		current.latencyMicros.record(sample.latencyNanos() / 1_000, now);
		current.audioMillis.record(Math.round(sample.audioSeconds() * 1_000), now);
		double shape = this.costs.record(sample, now);
		if (shape > 0) {
			long exitNanos = sample.serviceNanos() - sample.frontEndNanos() - sample.ctcDecodeNanos();
			current.serviceMicros.record(exitNanos / 1_000, now);
			current.shapedAudioMicros.record(Math.round(sample.audioSeconds() * shape * 1e6), now);
		}
	}

	/**
	 * Reads the signals and re-decides the default exit; called periodically by one external scheduler. Never
	 * throws because of a signal source.
	 */
	public void evaluate() {
		this.signalBoard.sample(this.clock.instant(), this.settings.window().toNanos() / UTILISATION_SMOOTHING_DIVISOR);
		synchronized (this) {
			// read inside the lock, after sampling (which may take a while): decisions happen in clock order
			decideLocked(this.clock.instant());
		}
	}

	/**
	 * The gear for one request whose audio length is known.
	 * @param requestedDepth an exit the client asked for; it pins this request, with the full decoder
	 * @param maxLatencyMillis the client's latency hint; it can only make the answer cheaper than the default:
	 * the highest gear not above the default whose predicted latency for this request is within the hint, or the
	 * lowest gear when none is
	 * @param audioSeconds the request's audio length
	 * @return the gear to serve the request with
	 * @throws IllegalArgumentException when the requested depth is not an exit or the hint is not positive
	 */
	public Gear gearFor(OptionalInt requestedDepth, OptionalLong maxLatencyMillis, double audioSeconds) {
		if (requestedDepth.isPresent()) {
			int requested = requestedDepth.getAsInt();
			requireExit(requested);
			return Gear.full(requested);
		}
		Gear chosen = this.gear;
		if (maxLatencyMillis.isEmpty()) {
			return chosen;
		}
		long hint = maxLatencyMillis.getAsLong();
		if (hint <= 0) {
			throw new IllegalArgumentException("maxLatencyMillis must be > 0 but was " + hint);
		}
		if (!Double.isFinite(audioSeconds) || audioSeconds < 0) {
			throw new IllegalArgumentException("audioSeconds must be finite and >= 0 but was " + audioSeconds);
		}
		Forecast now = this.forecast;
		double limit = hint / 1e3;
		int best = 0;
		for (int i = 0; i < this.gears.length; i++) {
			if (now.latencySeconds(i, audioSeconds) <= limit) {
				best = i;
			}
			if (this.gears[i].equals(chosen)) {
				break;
			}
		}
		return this.gears[best];
	}

	/**
	 * Pins the default to exit {@code depth} until {@link #auto()}: its highest gear on the ladder, the full
	 * decoder where the ladder has it there.
	 * @throws IllegalArgumentException when {@code depth} is not an exit or no gear of the ladder serves it
	 */
	public void pin(int depth) {
		requireExit(depth);
		pin(highestGearAt(depth).orElseThrow(() -> new IllegalArgumentException(
				"no gear serves exit " + depth + "; the gears are " + Arrays.toString(this.gears))));
	}

	/**
	 * The ladder's highest gear at exit {@code depth}: the full decoder where the ladder has it there, else the
	 * greedy one; empty when no gear serves that exit.
	 */
	public Optional<Gear> highestGearAt(int depth) {
		Gear highest = null;
		for (Gear candidate : this.gears) {
			if (candidate.depth() == depth) {
				highest = candidate;
			}
		}
		return Optional.ofNullable(highest);
	}

	/** Pins the default gear until {@link #auto()}. */
	public void pin(Gear gear) {
		Objects.requireNonNull(gear, "gear");
		int target = Arrays.asList(this.gears).indexOf(gear);
		if (target < 0) {
			throw new IllegalArgumentException(
					"gear " + gear + " is not on the ladder; the gears are " + Arrays.toString(this.gears));
		}
		synchronized (this) {
			Instant now = this.clock.instant();
			this.mode = GovernorMode.PINNED;
			this.calmSinceNanos = DepthPolicy.NEVER;
			if (target != this.gearIndex) {
				change(target, Reason.PIN, "pinned by an operator", now);
			}
			decideLocked(now);
		}
	}

	/** Hands the default exit back to the policy, which re-decides at once on the last signals. */
	public void auto() {
		synchronized (this) {
			Instant now = this.clock.instant();
			this.mode = GovernorMode.AUTO;
			this.calmSinceNanos = DepthPolicy.NEVER;
			decideLocked(now);
		}
	}

	/**
	 * Replaces the settings; the policy re-decides at once on the last signals. A new window length starts the
	 * latency and audio windows afresh.
	 */
	public void updateSettings(GovernorSettings settings) {
		Objects.requireNonNull(settings, "settings");
		requireWordErrorRates(settings);
		synchronized (this) {
			Instant now = this.clock.instant();
			if (!settings.window().equals(this.settings.window())) {
				this.windows = new Windows(settings.window().toNanos(), nanos(now));
			}
			this.settings = settings;
			decideLocked(now);
		}
	}

	public void addListener(DepthChangeListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener"));
	}

	public void removeListener(DepthChangeListener listener) {
		this.listeners.remove(listener);
	}

	/** An immutable view for operators. */
	public synchronized GovernorSnapshot snapshot() {
		CostModel.Estimates estimates = this.costs.estimates();
		double[] cost = gearCosts(estimates.costSecondsPerAudioSecond(), estimates);
		List<GovernorSnapshot.ExitCost> table = new ArrayList<>();
		for (int i = 0; i < this.gears.length; i++) {
			table.add(new GovernorSnapshot.ExitCost(this.gears[i], cost[i], this.lastWindowCost[i],
					estimates.samples()[this.exitOf[i]], this.lastPrediction[i], this.lastOfferedLoad[i],
					this.wordErrorRates[i]));
		}
		return new GovernorSnapshot(this.clock.instant(), this.gear, this.mode, this.state, this.lastDecision,
				Optional.ofNullable(this.lastChange), this.lastSignals, table, this.settings);
	}

	/**
	 * @throws IllegalArgumentException when the settings maximise correct answers and a gear has no word error
	 * rate
	 */
	private void requireWordErrorRates(GovernorSettings settings) {
		if (settings.maximise() != Maximise.CORRECT_ANSWERS) {
			return;
		}
		List<Gear> unrated = new ArrayList<>();
		for (int i = 0; i < this.gears.length; i++) {
			if (Double.isNaN(this.wordErrorRates[i])) {
				unrated.add(this.gears[i]);
			}
		}
		if (!unrated.isEmpty()) {
			throw new IllegalArgumentException("maximising correct answers needs the word error rate of every gear, "
					+ "but the model gives none for " + unrated);
		}
	}

	private void requireExit(int depth) {
		if (Arrays.binarySearch(this.depths, depth) < 0) {
			throw new IllegalArgumentException(
					"depth " + depth + " is not an exit; the exits are " + Arrays.toString(this.depths));
		}
	}

	/** Observes the signals and, in mode AUTO, applies the policy's decision. Holds the lock. */
	private void decideLocked(Instant now) {
		Observation observation = observe(now);
		if (this.mode == GovernorMode.PINNED) {
			this.state = PolicyState.PINNED;
			this.lastDecision = "pinned at gear " + this.gear;
			return;
		}
		boolean shedding = this.lastChange != null && this.lastChange.direction() == DepthChange.Direction.DOWN
				&& this.lastChange.reason() != Reason.PIN;
		Memory memory = new Memory(this.gearIndex, this.lastChangeNanos, this.calmSinceNanos, shedding);
		Decision decision = DepthPolicy.decide(this.settings, observation, memory);
		this.state = decision.state();
		this.lastDecision = decision.detail();
		if (decision.moves()) {
			change(decision.gearIndex(), decision.reason(), decision.detail(), now);
		}
		this.calmSinceNanos = decision.calmSinceNanos();
	}

	/** Takes the measurements the policy needs and publishes the forecast. Holds the lock. */
	private Observation observe(Instant now) {
		long nowNanos = nanos(now);
		GovernorSettings current = this.settings;
		Windows windows = this.windows;
		SlidingWindowHistogram.View latency = windows.latencyMicros.view(nowNanos);
		SlidingWindowHistogram.View fresh = (this.lastChangeNanos == DepthPolicy.NEVER) ? latency
				: windows.latencyMicros.viewSince(this.lastChangeNanos, nowNanos);
		SlidingWindowHistogram.View audio = windows.audioMillis.view(nowNanos);
		if (audio.count() > 0) {
			this.meanAudioSeconds = audio.mean().getAsDouble() / 1e3;
			this.p95AudioSeconds = audio.percentile(95).getAsDouble() / 1e3;
		}
		OptionalDouble decisionP95 = (fresh.count() >= current.minSamples()) ? seconds(fresh.percentile(95), 1e6)
				: OptionalDouble.empty();
		OptionalDouble utilisation = this.signalBoard.utilisation();
		LoadProbe.Load load = this.signalBoard.load();
		CostModel.Estimates estimates = this.costs.estimates();
		double[] cost = gearCosts(estimates.costSecondsPerAudioSecond(), estimates);
		double backlog = DepthPolicy.backlog(load);
		if (this.backlogAtNanos == DepthPolicy.NEVER) {
			this.smoothedBacklog = backlog;
		}
		else if (nowNanos > this.backlogAtNanos) {
			double weight = 1 - Math.exp(-(double) (nowNanos - this.backlogAtNanos) 
					/ (current.window().toNanos() / BACKLOG_SMOOTHING_DIVISOR));
			this.smoothedBacklog += weight * (backlog - this.smoothedBacklog);
		}
		this.backlogAtNanos = Math.max(nowNanos, this.backlogAtNanos);
		this.forecast = new Forecast(cost, this.meanAudioSeconds * backlog / load.workers());
		double[] predicted = DepthPolicy.predict(cost, this.smoothedBacklog, load.workers(), this.meanAudioSeconds,
				this.p95AudioSeconds);
		double[] predictedNow = DepthPolicy.predict(cost, Math.max(backlog, this.smoothedBacklog), load.workers(),
				this.meanAudioSeconds, this.p95AudioSeconds);
		this.lastPrediction = predicted;
		long rejected = windows.rejections.view(nowNanos).count();
		OptionalDouble arrivals = arrivalsPerSecond(windows, nowNanos, current.minSamples());
		this.lastWindowCost = gearCosts(windowCost(windows, nowNanos, estimates, current.minSamples()), estimates);
		double[] predictedAtWindowCost = DepthPolicy.predict(this.lastWindowCost, this.smoothedBacklog,
				load.workers(), this.meanAudioSeconds, this.p95AudioSeconds);
		double[] offered = DepthPolicy.offeredLoad(this.lastWindowCost, arrivals.orElse(0), this.meanAudioSeconds,
				load.workers());
		boolean offeredKnown = estimates.measured() && arrivals.isPresent();
		this.lastOfferedLoad = offeredKnown ? offered : nanArray(offered.length);
		this.lastSignals = new GovernorSnapshot.Signals(now, seconds(latency.percentile(95), 1e6), latency.count(),
				decisionP95, utilisation, load.inFlight(), load.queued(), load.workers(), this.smoothedBacklog,
				this.meanAudioSeconds,
				this.p95AudioSeconds, arrivals, rejected,
				this.signalBoard.statuses());
		long rejectedSinceChange = (this.lastChangeNanos == DepthPolicy.NEVER) ? rejected
				: windows.rejections.viewSince(this.lastChangeNanos, nowNanos).count();
		double[] unqueued = DepthPolicy.predict(cost, 0, load.workers(), this.meanAudioSeconds,
				this.p95AudioSeconds);
		double[] accuracy = new double[this.gears.length];
		for (int i = 0; i < accuracy.length; i++) {
			accuracy[i] = Math.max(0, 1 - this.wordErrorRates[i]);
		}
		return new Observation(nowNanos, decisionP95, utilisation, load, this.gears.clone(), cost,
				estimates.measured(), predicted, predictedNow, predictedAtWindowCost, arrivals, offered,
				rejectedSinceChange, unqueued, accuracy);
	}

	/**
	 * Requests admitted and turned away per second: the larger of the rate over the time the window's buckets
	 * cover (or since the window started, while that is shorter) and the rate over its last
	 * {@link #RECENT_ARRIVAL_BUCKETS} buckets, when those counted {@code minSamples} requests. So a spike shows
	 * within seconds, while a lull counts only once the whole window has forgotten the load before it. Empty until
	 * half a window has passed and {@code minSamples} requests have arrived, too little to be a rate (two requests
	 * in the first tenth of a second are not 20 a second).
	 */
	private static OptionalDouble arrivalsPerSecond(Windows windows, long nowNanos, int minSamples) {
		long windowStart = Math.max(windows.startedNanos, windows.admissions.viewStartNanos(nowNanos));
		long arrived = windows.admissions.view(nowNanos).count() + windows.rejections.view(nowNanos).count();
		if (nowNanos - windowStart < windows.lengthNanos / 2 || arrived < minSamples) {
			return OptionalDouble.empty();
		}
		double rate = arrived / ((nowNanos - windowStart) / 1e9);
		long recentStart = windows.admissions.viewStartNanos(nowNanos, RECENT_ARRIVAL_BUCKETS);
		long recent = windows.admissions.viewSince(recentStart, nowNanos).count()
				+ windows.rejections.viewSince(recentStart, nowNanos).count();
		if (recent >= minSamples) {
			rate = Math.max(rate, recent / ((nowNanos - Math.max(windows.startedNanos, recentStart)) / 1e9));
		}
		return OptionalDouble.of(rate);
	}

	/**
	 * The cost of each gear: the front end's, its exit's encoder's, {@code exitCost[exitOf[g]]}, and its decoding's.
	 */
	private double[] gearCosts(double[] exitCost, CostModel.Estimates estimates) {
		double[] cost = new double[this.gears.length];
		for (int i = 0; i < cost.length; i++) {
			cost[i] = estimates.frontEndSecondsPerAudioSecond() + exitCost[this.exitOf[i]]
					+ estimates.decoder(this.exitOf[i], this.gears[i].decoding());
		}
		return cost;
	}

	/**
	 * The cost of each exit's encoder over the window (front end and decoding excluded), {@code scale_w · shape(e)}
	 * with {@code scale_w = Σ encoderSeconds / Σ (audioSeconds · shape(e))} over the requests the window holds: the
	 * workers' measured busy time per audio second, for the offered load, which is a rate over the window too.
	 * The cost model's scale follows the last few requests, which on a busy machine swing several times either
	 * way as a worker is descheduled or not; a rate times such a cost flickers across the high mark at steady
	 * load. The cost model's estimate while the window holds fewer than {@code minSamples} requests.
	 */
	private static double[] windowCost(Windows windows, long nowNanos, CostModel.Estimates estimates,
			int minSamples) {
		SlidingWindowHistogram.View busy = windows.serviceMicros.view(nowNanos);
		SlidingWindowHistogram.View audio = windows.shapedAudioMicros.view(nowNanos);
		double[] cost = estimates.costSecondsPerAudioSecond().clone();
		if (busy.count() < minSamples || audio.count() < minSamples || !(audio.mean().getAsDouble() > 0)) {
			return cost;
		}
		// ratio of the sums; the two windows may differ by a request recorded while a bucket turned
		double scale = busy.mean().getAsDouble() * busy.count() / (audio.mean().getAsDouble() * audio.count());
		for (int i = 0; i < cost.length; i++) {
			cost[i] = scale * estimates.shape()[i];
		}
		return cost;
	}

	private static double[] nanArray(int length) {
		double[] values = new double[length];
		Arrays.fill(values, Double.NaN);
		return values;
	}

	/** Moves to another gear and tells the listeners. Holds the lock. */
	private void change(int targetIndex, Reason reason, String detail, Instant now) {
		Gear from = this.gears[this.gearIndex];
		Gear to = this.gears[targetIndex];
		DepthChange change = DepthChange.of(from, to, reason, detail, now);
		this.gearIndex = targetIndex;
		this.gear = to;
		this.lastChange = change;
		this.lastChangeNanos = nanos(now);
		logger.log(Level.INFO, () -> String.format(Locale.ROOT, "Gear %s -> %s (%s): %s", from, to, reason,
				detail));
		for (DepthChangeListener listener : this.listeners) {
			try {
				listener.onDepthChange(change);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Depth change listener " + listener + " failed", ex);
			}
		}
	}

	private static OptionalDouble seconds(OptionalDouble value, double unitsPerSecond) {
		return value.isPresent() ? OptionalDouble.of(value.getAsDouble() / unitsPerSecond) : OptionalDouble.empty();
	}

	static long nanos(Instant instant) {
		return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
	}

	/**
	 * The sliding windows over latency (microseconds), audio length (milliseconds) and requests admitted and
	 * turned away (counts), and when they started.
	 */
	private static final class Windows {

		final long lengthNanos;

		final long startedNanos;

		final SlidingWindowHistogram latencyMicros;

		final SlidingWindowHistogram audioMillis;

		final SlidingWindowHistogram admissions;

		final SlidingWindowHistogram rejections;

		/** Service time of each request the cost model learned from (microseconds). */
		final SlidingWindowHistogram serviceMicros;

		/** Its audio length times its exit's shape (micro-seconds of audio). */
		final SlidingWindowHistogram shapedAudioMicros;

		Windows(long windowNanos, long startedNanos) {
			this.lengthNanos = windowNanos;
			this.startedNanos = startedNanos;
			this.latencyMicros = new SlidingWindowHistogram(windowNanos, WINDOW_BUCKETS, 2);
			this.audioMillis = new SlidingWindowHistogram(windowNanos, WINDOW_BUCKETS, 2);
			this.admissions = new SlidingWindowHistogram(windowNanos, WINDOW_BUCKETS, 1);
			this.rejections = new SlidingWindowHistogram(windowNanos, WINDOW_BUCKETS, 1);
			this.serviceMicros = new SlidingWindowHistogram(windowNanos, WINDOW_BUCKETS, 3);
			this.shapedAudioMicros = new SlidingWindowHistogram(windowNanos, WINDOW_BUCKETS, 3);
		}

	}

	/** What {@link #gearFor} predicts with, published at each evaluation. */
	private record Forecast(double[] cost, double queuedAudioSeconds) {

		double latencySeconds(int index, double audioSeconds) {
			return this.cost[index] * (audioSeconds + this.queuedAudioSeconds);
		}

	}

}
