package io.gearbox.asr.bench;

import java.util.List;
import java.util.Random;

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

    @Test
    void editsSplitTheDistanceIntoSubstitutionsDeletionsAndInsertions() {
        List<String> reference = List.of("turn", "on", "the", "lights");
        assertThat(LoadBenchmark.WordErrors.edits(reference, reference)).isEqualTo(LoadBenchmark.WordErrors.Edits.NONE);
        assertThat(LoadBenchmark.WordErrors.edits(reference, List.of("turn", "off", "the", "lights")))
            .isEqualTo(new LoadBenchmark.WordErrors.Edits(1, 0, 0));
        assertThat(LoadBenchmark.WordErrors.edits(reference, List.of("turn", "the", "lights")))
            .isEqualTo(new LoadBenchmark.WordErrors.Edits(0, 1, 0));
        assertThat(LoadBenchmark.WordErrors.edits(reference, List.of("please", "turn", "on", "the", "lights", "now")))
            .isEqualTo(new LoadBenchmark.WordErrors.Edits(0, 0, 2));
        assertThat(LoadBenchmark.WordErrors.edits(reference, List.of())).isEqualTo(new LoadBenchmark.WordErrors.Edits(0, 4, 0));
        assertThat(LoadBenchmark.WordErrors.edits(List.of(), List.of("noise")))
            .isEqualTo(new LoadBenchmark.WordErrors.Edits(0, 0, 1));
    }

    @Test
    void editsAlwaysAddUpToTheDistance() {
        Random random = new Random(7);
        List<String> alphabet = List.of("a", "b", "c");
        for (int trial = 0; trial < 500; trial++) {
            List<String> reference = random.ints(random.nextInt(7), 0, 3).mapToObj(alphabet::get).toList();
            List<String> hypothesis = random.ints(random.nextInt(7), 0, 3).mapToObj(alphabet::get).toList();
            LoadBenchmark.WordErrors.Edits edits = LoadBenchmark.WordErrors.edits(reference, hypothesis);
            assertThat(edits.total()).as("%s against %s", hypothesis, reference)
                .isEqualTo(LoadBenchmark.WordErrors.distance(reference, hypothesis));
            // each reference word is matched, substituted or deleted; each hypothesis word matched, substituted
            // or inserted, so the matches counted from either side agree
            assertThat(reference.size() - edits.substitutions() - edits.deletions())
                .isEqualTo(hypothesis.size() - edits.substitutions() - edits.insertions());
        }
    }

}
