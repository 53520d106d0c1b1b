package io.gearbox.asr.governor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Service seconds per second of audio for each exit, as one machine-wide scale times a per-exit shape, plus what
 * every exit pays before its encoder and the cost of the CTC decoder that reads the exit's output:
 *
 * <pre>
 * cost(e, d)    = frontEnd + scale · shape(e) + decoder(e, d)
 * frontEnd      ← EWMA of frontEndSeconds / audioSeconds over all requests
 * decoder(e, d) ← EWMA of ctcDecodeSeconds / audioSeconds over the requests at exit e decoded the way d,
 *                 each with weight max(alpha, 1 / n); until one is measured, that of the nearest exit whose
 *                 requests were decoded the way d, or 0 when none was
 * shape(e) = prior(e) / prior(deepest) · k(e)       k(e) = 1 until refined; geometric mean of k over the
 *                                                    refined exits kept at 1 (unrefined exits use 1)
 * scale    ← EWMA over every request, at any exit, of  sampleCost / shape(e)
 *            weight max(alpha, 1 / n) for the n-th request; before any, scale = prior(deepest)
 * ln k(e)  ← ln k(e) + beta · f · clip(ln(sampleCost / cost(e)), ±0.1)     for a request at e
 * f        = share of the scale learned, within the last comparableSeconds or so, from other exits
 * </pre>
 *
 * <p>The scale follows how fast the machine is now (contention, clocks, batch effects), whichever exit serves:
 * fast requests at a shallow exit after a spike lower the predicted cost of the deep ones too, so an estimate
 * taken under load does not outlive the load. The priors give the shape (the exits' measured encoder costs, or
 * their parameter counts); a request
 * refines it only against a scale that other exits measured at about the same time ({@code f}): a residual seen
 * while one exit serves alone moves the scale, not the shape, and a stale scale (no request for a while) teaches
 * nothing about the shape. The residual is clipped: a shape error is a lasting, modest bias, while a large
 * residual is mostly the machine changing between two requests, which belongs to the scale. With nothing
 * measured the priors are used as given.
 *
 * <p>The exit's part learns from each request's service time less its front end and decoding (that is
 * {@code sampleCost} above), so its shape is the encoder's alone, which the priors describe:
 * uploads and features cost the same at every exit, so counted in the exits' costs they would make the shallow
 * exits far dearer than their parameters say, the priors' shape would predict them too cheap, and the first move
 * under load could land on a gear that cannot keep up. Requests at one exit
 * teach the same encoder cost whichever decoder read them.
 *
 * <p>The decoder's cost is learned per exit: a beam search explores more prefixes on a shallow exit's flatter
 * output, so with the language model a whole request at exit 2 costs as much as at exit 4 though its encoder is
 * cheaper ({@code ExitBenchmark}'s table of gears): one estimate shared by every exit would predict the shallow
 * full-decoding gears too cheap. Greedy decoding costs next to nothing at any exit, so a greedy gear is predicted
 * right once any greedy request has been measured.
 *
 * <p>Thread-safe; every method takes the model's lock for a few arithmetic operations per exit.
 */
final class CostModel {

	/** Requests whose audio is shorter than this are ignored: their cost is mostly fixed overhead. */
	static final double MIN_AUDIO_SECONDS = 0.05;

	/** Weight {@code beta} of a fully comparable request in its exit's shape correction. */
	static final double DEFAULT_SHAPE_ALPHA = 0.05;

	/** Largest {@code |ln(sampleCost / cost(e))|} one request brings to its exit's shape. */
	static final double MAX_SHAPE_RESIDUAL = 0.1;

	/** How long the scale counts as measured "at the same time" for refining a shape, by default. */
	static final long DEFAULT_COMPARABLE_NANOS = 10_000_000_000L;

	private final int[] depths;

	private final double[] priors;

	private final double alpha;

	private final double shapeAlpha;

	private final long comparableNanos;

	/** The scale relative to the priors: {@code scale = factor · prior(deepest)}. */
	private double factor = 1.0;

	/** {@code ln k(e)}. */
	private final double[] logCorrection;

	private final long[] samples;

	private long total;

	/** Share of the scale's EWMA each exit's requests hold while fresh. */
	private final double[] share;

	/** Share of the scale's EWMA from the prior or from requests older than about {@code comparableNanos}. */
	private double staleShare = 1.0;

	private long lastNanos = DepthPolicy.NEVER;

	private double frontEndCost;

	/** {@code decoder(e, d)}, indexed by exit, then by {@link Gear.Decoding#ordinal()}. */
	private final double[][] decoderCost;

	private final long[][] decoderSamples;

	/**
	 * @param exits the exits, in any order, depths distinct
	 * @param alpha weight of a new request in the scale once warmed up, in {@code (0, 1]}
	 */
	CostModel(List<ExitPrior> exits, double alpha) {
		this(exits, alpha, DEFAULT_SHAPE_ALPHA, DEFAULT_COMPARABLE_NANOS);
	}

	/**
	 * @param exits the exits, in any order, depths distinct
	 * @param alpha weight of a new request in the scale once warmed up, in {@code (0, 1]}
	 * @param shapeAlpha weight {@code beta} of a fully comparable request in its exit's shape, in {@code [0, 1]}
	 * @param comparableNanos time constant after which the scale no longer counts as measured now, {@code > 0}
	 */
	CostModel(List<ExitPrior> exits, double alpha, double shapeAlpha, long comparableNanos) {
		if (!(alpha > 0 && alpha <= 1)) {
			throw new IllegalArgumentException("alpha must be in (0, 1] but was " + alpha);
		}
		if (!(shapeAlpha >= 0 && shapeAlpha <= 1)) {
			throw new IllegalArgumentException("shapeAlpha must be in [0, 1] but was " + shapeAlpha);
		}
		if (comparableNanos <= 0) {
			throw new IllegalArgumentException("comparableNanos must be > 0 but was " + comparableNanos);
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
		this.logCorrection = new double[n];
		this.decoderCost = new double[n][Gear.Decoding.values().length];
		this.decoderSamples = new long[n][Gear.Decoding.values().length];
		this.samples = new long[n];
		this.share = new double[n];
		this.alpha = alpha;
		this.shapeAlpha = shapeAlpha;
		this.comparableNanos = comparableNanos;
	}

	/** The exit depths, shallowest first. */
	int[] depths() {
		return this.depths.clone();
	}

	/** Index of {@code depth} in {@link #depths()}, or a negative number when it is not an exit. */
	int indexOf(int depth) {
		return Arrays.binarySearch(this.depths, depth);
	}

	/**
	 * Learns from one request that completed at {@code nowNanos}; requests at unknown depths or with (almost) no
	 * audio are ignored.
	 *
	 * @return the shape of the request's exit before it learned, {@code shape(e)}, or {@code 0} when it was ignored:
	 * {@code (serviceSeconds - frontEndSeconds - ctcDecodeSeconds) / (audioSeconds · shape(e))} is what the
	 * request says of the scale
	 */
	synchronized double record(RequestSample sample, long nowNanos) {
		int e = indexOf(sample.depth());
		long exitNanos = sample.serviceNanos() - sample.frontEndNanos() - sample.ctcDecodeNanos();
		if (e < 0 || sample.audioSeconds() < MIN_AUDIO_SECONDS || exitNanos <= 0) {
			return 0;
		}
		int d = sample.decoding().ordinal();
		long decoded = ++this.decoderSamples[e][d];
		double decoderSample = (sample.ctcDecodeNanos() / 1e9) / sample.audioSeconds();
		this.decoderCost[e][d] += Math.max(this.alpha, 1.0 / decoded) * (decoderSample - this.decoderCost[e][d]);
		double frontEndSample = (sample.frontEndNanos() / 1e9) / sample.audioSeconds();
		this.frontEndCost += Math.max(this.alpha, 1.0 / (this.total + 1)) * (frontEndSample - this.frontEndCost);
		double shape = this.priors[e] / this.priors[this.priors.length - 1] * Math.exp(this.logCorrection[e]);
		double cost = (exitNanos / 1e9) / sample.audioSeconds();
		age(nowNanos);
		double comparable = 1 - this.staleShare - this.share[e];
		double residual = Math.max(-MAX_SHAPE_RESIDUAL, Math.min(MAX_SHAPE_RESIDUAL, Math.log(cost / costOf(e))));
		this.samples[e]++;
		if (comparable > 0 && this.shapeAlpha > 0) {
			this.logCorrection[e] += this.shapeAlpha * comparable * residual;
			normalise();
		}
		long n = ++this.total;
		double weight = Math.max(this.alpha, 1.0 / n);
		double implied = cost / (this.priors[e] * Math.exp(this.logCorrection[e]));
		this.factor = (n == 1) ? implied : this.factor + weight * (implied - this.factor);
		for (int i = 0; i < this.share.length; i++) {
			this.share[i] *= 1 - weight;
		}
		this.staleShare *= 1 - weight;
		this.share[e] += weight;
		return shape;
	}

	/** Moves the shares of requests older than about {@code comparableNanos} to the stale share. */
	private void age(long nowNanos) {
		if (this.lastNanos != DepthPolicy.NEVER && nowNanos > this.lastNanos) {
			double keep = Math.exp(-(double) (nowNanos - this.lastNanos) / this.comparableNanos);
			for (int i = 0; i < this.share.length; i++) {
				this.staleShare += this.share[i] * (1 - keep);
				this.share[i] *= keep;
			}
		}
		this.lastNanos = Math.max(nowNanos, this.lastNanos);
	}

	/**
	 * Keeps the mean of {@code ln k} over the refined exits at 0, moving it into the scale: the costs of the
	 * refined exits do not change, and the unrefined exits keep the mean correction of the refined ones.
	 */
	private void normalise() {
		double sum = 0;
		int refined = 0;
		for (int i = 0; i < this.logCorrection.length; i++) {
			if (this.samples[i] > 0) {
				sum += this.logCorrection[i];
				refined++;
			}
		}
		if (refined == 0 || sum == 0) {
			return;
		}
		double mean = sum / refined;
		for (int i = 0; i < this.logCorrection.length; i++) {
			if (this.samples[i] > 0) {
				this.logCorrection[i] -= mean;
			}
			else {
				this.logCorrection[i] = 0;
			}
		}
		this.factor *= Math.exp(mean);
	}

	private double costOf(int i) {
		return this.factor * this.priors[i] * Math.exp(this.logCorrection[i]);
	}

	/** A consistent copy of the estimates. */
	synchronized Estimates estimates() {
		double[] cost = new double[this.depths.length];
		double deepest = this.priors[this.priors.length - 1];
		double[] shape = new double[this.depths.length];
		for (int i = 0; i < cost.length; i++) {
			cost[i] = costOf(i);
			shape[i] = this.priors[i] / deepest * Math.exp(this.logCorrection[i]);
		}
		double[][] decoder = new double[this.depths.length][];
		for (int i = 0; i < decoder.length; i++) {
			decoder[i] = new double[Gear.Decoding.values().length];
			for (int d = 0; d < decoder[i].length; d++) {
				decoder[i][d] = decoderEstimate(i, d);
			}
		}
		return new Estimates(this.depths.clone(), cost, this.samples.clone(), this.factor * deepest, shape,
				this.total, this.frontEndCost, decoder);
	}

	/**
	 * {@code decoder(e, d)}: measured at exit {@code e}, else at the nearest exit that was (the shallower of two
	 * at the same distance, the dearer guess), else 0.
	 */
	private double decoderEstimate(int e, int d) {
		for (int distance = 0; distance < this.depths.length; distance++) {
			if (e - distance >= 0 && this.decoderSamples[e - distance][d] > 0) {
				return this.decoderCost[e - distance][d];
			}
			if (e + distance < this.depths.length && this.decoderSamples[e + distance][d] > 0) {
				return this.decoderCost[e + distance][d];
			}
		}
		return 0;
	}

	/**
	 * Cost estimates, shallowest exit first.
	 *
	 * @param depths exit depths
	 * @param costSecondsPerAudioSecond estimated service seconds per audio second of each exit's encoder, front end
	 * and decoding excluded
	 * @param samples how many requests each exit served (0: its shape is the prior's)
	 * @param scaleSecondsPerAudioSecond the machine-wide scale: the cost of a shape of 1 (the deepest exit's
	 * prior shape)
	 * @param shape each exit's cost relative to the scale
	 * @param totalSamples requests measured at any exit (0: the scale is the prior's)
	 * @param frontEndSecondsPerAudioSecond what every exit pays before its encoder (upload decoding, features)
	 * @param decoderSecondsPerAudioSecond the decoders' costs at each exit, shallowest first, then by
	 * {@link Gear.Decoding#ordinal()}
	 */
	record Estimates(int[] depths, double[] costSecondsPerAudioSecond, long[] samples,
			double scaleSecondsPerAudioSecond, double[] shape, long totalSamples, double frontEndSecondsPerAudioSecond,
			double[][] decoderSecondsPerAudioSecond) {

		double cost(int index) {
			return this.costSecondsPerAudioSecond[index];
		}

		/** The cost of decoding exit {@code index}'s output the way {@code decoding}, in service seconds per audio second. */
		double decoder(int index, Gear.Decoding decoding) {
			return this.decoderSecondsPerAudioSecond[index][decoding.ordinal()];
		}

		/** Whether any request has been measured, so that the costs are more than the priors. */
		boolean measured() {
			return this.totalSamples > 0;
		}

	}

}
