package io.gearbox.asr.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.gearbox.asr.bench.LoadBenchmark.Outcome;
import io.gearbox.asr.bench.LoadBenchmark.Row;

import static org.assertj.core.api.Assertions.assertThat;

class LoadFiguresTests {

    private static final long SLO = 200_000_000L;

    private static final long SECOND = 1_000_000_000L;

    @Test
    void withinSloCountsEveryRequestSentWhileAnswersOnTimeCountsOnlyTheAnswers() {
        List<Outcome> outcomes = List.of(answer(0, 50, 12, false), answer(0, 150, 12, false), answer(0, 450, 12, false),
                declined(0), declined(0));

        Row row = Row.of(3, "auto", 700, 5, outcomes, SLO);

        assertThat(row.withinSlo()).isEqualTo(2 / 5.0);
        assertThat(row.answersOnTime()).isEqualTo(2 / 3.0);
        assertThat(row.rejected()).isEqualTo(2);
    }

    @Test
    void theTimelineShowsEachSecondsShareOnTimeAndTheGearThatAnsweredMost() {
        List<Outcome> outcomes = List.of(answer(0, 50, 12, false), answer(SECOND / 2, 90, 12, false),
                answer(SECOND + 1, 900, 12, false), answer(SECOND + 2, 40, 2, true), answer(SECOND + 3, 60, 2, true),
                declined(SECOND + 4), declined(2 * SECOND));

        assertThat(LoadBenchmark.timeline(outcomes, SLO)).isEqualTo("100% 12 | 50% 2f | 0% -");
    }

    private static Outcome answer(long dueNanos, long latencyMillis, int depth, boolean fast) {
        return new Outcome(dueNanos, 200, latencyMillis * 1_000_000L, depth, fast, 0, 0, 3);
    }

    private static Outcome declined(long dueNanos) {
        return new Outcome(dueNanos, 503, 5_000_000L, 0, false, Double.NaN, 0, 0);
    }

}
