package io.gearbox.asr.audio;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Band-limited sample-rate conversion by a polyphase windowed-sinc filter.
 *
 * <p>For rates {@code from} and {@code to}, let {@code L/M = to/from} in lowest terms.
 * Output sample {@code n} sits at input time {@code t = n·M/L}, so the output is aligned
 * with the input (zero delay) and its length is {@code round(length·to/from)}. It is
 * {@code y[n] = Σ x[i]·h(t − i)} with {@code h} a sinc low-pass at cutoff
 * {@code 0.475·min(from, to)} Hz shaped by a Kaiser window (β for 80 dB stopband
 * attenuation); the transition band runs from {@code 0.45·min} to {@code 0.5·min}, so
 * the lower rate's Nyquist frequency is already in the stopband. The filter is evaluated
 * at the {@code L} distinct fractional offsets once (one "phase" each, normalised to unit
 * DC gain); when {@code L} exceeds {@value #MAX_PHASES} the nearest of
 * {@value #MAX_PHASES} phases is used, a timing error of at most 1/4096 sample. Samples
 * outside the input are taken as zero.
 *
 * <p>Cost: about {@code 100·from/min(from, to)} multiply-adds per output sample (300
 * for 48 kHz to 16 kHz, 100 for any upsampling).
 *
 * <p>Hand-written because Maven Central has no maintained, pure-Java resampler with a
 * controlled stopband: the candidates are ports of libresample (a fixed, modest filter
 * under the LGPL) or JNI wrappers of native libraries (libsoxr, libswresample) that would
 * add a native dependency for about a hundred lines of arithmetic. The frequency-response
 * tests pin the behaviour.
 */
public final class Resampler {

	private static final double STOPBAND_ATTENUATION_DB = 80;

	private static final double PASSBAND_EDGE = 0.45;

	private static final double STOPBAND_EDGE = 0.50;

	private static final int MAX_PHASES = 2048;

	/** Largest ratio between the two rates; bounds the filter length. */
	private static final int MAX_RATIO = 16;

	private static final int MAX_CACHED_COEFFICIENTS = 1 << 18;

	private static final Map<Long, FilterBank> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, FilterBank> eldest) {
			return size() > 8;
		}
	};

	private Resampler() {
	}

	/**
	 * Resamples mono audio.
	 * @param input samples at {@code fromRate}; not modified
	 * @param fromRate input rate in Hz, positive
	 * @param toRate output rate in Hz, positive, within a factor of 16 of {@code fromRate}
	 * @return a new array of {@code round(input.length · toRate / fromRate)} samples
	 * at {@code toRate}; a copy of the input when the rates are equal
	 * @throws IllegalArgumentException for non-positive rates or a ratio above 16
	 */
	public static float[] resample(float[] input, int fromRate, int toRate) {
		Objects.requireNonNull(input, "input");
		if (fromRate <= 0 || toRate <= 0) {
			throw new IllegalArgumentException("Sample rates must be positive, were " + fromRate + " and " + toRate);
		}
		if (Math.max(fromRate, toRate) / Math.min(fromRate, toRate) >= MAX_RATIO) {
			throw new IllegalArgumentException(
					"Resampling ratio must be below " + MAX_RATIO + ", was " + fromRate + " to " + toRate);
		}
		if (fromRate == toRate) {
			return input.clone();
		}
		long outputLength = ((long) input.length * toRate + fromRate / 2) / fromRate;
		if (outputLength > DecodeLimits.MAX_ARRAY_LENGTH) {
			throw new IllegalArgumentException("Resampled output would have " + outputLength + " samples");
		}
		float[] output = new float[(int) outputLength];
		if (input.length > 0) {
			filterBank(fromRate, toRate).apply(input, output);
		}
		return output;
	}

	/**
	 * A resampler for audio that arrives in chunks (a live stream): the concatenation of its outputs equals
	 * {@link #resample} of the concatenated input, sample for sample, however the input is chunked. An output
	 * sample is produced once every input sample its filter reaches has arrived, so the output lags the input by
	 * half the filter's length (about 1 ms); {@link Stream#flush} produces the rest. Keeps only that filter's length
	 * of input. Not thread-safe.
	 * @param fromRate input rate in Hz, positive
	 * @param toRate output rate in Hz, positive, within a factor of 16 of {@code fromRate}
	 * @return a new stream at the start of the audio
	 * @throws IllegalArgumentException for non-positive rates or a ratio above 16
	 */
	public static Stream stream(int fromRate, int toRate) {
		resample(new float[0], fromRate, toRate); // validates the rates
		return new Stream(fromRate, toRate);
	}

	/** See {@link Resampler#stream}. */
	public static final class Stream {

		private final int fromRate;

		private final int toRate;

		private final FilterBank bank;

		/** Input kept: absolute samples {@code kept[0]} at {@code keptStart} up to {@code received}. */
		private float[] kept = new float[0];

		private long keptStart;

		private long received;

		private long produced;

		private Stream(int fromRate, int toRate) {
			this.fromRate = fromRate;
			this.toRate = toRate;
			this.bank = (fromRate == toRate) ? null : filterBank(fromRate, toRate);
		}

		/**
		 * @param input the next samples at the input rate; not modified
		 * @return the output samples that this input completes (possibly none)
		 */
		public float[] accept(float[] input) {
			Objects.requireNonNull(input, "input");
			if (this.bank == null) {
				this.received += input.length;
				return input.clone();
			}
			float[] joined = Arrays.copyOf(this.kept, this.kept.length + input.length);
			System.arraycopy(input, 0, joined, this.kept.length, input.length);
			this.kept = joined;
			this.received += input.length;
			// Output n reads inputs up to floor(n·M/L) + halfWidth (one more when the phase rounds up).
			long last = this.received - 2 - this.bank.halfWidth;
			long available = (last < 0) ? 0 : (last * this.bank.l) / this.bank.m + 1;
			return produce(available, this.received);
		}

		/** @return the rest of the output, the input after the last sample taken as silence */
		public float[] flush() {
			if (this.bank == null) {
				return new float[0];
			}
			long total = (this.received * this.toRate + this.fromRate / 2) / this.fromRate;
			return produce(total, this.received);
		}

		private float[] produce(long upTo, long inputEnd) {
			int count = (int) Math.max(0, upTo - this.produced);
			float[] output = new float[count];
			this.bank.apply(this.kept, this.keptStart, inputEnd, this.produced, output, count);
			this.produced += count;
			// Keep what the next output's filter starts from.
			long nextBase = (this.produced * this.bank.m) / this.bank.l;
			long keepFrom = Math.max(this.keptStart, Math.min(this.received, nextBase - this.bank.halfWidth));
			if (keepFrom > this.keptStart) {
				this.kept = Arrays.copyOfRange(this.kept, (int) (keepFrom - this.keptStart), this.kept.length);
				this.keptStart = keepFrom;
			}
			return output;
		}

	}

	private static FilterBank filterBank(int fromRate, int toRate) {
		Long key = ((long) fromRate << 32) | toRate;
		synchronized (CACHE) {
			FilterBank cached = CACHE.get(key);
			if (cached != null) {
				return cached;
			}
		}
		FilterBank bank = new FilterBank(fromRate, toRate);
		if (bank.coefficients.length <= MAX_CACHED_COEFFICIENTS) {
			synchronized (CACHE) {
				CACHE.put(key, bank);
			}
		}
		return bank;
	}

	private static final class FilterBank {

		/** Output step in input samples is {@code m / l}. */
		private final long l;

		private final long m;

		private final int phases;

		private final int halfWidth;

		private final int taps;

		/** {@code phases} rows of {@code taps}; row p, tap j weighs input {@code base − halfWidth + 1 + j}. */
		private final float[] coefficients;

		FilterBank(int fromRate, int toRate) {
			int gcd = gcd(fromRate, toRate);
			this.l = toRate / gcd;
			this.m = fromRate / gcd;
			this.phases = (int) Math.min(this.l, MAX_PHASES);
			double lowerRate = Math.min(fromRate, toRate);
			double cutoff = (PASSBAND_EDGE + STOPBAND_EDGE) / 2 * lowerRate / (fromRate / 2.0);
			double transition = (STOPBAND_EDGE - PASSBAND_EDGE) * lowerRate / fromRate;
			// Kaiser's estimates of the window length and shape for the wanted attenuation.
			double length = (STOPBAND_ATTENUATION_DB - 7.95) / (14.36 * transition);
			double beta = 0.1102 * (STOPBAND_ATTENUATION_DB - 8.7);
			this.halfWidth = (int) Math.ceil(length / 2);
			this.taps = 2 * this.halfWidth;
			this.coefficients = new float[this.phases * this.taps];
			double besselBeta = besselI0(beta);
			double[] row = new double[this.taps];
			for (int phase = 0; phase < this.phases; phase++) {
				double fraction = (double) phase / this.phases;
				double sum = 0;
				for (int j = 0; j < this.taps; j++) {
					double offset = fraction + this.halfWidth - 1 - j;
					double x = offset / this.halfWidth;
					double window = (Math.abs(x) >= 1) ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / besselBeta;
					row[j] = cutoff * sinc(cutoff * offset) * window;
					sum += row[j];
				}
				for (int j = 0; j < this.taps; j++) {
					this.coefficients[phase * this.taps + j] = (float) (row[j] / sum);
				}
			}
		}

		void apply(float[] input, float[] output) {
			apply(input, 0, input.length, 0, output, output.length);
		}

		/**
		 * Computes output samples {@code first .. first + count - 1} into {@code output[0 .. count - 1]}.
		 * @param input the input from absolute sample {@code inputStart} on
		 * @param inputStart the absolute index of {@code input[0]}; earlier samples must not be needed
		 * @param inputEnd the absolute index after the last input sample; later samples are taken as zero
		 */
		void apply(float[] input, long inputStart, long inputEnd, long first, float[] output, int count) {
			float[] c = this.coefficients;
			int taps = this.taps;
			for (int k = 0; k < count; k++) {
				long n = first + k;
				long position = n * this.m;
				long base = position / this.l;
				long remainder = position % this.l;
				int phase;
				if (this.phases == this.l) {
					phase = (int) remainder;
				}
				else {
					phase = (int) Math.round((double) remainder * this.phases / this.l);
					if (phase == this.phases) {
						phase = 0;
						base++;
					}
				}
				long start = base - this.halfWidth + 1;
				int row = phase * taps;
				int from = (int) Math.max(0, -start);
				int end = (int) Math.min(taps, inputEnd - start);
				int at = (int) (start + from - inputStart);
				// Four partial sums let the JIT overlap the multiply-adds.
				float s0 = 0f;
				float s1 = 0f;
				float s2 = 0f;
				float s3 = 0f;
				int j = from;
				for (; j + 3 < end; j += 4, at += 4) {
					s0 += input[at] * c[row + j];
					s1 += input[at + 1] * c[row + j + 1];
					s2 += input[at + 2] * c[row + j + 2];
					s3 += input[at + 3] * c[row + j + 3];
				}
				for (; j < end; j++, at++) {
					s0 += input[at] * c[row + j];
				}
				output[k] = (s0 + s1) + (s2 + s3);
			}
		}

		private static double sinc(double x) {
			if (Math.abs(x) < 1e-12) {
				return 1;
			}
			double px = Math.PI * x;
			return Math.sin(px) / px;
		}

		/** Modified Bessel function of the first kind, order 0, by its power series. */
		private static double besselI0(double x) {
			double sum = 1;
			double term = 1;
			double halfX = x / 2;
			for (int k = 1; k < 200; k++) {
				term *= (halfX / k) * (halfX / k);
				sum += term;
				if (term < sum * 1e-16) {
					break;
				}
			}
			return sum;
		}

		private static int gcd(int a, int b) {
			while (b != 0) {
				int t = a % b;
				a = b;
				b = t;
			}
			return a;
		}

	}

}
