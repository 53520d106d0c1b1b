package io.gearbox.asr.governor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Service seconds per second of audio for each exit: an exponentially weighted moving average of measured
 * requests, seeded from priors until an exit is measured.
 *
 * <p>For a measured exit, {@code cost = EWMA(serviceSeconds / audioSeconds)}, where the weight of a new sample is
 * {@code max(alpha, 1 / n)} for the {@code n}-th sample (a plain mean until {@code 1 / alpha} samples, so the
 * first ones are not pulled towards the prior). An exit with no samples costs its prior times the geometric mean
 * of {@code measured / prior} over the measured exits: the priors give the shape, the measurements the scale of
 * this machine. With nothing measured the priors are used as given.
 *
 * <p>Thread-safe; every method takes the model's lock for a few arithmetic operations.
 */
final class CostModel {

	/** Requests whose audio is shorter than this are ignored: their cost is mostly fixed overhead. */
	static final double MIN_AUDIO_SECONDS = 0.05;

	private final int[] depths;

	private final double[] priors;

	private final double[] ewma;

	private final long[] samples;

	private final double alpha;

	/**
	 * @param exits the exits, in any order, depths distinct
	 * @param alpha weight of a new sample once warmed up, in {@code (0, 1]}
	 */
	CostModel(List<ExitPrior> exits, double alpha) {
		if (!(alpha > 0 && alpha <= 1)) {
			throw new IllegalArgumentException("alpha must be in (0, 1] but was " + alpha);
		}
		List<ExitPrior> sorted = new ArrayList<>(exits);
		sorted.sort((a, b) -> Integer.compare(a.depth(), b.depth()));
		int n = sorted.size();
		if (n == 0) {
			throw new IllegalArgumentException("at least one exit is required");
		}
		this.depths = new int[n];
		this.priors = new double[n];
		for (int i = 0; i < n; i++) {
			this.depths[i] = sorted.get(i).depth();
			this.priors[i] = sorted.get(i).priorCostSecondsPerAudioSecond();
			if (i > 0 && this.depths[i] == this.depths[i - 1]) {
				throw new IllegalArgumentException("exit depths must be distinct but " + this.depths[i] + " repeats");
			}
		}
		this.ewma = new double[n];
		this.samples = new long[n];
		this.alpha = alpha;
	}

	/** The exit depths, shallowest first. */
	int[] depths() {
		return this.depths.clone();
	}

	/** Index of {@code depth} in {@link #depths()}, or a negative number when it is not an exit. */
	int indexOf(int depth) {
		return Arrays.binarySearch(this.depths, depth);
	}

	/** Learns from one request; requests at unknown depths or with (almost) no audio are ignored. */
	synchronized void record(RequestSample sample) {
		int i = indexOf(sample.depth());
		if (i < 0 || sample.audioSeconds() < MIN_AUDIO_SECONDS) {
			return;
		}
		double cost = (sample.serviceNanos() / 1e9) / sample.audioSeconds();
		long n = ++this.samples[i];
		double weight = Math.max(this.alpha, 1.0 / n);
		this.ewma[i] = (n == 1) ? cost : this.ewma[i] + weight * (cost - this.ewma[i]);
	}

	/** A consistent copy of the estimates. */
	synchronized Estimates estimates() {
		double logRatioSum = 0;
		int measured = 0;
		for (int i = 0; i < this.depths.length; i++) {
			if (this.samples[i] > 0 && this.ewma[i] > 0) {
				logRatioSum += Math.log(this.ewma[i] / this.priors[i]);
				measured++;
			}
		}
		double scale = (measured == 0) ? 1.0 : Math.exp(logRatioSum / measured);
		double[] cost = new double[this.depths.length];
		for (int i = 0; i < cost.length; i++) {
			cost[i] = (this.samples[i] > 0 && this.ewma[i] > 0) ? this.ewma[i] : this.priors[i] * scale;
		}
		return new Estimates(this.depths.clone(), cost, this.samples.clone());
	}

	/**
	 * Cost estimates, shallowest exit first.
	 *
	 * @param depths exit depths
	 * @param costSecondsPerAudioSecond estimated service seconds per audio second
	 * @param samples how many requests measured each exit (0: estimate from the prior)
	 */
	record Estimates(int[] depths, double[] costSecondsPerAudioSecond, long[] samples) {

		double cost(int index) {
			return this.costSecondsPerAudioSecond[index];
		}

	}

}
