package io.gearbox.asr.governor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class SlidingWindowHistogramTests {

	private static final long SECOND = 1_000_000_000L;

	private final SlidingWindowHistogram histogram = new SlidingWindowHistogram(10 * SECOND, 10, 2);

	@Test
	void reportsTheP95OfTheValuesInTheWindow() {
		for (int i = 1; i <= 100; i++) {
			this.histogram.record(i * 10, 3 * SECOND + i);
		}
		SlidingWindowHistogram.View view = this.histogram.view(4 * SECOND);
		assertThat(view.count()).isEqualTo(100);
		assertThat(view.percentile(95).getAsDouble()).isCloseTo(950, within(10.0));
		assertThat(view.mean().getAsDouble()).isCloseTo(505, within(5.0));
	}

	@Test
	void theLastFewBucketsAreAViewOfTheirOwn() {
		for (int second = 0; second < 10; second++) {
			this.histogram.record(second, second * SECOND + SECOND / 2);
		}
		long now = 9 * SECOND + SECOND / 4;
		long lastThree = this.histogram.viewStartNanos(now, 3);
		assertThat(lastThree).isEqualTo(7 * SECOND);
		assertThat(this.histogram.viewSince(lastThree, now).count()).isEqualTo(3);
		assertThat(this.histogram.viewStartNanos(now, 10)).isEqualTo(this.histogram.viewStartNanos(now));
		assertThatIllegalArgumentException().isThrownBy(() -> this.histogram.viewStartNanos(now, 11));
	}

	@Test
	void forgetsValuesOnceTheyLeaveTheWindow() {
		this.histogram.record(5_000, 0);
		this.histogram.record(100, 5 * SECOND);
		assertThat(this.histogram.view(9 * SECOND).count()).isEqualTo(2);
		SlidingWindowHistogram.View later = this.histogram.view(10 * SECOND);
		assertThat(later.count()).isEqualTo(1);
		assertThat(later.percentile(95).getAsDouble()).isCloseTo(100, within(1.0));
		assertThat(this.histogram.view(15 * SECOND).count()).isZero();
		assertThat(this.histogram.view(15 * SECOND).percentile(95)).isEmpty();
	}

	@Test
	void reusesBucketsAfterAQuietSpellLongerThanTheWindow() {
		this.histogram.record(7, 2 * SECOND);
		this.histogram.record(9, 42 * SECOND);
		SlidingWindowHistogram.View view = this.histogram.view(42 * SECOND);
		assertThat(view.count()).isEqualTo(1);
		assertThat(view.mean().getAsDouble()).isCloseTo(9, within(0.5));
	}

	@Test
	void viewSinceLeavesOutTheBucketsBeforeAGivenTime() {
		this.histogram.record(1_000, 1 * SECOND);
		this.histogram.record(1_000, 2 * SECOND + SECOND / 2);
		this.histogram.record(10, 3 * SECOND);
		this.histogram.record(10, 4 * SECOND);
		SlidingWindowHistogram.View since = this.histogram.viewSince(2 * SECOND + SECOND / 2, 5 * SECOND);
		assertThat(since.count()).isEqualTo(2);
		assertThat(since.percentile(100).getAsDouble()).isCloseTo(10, within(0.5));
	}

}
