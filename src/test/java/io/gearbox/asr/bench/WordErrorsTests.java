package io.gearbox.asr.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WordErrorsTests {

    @Test
    void wordsAreLowerCasedAndSplitOnAnyWhitespace() {
        assertThat(LoadBenchmark.WordErrors.words("  Turn ON\tthe   lights\n")).containsExactly("turn", "on", "the",
                "lights");
        assertThat(LoadBenchmark.WordErrors.words("   ")).isEmpty();
    }

    @Test
    void distanceCountsSubstitutionsDeletionsAndInsertions() {
        List<String> reference = List.of("turn", "on", "the", "lights");
        assertThat(LoadBenchmark.WordErrors.distance(reference, reference)).isZero();
        assertThat(LoadBenchmark.WordErrors.distance(reference, List.of("turn", "off", "the", "lights"))).isOne();
        assertThat(LoadBenchmark.WordErrors.distance(reference, List.of("turn", "the", "lights"))).isOne();
        assertThat(LoadBenchmark.WordErrors.distance(reference, List.of("please", "turn", "on", "the", "lights")))
            .isOne();
        assertThat(LoadBenchmark.WordErrors.distance(reference, List.of())).isEqualTo(4);
        assertThat(LoadBenchmark.WordErrors.distance(List.of(), List.of("noise"))).isOne();
    }

}
