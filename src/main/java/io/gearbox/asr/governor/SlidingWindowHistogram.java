package io.gearbox.asr.governor;

import java.util.OptionalDouble;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Values over a sliding time window: a ring of {@code buckets} HdrHistograms, each covering
 * {@code window / buckets} of time, fed by one wait-free {@link Recorder}.
 *
 * <p>Recording is wait-free except once per bucket period, when the first value of a new period moves the
 * recorder's content into the bucket of the period it was recorded in (a short lock). A value recorded while
 * another thread turns the period may land in the next bucket; the window is exact to one bucket. Reads see the
 * last {@code buckets} periods, the current one included, so the window covers between
 * {@code window - window / buckets} and {@code window} of time.
 *
 * <p>Time is passed in by the caller (nanoseconds on any fixed origin) so tests need no real clock.
 */
final class SlidingWindowHistogram {

	private final long bucketNanos;

	private final Histogram[] ring;

	private final long[] ringPeriod;

	private final Recorder recorder;

	private Histogram recycled;

	private volatile long currentPeriod;

	/**
	 * @param windowNanos length of the window
	 * @param buckets number of buckets in the ring, {@code >= 2}
	 * @param significantDigits HdrHistogram precision, {@code 0..5}
	 */
	SlidingWindowHistogram(long windowNanos, int buckets, int significantDigits) {
		if (buckets < 2) {
			throw new IllegalArgumentException("buckets must be >= 2 but was " + buckets);
		}
		if (windowNanos < buckets) {
			throw new IllegalArgumentException("windowNanos must be >= buckets but was " + windowNanos);
		}
		this.bucketNanos = windowNanos / buckets;
		this.ring = new Histogram[buckets];
		this.ringPeriod = new long[buckets];
		for (int i = 0; i < buckets; i++) {
			this.ring[i] = new Histogram(significantDigits);
			this.ringPeriod[i] = Long.MIN_VALUE;
		}
		this.recorder = new Recorder(significantDigits);
		this.currentPeriod = Long.MIN_VALUE;
	}

	/** Records a value ({@code >= 0}) observed at {@code nowNanos}. */
	void record(long value, long nowNanos) {
		long period = Math.floorDiv(nowNanos, this.bucketNanos);
		if (period != this.currentPeriod) {
			turn(period);
		}
		this.recorder.recordValue(Math.max(0, value));
	}

	/** The values recorded in the window ending at {@code nowNanos}. */
	View view(long nowNanos) {
		return viewSince(Long.MIN_VALUE, nowNanos);
	}

	/**
	 * The values recorded in the window ending at {@code nowNanos}, keeping only buckets that started at or after
	 * {@code sinceNanos}; the bucket in which {@code sinceNanos} falls is left out unless it starts exactly there.
	 */
	synchronized View viewSince(long sinceNanos, long nowNanos) {
		long period = Math.floorDiv(nowNanos, this.bucketNanos);
		turnLocked(Math.max(period, this.currentPeriod));
		long newest = this.currentPeriod;
		long oldest = newest - this.ring.length + 1;
		long firstAllowed = (sinceNanos == Long.MIN_VALUE) ? Long.MIN_VALUE
				: Math.floorDiv(sinceNanos + this.bucketNanos - 1, this.bucketNanos);
		Histogram merged = new Histogram(this.recorderDigits());
		for (int i = 0; i < this.ring.length; i++) {
			long p = this.ringPeriod[i];
			if (p >= oldest && p <= newest && p >= firstAllowed && p <= period) {
				merged.add(this.ring[i]);
			}
		}
		return new View(merged);
	}

	/**
	 * The start of the oldest bucket that {@link #view} at {@code nowNanos} holds: the view covers the time from
	 * there to {@code nowNanos}, between {@code buckets - 1} and {@code buckets} bucket lengths.
	 */
	long viewStartNanos(long nowNanos) {
		return viewStartNanos(nowNanos, this.ring.length);
	}

	/**
	 * The start of the bucket {@code buckets - 1} periods before the one {@code nowNanos} falls in: with
	 * {@link #viewSince} from there, the last {@code buckets} buckets, current one included.
	 */
	long viewStartNanos(long nowNanos, int buckets) {
		if (buckets < 1 || buckets > this.ring.length) {
			throw new IllegalArgumentException("buckets must be in [1, " + this.ring.length + "] but was " + buckets);
		}
		return (Math.floorDiv(nowNanos, this.bucketNanos) - buckets + 1) * this.bucketNanos;
	}

	private int recorderDigits() {
		return this.ring[0].getNumberOfSignificantValueDigits();
	}

	private synchronized void turn(long period) {
		if (period > this.currentPeriod) {
			turnLocked(period);
		}
	}

	/** Moves what the recorder holds into the current period's bucket, then makes {@code period} current. */
	private void turnLocked(long period) {
		this.recycled = this.recorder.getIntervalHistogram(this.recycled);
		if (this.currentPeriod != Long.MIN_VALUE && this.recycled.getTotalCount() > 0) {
			bucketFor(this.currentPeriod).add(this.recycled);
		}
		if (period != this.currentPeriod) {
			bucketFor(period);
			this.currentPeriod = period;
		}
	}

	private Histogram bucketFor(long period) {
		int index = (int) Math.floorMod(period, (long) this.ring.length);
		if (this.ringPeriod[index] != period) {
			this.ring[index].reset();
			this.ringPeriod[index] = period;
		}
		return this.ring[index];
	}

	/** An immutable summary of the values in a window. */
	static final class View {

		private final Histogram histogram;

		private View(Histogram histogram) {
			this.histogram = histogram;
		}

		long count() {
			return this.histogram.getTotalCount();
		}

		/** The value at {@code percentile} (0..100), or empty when the window holds nothing. */
		OptionalDouble percentile(double percentile) {
			return (count() == 0) ? OptionalDouble.empty()
					: OptionalDouble.of(this.histogram.getValueAtPercentile(percentile));
		}

		/** The mean value, or empty when the window holds nothing. */
		OptionalDouble mean() {
			return (count() == 0) ? OptionalDouble.empty() : OptionalDouble.of(this.histogram.getMean());
		}

	}

}
