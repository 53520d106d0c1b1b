package io.gearbox.asr.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlOperandsTests {

    @Test
    void aThresholdComparisonLeavesItsVectorSide() {
        assertThat(PromQlOperands.of("instance:asr_requests_overloaded:ratio_rate5m > 0.05"))
            .containsExactly("instance:asr_requests_overloaded:ratio_rate5m");
    }

    @Test
    void multiWindowBurnRatesLeaveEveryWindowAndNoThreshold() {
        assertThat(PromQlOperands.of("""
                (
                  slo:ratio_rate1h > (14.4 * 0.05)
                  and slo:ratio_rate5m > (14.4 * 0.05)
                )
                or
                (slo:ratio_rate6h > (6 * 0.05) and slo:ratio_rate30m > (6 * 0.05))
                """))
            .containsExactly("slo:ratio_rate1h", "slo:ratio_rate5m", "slo:ratio_rate6h", "slo:ratio_rate30m");
    }

    @Test
    void matchingModifiersAreNotPartOfTheOperand() {
        assertThat(PromQlOperands.of("a == 2 and on (job, instance) b == bool 1 and ignoring (x) group_left (y) c"))
            .containsExactly("a", "b", "c");
    }

    @Test
    void operatorWordsInsideNamesLabelsAndStringsDoNotSplit() {
        assertThat(PromQlOperands.of("up{job=\"a or b\"} == 1 unless on (job) errors_and_warnings_total"))
            .containsExactly("up{job=\"a or b\"}", "errors_and_warnings_total");
    }

    @Test
    void aggregationsArithmeticAndMatchersStayWhole() {
        String expression = "sum by (le) (rate(x_bucket{le=~\"1.*\",a!=\"b\"}[5m])) / sum(rate(x_count[5m]))";

        assertThat(PromQlOperands.of(expression)).containsExactly(expression);
    }

    @Test
    void aNaNTestKeepsBothSides() {
        assertThat(PromQlOperands.of("x != x and max_over_time(x[6h]) >= 0"))
            .containsExactly("x", "x", "max_over_time(x[6h])");
    }

}
