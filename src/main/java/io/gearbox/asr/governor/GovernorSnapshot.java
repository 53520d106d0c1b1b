package io.gearbox.asr.governor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * An immutable view of the governor for operators, as of its last evaluation (signals, predictions) and of now
 * (depth, mode, settings).
 *
 * @param at when the snapshot was taken
 * @param gear the default gear now: its exit and decoding
 * @param mode who chooses it
 * @param state where the policy stood at its last evaluation
 * @param lastDecision the figures behind the last evaluation
 * @param lastChange the last change of gear, if any
 * @param signals what the governor sees
 * @param exits the cost table, lowest gear first
 * @param settings the settings in force
 */
public record GovernorSnapshot(Instant at, Gear gear, GovernorMode mode, PolicyState state, String lastDecision,
		Optional<DepthChange> lastChange, Signals signals, List<ExitCost> exits, GovernorSettings settings) {

	public GovernorSnapshot {
		Objects.requireNonNull(at, "at");
		Objects.requireNonNull(gear, "gear");
		Objects.requireNonNull(mode, "mode");
		Objects.requireNonNull(state, "state");
		Objects.requireNonNull(lastDecision, "lastDecision");
		Objects.requireNonNull(lastChange, "lastChange");
		Objects.requireNonNull(signals, "signals");
		exits = List.copyOf(exits);
		Objects.requireNonNull(settings, "settings");
	}

	/** The default exit now, the current gear's. */
	public int depth() {
		return this.gear.depth();
	}

	/**
	 * The signals as of the last evaluation.
	 *
	 * @param evaluatedAt when they were taken (the governor's start before its first evaluation)
	 * @param p95LatencySeconds p95 of end-to-end latency over the whole window, when it holds any request
	 * @param windowSamples requests completed in the window
	 * @param decisionP95LatencySeconds the p95 the policy used: requests in the window completed since the last
	 * change, when at least {@code minSamples} did
	 * @param utilisation largest reading among the healthy steering sources, if any
	 * @param inFlight requests being served
	 * @param queued requests waiting for a worker
	 * @param workers requests that can be served at once
	 * @param smoothedBacklog requests a new arrival waits for, smoothed over time, as the policy predicts with
	 * @param meanAudioSeconds mean audio length in the window (the last known one when the window is empty)
	 * @param p95AudioSeconds p95 audio length in the window (likewise): the "typical" request of the predictions
	 * @param arrivalsPerSecond requests admitted and turned away per second over the window, once half a window
	 * has passed and {@code minSamples} requests have arrived
	 * @param windowRejections requests turned away (admission queue full) in the window
	 * @param sources each source's status, the load probe's last
	 */
	public record Signals(Instant evaluatedAt, OptionalDouble p95LatencySeconds, long windowSamples,
			OptionalDouble decisionP95LatencySeconds, OptionalDouble utilisation, int inFlight, int queued,
			int workers, double smoothedBacklog, double meanAudioSeconds, double p95AudioSeconds,
			OptionalDouble arrivalsPerSecond, long windowRejections, List<SourceStatus> sources) {

		public Signals {
			Objects.requireNonNull(evaluatedAt, "evaluatedAt");
			Objects.requireNonNull(p95LatencySeconds, "p95LatencySeconds");
			Objects.requireNonNull(decisionP95LatencySeconds, "decisionP95LatencySeconds");
			Objects.requireNonNull(utilisation, "utilisation");
			Objects.requireNonNull(arrivalsPerSecond, "arrivalsPerSecond");
			sources = List.copyOf(sources);
		}

	}

	/**
	 * One row of the cost table.
	 *
	 * @param gear the exit and its decoding
	 * @param costSecondsPerAudioSecond estimated service seconds per audio second now: the machine-wide scale,
	 * learned from requests at every exit, times this exit's shape, plus the decoding's measured cost; follows the
	 * last few requests and drives the latency predictions
	 * @param windowCostSecondsPerAudioSecond the same over the window: the workers' busy time per audio second
	 * of the requests the window holds, times this exit's shape; steadier, and the cost the offered load uses
	 * (the fast cost while the window holds too few requests)
	 * @param samples requests served at this gear's exit, with either decoding; 0 means its shape (its cost relative to the other exits) comes
	 * from the prior, though the scale may be measured
	 * @param predictedLatencySeconds predicted end-to-end latency of a typical request now
	 * @param offeredLoad the fraction of the workers the arriving requests would keep busy at this exit
	 * ({@code > 1}: more than it can serve), or {@code NaN} before arrivals and costs are measured
	 * @param wordErrorRate the gear's word error rate on the model's development set, or {@code NaN} when the
	 * model gives none
	 */
	public record ExitCost(Gear gear, double costSecondsPerAudioSecond, double windowCostSecondsPerAudioSecond,
			long samples, double predictedLatencySeconds, double offeredLoad, double wordErrorRate) {

		/** The gear's exit. */
		public int depth() {
			return this.gear.depth();
		}

		/** Whether requests at this exit measured its cost, rather than its shape being taken from the prior. */
		public boolean measured() {
			return this.samples > 0;
		}

	}

}
