package io.gearbox.asr.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SegmenterTests {

    private final Segmenter segmenter = new Segmenter();

    @Test
    void aPauseLongerThanTheLimitStartsANewSegment() {
        List<Word> words = List.of(word("hello", 0.0, 0.4), word("there", 0.48, 0.9), word("general", 1.8, 2.2),
                word("kenobi", 2.3, 2.8));

        List<Segment> segments = segmenter.segment(words);

        assertThat(segments).hasSize(2);
        assertThat(segments.get(0)).isEqualTo(new Segment(0, 0.0, 0.9, "hello there", words.subList(0, 2)));
        assertThat(segments.get(1)).isEqualTo(new Segment(1, 1.8, 2.8, "general kenobi", words.subList(2, 4)));
    }

    @Test
    void aPauseOfExactlyTheLimitKeepsTheSegment() {
        List<Segment> segments = segmenter.segment(List.of(word("a", 0.0, 0.5), word("b", 1.3, 1.6)));

        assertThat(segments).singleElement().extracting(Segment::text).isEqualTo("a b");
    }

    @Test
    void aSegmentNeverRunsPastTheMaximumDuration() {
        List<Word> words = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            words.add(word("w" + i, i * 0.7, i * 0.7 + 0.5));
        }

        List<Segment> segments = segmenter.segment(words);

        assertThat(segments).hasSizeGreaterThan(1);
        assertThat(segments).allSatisfy(s -> assertThat(s.end() - s.start()).isLessThanOrEqualTo(30.0));
        assertThat(segments).extracting(Segment::id).containsExactly(0, 1, 2);
        assertThat(segments.stream().mapToInt(s -> s.words().size()).sum()).isEqualTo(100);
        assertThat(segments.get(0).words()).hasSize(43);
    }

    @Test
    void aWordLongerThanTheMaximumMakesItsOwnSegment() {
        List<Segment> segments = new Segmenter(0.8, 1.0)
                .segment(List.of(word("a", 0, 0.5), word("long", 0.6, 2.0), word("b", 2.1, 2.3)));

        assertThat(segments).extracting(Segment::text).containsExactly("a", "long", "b");
    }

    @Test
    void noWordsGiveNoSegments() {
        assertThat(segmenter.segment(Transcript.empty())).isEmpty();
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Segmenter(-1, 30))
                .withMessageContaining("maxPauseSeconds");
        assertThatIllegalArgumentException().isThrownBy(() -> new Segmenter(0.8, 0))
                .withMessageContaining("maxSegmentSeconds");
    }

    private static Word word(String text, double start, double end) {
        return new Word(text, start, end, 0.9);
    }
}
