package io.gearbox.asr.decoding;

import static io.gearbox.asr.decoding.Lattices.A;
import static io.gearbox.asr.decoding.Lattices.AT;
import static io.gearbox.asr.decoding.Lattices.BLANK;
import static io.gearbox.asr.decoding.Lattices.BOUNDARY;
import static io.gearbox.asr.decoding.Lattices.C;
import static io.gearbox.asr.decoding.Lattices.S;
import static io.gearbox.asr.decoding.Lattices.THE;
import static io.gearbox.asr.decoding.Lattices.UNK;
import static io.gearbox.asr.decoding.Lattices.frames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GreedyCtcDecoderTests {

    private final GreedyCtcDecoder decoder = new GreedyCtcDecoder(Lattices.VOCABULARY, Lattices.FRAME_SECONDS);

    @Test
    void repeatedLabelsCollapseIntoOneToken() {
        Transcript transcript = decoder.decode(frames(0.9, C, C, C, AT, AT, BLANK), 6);

        assertThat(transcript.text()).isEqualTo("cat");
        assertThat(transcript.words()).singleElement().satisfies(word -> {
            assertThat(word.start()).isEqualTo(0.0);
            assertThat(word.end()).isCloseTo(5 * 0.08, within(1e-12));
        });
    }

    @Test
    void aBlankBetweenEqualLabelsMakesTwoTokens() {
        assertThat(decoder.decode(frames(0.9, A, S, BLANK, S), 4).text()).isEqualTo("ass");
        assertThat(decoder.decode(frames(0.9, A, S, S, S), 4).text()).isEqualTo("as");
        assertThat(decoder.decode(frames(0.9, A, BLANK, A), 3).text()).isEqualTo("a a");
    }

    @Test
    void wordTimesAndConfidencesFollowTheTokenFrames() {
        float[][] logProbs = frames(new double[] { 0.9, 0.7, 0.9, 0.95, 0.6, 0.8, 0.5, 0.99, 0.99 },
                BLANK, THE, THE, BLANK, C, AT, AT, BLANK, BLANK);

        Transcript transcript = decoder.decode(logProbs, logProbs.length);

        assertThat(transcript.text()).isEqualTo("the cat");
        assertThat(transcript.words()).hasSize(2);
        Word the = transcript.words().get(0);
        assertThat(the.word()).isEqualTo("the");
        assertThat(the.start()).isCloseTo(1 * 0.08, within(1e-12));
        assertThat(the.end()).isCloseTo(3 * 0.08, within(1e-12));
        // Peak posterior of its only token over frames 1..2.
        assertThat(the.confidence()).isCloseTo(0.9, within(1e-6));
        Word cat = transcript.words().get(1);
        assertThat(cat.word()).isEqualTo("cat");
        assertThat(cat.start()).isCloseTo(4 * 0.08, within(1e-12));
        assertThat(cat.end()).isCloseTo(7 * 0.08, within(1e-12));
        // Mean over its tokens ▁c (0.6) and at (max of 0.8 and 0.5).
        assertThat(cat.confidence()).isCloseTo(0.7, within(1e-6));
        assertThat(transcript.confidence()).isCloseTo(0.8, within(1e-6));
    }

    @Test
    void aPieceWithoutBoundaryContinuesTheWordAndOneWithBoundaryStartsANewOne() {
        Transcript transcript = decoder.decode(frames(0.9, AT, BLANK, A, S, BLANK, C, AT, S), 8);

        assertThat(transcript.text()).isEqualTo("at as cats");
        assertThat(transcript.words()).extracting(Word::word).containsExactly("at", "as", "cats");
    }

    @Test
    void unknownOnlyWordsAreSkippedAndUnknownPiecesAddNoText() {
        Transcript transcript = decoder.decode(frames(0.9, THE, BLANK, BOUNDARY, UNK, BLANK, C, UNK, AT, UNK), 9);

        assertThat(transcript.text()).isEqualTo("the cat");
        assertThat(transcript.words()).extracting(Word::word).containsExactly("the", "cat");
        // The <unk> inside "cat" still counts towards its timing.
        assertThat(transcript.words().get(1).end()).isCloseTo(9 * 0.08, within(1e-12));
    }

    @Test
    void allBlankOrEmptyInputGivesAnEmptyTranscript() {
        assertThat(decoder.decode(frames(0.9, BLANK, BLANK, BLANK), 3)).isEqualTo(Transcript.empty());
        assertThat(decoder.decode(new float[0][], 0)).isEqualTo(Transcript.empty());
        assertThat(decoder.decode(frames(0.9, THE), 0)).isEqualTo(Transcript.empty());
        assertThat(Transcript.empty().text()).isEmpty();
        assertThat(Transcript.empty().confidence()).isZero();
    }

    @Test
    void framesFromLengthOnAreIgnored() {
        float[][] logProbs = frames(0.9, THE, BLANK, C, AT);
        logProbs[3] = new float[] { 1, 2 }; // padding may hold anything, even the wrong width

        assertThat(decoder.decode(logProbs, 2).text()).isEqualTo("the");
        assertThat(decoder.decode(logProbs, 3).text()).isEqualTo("the c");
    }

    @Test
    void rejectsALengthOutsideTheMatrixAndRowsOfTheWrongWidth() {
        float[][] logProbs = frames(0.9, THE, BLANK);
        assertThatIllegalArgumentException().isThrownBy(() -> decoder.decode(logProbs, 3)).withMessageContaining("3");
        assertThatIllegalArgumentException().isThrownBy(() -> decoder.decode(logProbs, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> decoder.decode(new float[][] { { 0f, 0f } }, 1))
                .withMessageContaining("8");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GreedyCtcDecoder(Lattices.VOCABULARY, 0))
                .withMessageContaining("frameSeconds");
    }
}
