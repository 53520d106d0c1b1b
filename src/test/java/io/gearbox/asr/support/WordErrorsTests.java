package io.gearbox.asr.support;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;


class WordErrorsTests {

    @Test
    void wordsAreLowerCasedAndSplitOnAnyWhitespace() {
        assertThat(WordErrors.words("  Turn ON\tthe   lights\n")).containsExactly("turn", "on", "the",
                "lights");
        assertThat(WordErrors.words("   ")).isEmpty();
    }

    @Test
    void distanceCountsSubstitutionsDeletionsAndInsertions() {
        List<String> reference = List.of("turn", "on", "the", "lights");
        assertThat(WordErrors.distance(reference, reference)).isZero();
        assertThat(WordErrors.distance(reference, List.of("turn", "off", "the", "lights"))).isOne();
        assertThat(WordErrors.distance(reference, List.of("turn", "the", "lights"))).isOne();
        assertThat(WordErrors.distance(reference, List.of("please", "turn", "on", "the", "lights")))
            .isOne();
        assertThat(WordErrors.distance(reference, List.of())).isEqualTo(4);
        assertThat(WordErrors.distance(List.of(), List.of("noise"))).isOne();
    }

    @Test
    void editsSplitTheDistanceIntoSubstitutionsDeletionsAndInsertions() {
        List<String> reference = List.of("turn", "on", "the", "lights");
        assertThat(WordErrors.edits(reference, reference)).isEqualTo(WordErrors.Edits.NONE);
        assertThat(WordErrors.edits(reference, List.of("turn", "off", "the", "lights")))
            .isEqualTo(new WordErrors.Edits(1, 0, 0));
        assertThat(WordErrors.edits(reference, List.of("turn", "the", "lights")))
            .isEqualTo(new WordErrors.Edits(0, 1, 0));
        assertThat(WordErrors.edits(reference, List.of("please", "turn", "on", "the", "lights", "now")))
            .isEqualTo(new WordErrors.Edits(0, 0, 2));
        assertThat(WordErrors.edits(reference, List.of())).isEqualTo(new WordErrors.Edits(0, 4, 0));
        assertThat(WordErrors.edits(List.of(), List.of("noise")))
            .isEqualTo(new WordErrors.Edits(0, 0, 1));
    }

    @Test
    void editsAlwaysAddUpToTheDistance() {
        Random random = new Random(7);
        List<String> alphabet = List.of("a", "b", "c");
        for (int trial = 0; trial < 500; trial++) {
            List<String> reference = random.ints(random.nextInt(7), 0, 3).mapToObj(alphabet::get).toList();
            List<String> hypothesis = random.ints(random.nextInt(7), 0, 3).mapToObj(alphabet::get).toList();
            WordErrors.Edits edits = WordErrors.edits(reference, hypothesis);
            assertThat(edits.total()).as("%s against %s", hypothesis, reference)
                .isEqualTo(WordErrors.distance(reference, hypothesis));
            // each reference word is matched, substituted or deleted; each hypothesis word matched, substituted
            // or inserted, so the matches counted from either side agree
            assertThat(reference.size() - edits.substitutions() - edits.deletions())
                .isEqualTo(hypothesis.size() - edits.substitutions() - edits.insertions());
        }
    }

}
