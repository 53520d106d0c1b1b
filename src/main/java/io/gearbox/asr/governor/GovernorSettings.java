package io.gearbox.asr.governor;

import java.time.Duration;
import java.util.Objects;

/**
 * The governor's policy settings ({@code asr.governor.*}), immutable and validated once on construction.
 *
 * <p>Marks come in pairs so that the band between them is a dead zone (hysteresis): above a high mark the
 * governor moves shallower, under all low marks for {@code dwell} it moves deeper, in between it holds.
 *
 * @param latencySlo the objective for the p95 of end-to-end latency; also the latency high mark
 * @param latencyLowFraction p95 low mark as a fraction of {@code latencySlo}, in {@code (0, 1)}
 * @param predictionTarget a move chooses the deepest exit whose predicted latency is at most this fraction of
 * {@code latencySlo}, in {@code (0, 1]}; below 1 it leaves headroom for the error of the prediction
 * @param utilisationHigh utilisation high mark, in {@code (0, 1]}
 * @param utilisationLow utilisation low mark, in {@code [0, utilisationHigh)}
 * @param dwell how long all signals must stay under the low marks before each move deeper
 * @param cooldown minimum time after any change of depth before the policy changes it again
 * @param window length of the sliding window over request latencies and audio lengths
 * @param minSamples fewest requests in the window (since the last change) for its p95 to count
 * @param maximise what a move under load maximises: answers on time, or correct words on time
 *
 * <p>Every duration is at most {@link #MAX_DURATION}: the policy works in nanoseconds, and longer durations would
 * overflow them.
 */
public record GovernorSettings(Duration latencySlo, double latencyLowFraction, double predictionTarget,
		double utilisationHigh, double utilisationLow, Duration dwell, Duration cooldown, Duration window,
		int minSamples, Maximise maximise) {

	/** The longest duration any setting may have. */
	public static final Duration MAX_DURATION = Duration.ofDays(1);

	/** Default p95 latency objective. */
	public static final Duration DEFAULT_LATENCY_SLO = Duration.ofSeconds(1);

	public GovernorSettings {
		Objects.requireNonNull(latencySlo, "latencySlo");
		Objects.requireNonNull(dwell, "dwell");
		Objects.requireNonNull(cooldown, "cooldown");
		Objects.requireNonNull(window, "window");
		Objects.requireNonNull(maximise, "maximise");
		requirePositive("latencySlo", latencySlo);
		if (!(latencyLowFraction > 0 && latencyLowFraction < 1)) {
			throw new IllegalArgumentException("latencyLowFraction must be in (0, 1) but was " + latencyLowFraction);
		}
		if (!(predictionTarget > 0 && predictionTarget <= 1)) {
			throw new IllegalArgumentException("predictionTarget must be in (0, 1] but was " + predictionTarget);
		}
		if (!(utilisationHigh > 0 && utilisationHigh <= 1)) {
			throw new IllegalArgumentException("utilisationHigh must be in (0, 1] but was " + utilisationHigh);
		}
		if (!(utilisationLow >= 0 && utilisationLow < utilisationHigh)) {
			throw new IllegalArgumentException("utilisationLow must be in [0, utilisationHigh=" + utilisationHigh
					+ ") but was " + utilisationLow);
		}
		if (dwell.isNegative()) {
			throw new IllegalArgumentException("dwell must be >= 0 but was " + dwell);
		}
		if (cooldown.isNegative()) {
			throw new IllegalArgumentException("cooldown must be >= 0 but was " + cooldown);
		}
		requirePositive("window", window);
		if (window.compareTo(Duration.ofMillis(10)) < 0) {
			throw new IllegalArgumentException("window must be at least 10ms but was " + window);
		}
		requireAtMostMax("latencySlo", latencySlo);
		requireAtMostMax("dwell", dwell);
		requireAtMostMax("cooldown", cooldown);
		requireAtMostMax("window", window);
		if (minSamples < 1) {
			throw new IllegalArgumentException("minSamples must be >= 1 but was " + minSamples);
		}
	}

	private static void requireAtMostMax(String name, Duration value) {
		if (value.compareTo(MAX_DURATION) > 0) {
			throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION + " but was " + value);
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be > 0 but was " + value);
		}
	}

	/**
	 * The defaults: p95 objective 1 s, p95 low mark 0.6 (600 ms), prediction target 0.8, utilisation marks 0.90
	 * and 0.60, dwell 10 s, cooldown 3 s, window 10 s, at least 20 samples, maximise answers.
	 */
	public static GovernorSettings defaults() {
		return new GovernorSettings(DEFAULT_LATENCY_SLO, 0.6, 0.8, 0.90, 0.60, Duration.ofSeconds(10),
				Duration.ofSeconds(3), Duration.ofSeconds(10), 20, Maximise.ANSWERS);
	}

	/** A builder starting from these settings, for changing a few of them. */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/** Builds settings from {@link #defaults()} or from existing settings; validates in {@link #build()}. */
	public static final class Builder {

		private Duration latencySlo;

		private double latencyLowFraction;

		private double predictionTarget;

		private double utilisationHigh;

		private double utilisationLow;

		private Duration dwell;

		private Duration cooldown;

		private Duration window;

		private int minSamples;

		private Maximise maximise;

		private Builder(GovernorSettings from) {
			this.latencySlo = from.latencySlo;
			this.latencyLowFraction = from.latencyLowFraction;
			this.predictionTarget = from.predictionTarget;
			this.utilisationHigh = from.utilisationHigh;
			this.utilisationLow = from.utilisationLow;
			this.dwell = from.dwell;
			this.cooldown = from.cooldown;
			this.window = from.window;
			this.minSamples = from.minSamples;
			this.maximise = from.maximise;
		}

		public Builder latencySlo(Duration latencySlo) {
			this.latencySlo = latencySlo;
			return this;
		}

		public Builder latencyLowFraction(double latencyLowFraction) {
			this.latencyLowFraction = latencyLowFraction;
			return this;
		}

		public Builder predictionTarget(double predictionTarget) {
			this.predictionTarget = predictionTarget;
			return this;
		}

		public Builder utilisationHigh(double utilisationHigh) {
			this.utilisationHigh = utilisationHigh;
			return this;
		}

		public Builder utilisationLow(double utilisationLow) {
			this.utilisationLow = utilisationLow;
			return this;
		}

		public Builder dwell(Duration dwell) {
			this.dwell = dwell;
			return this;
		}

		public Builder cooldown(Duration cooldown) {
			this.cooldown = cooldown;
			return this;
		}

		public Builder window(Duration window) {
			this.window = window;
			return this;
		}

		public Builder minSamples(int minSamples) {
			this.minSamples = minSamples;
			return this;
		}

		public Builder maximise(Maximise maximise) {
			this.maximise = maximise;
			return this;
		}

		/** @throws IllegalArgumentException naming the first invalid value */
		public GovernorSettings build() {
			return new GovernorSettings(this.latencySlo, this.latencyLowFraction, this.predictionTarget,
					this.utilisationHigh, this.utilisationLow, this.dwell, this.cooldown, this.window,
					this.minSamples, this.maximise);
		}

	}

}
