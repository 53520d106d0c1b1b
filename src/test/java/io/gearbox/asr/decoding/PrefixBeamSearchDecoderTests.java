package io.gearbox.asr.decoding;

import static io.gearbox.asr.decoding.Lattices.A;
import static io.gearbox.asr.decoding.Lattices.AT;
import static io.gearbox.asr.decoding.Lattices.BLANK;
import static io.gearbox.asr.decoding.Lattices.C;
import static io.gearbox.asr.decoding.Lattices.S;
import static io.gearbox.asr.decoding.Lattices.THE;
import static io.gearbox.asr.decoding.Lattices.frames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrefixBeamSearchDecoderTests {

    private static final Vocabulary VOCABULARY = Lattices.VOCABULARY;

    private final GreedyCtcDecoder greedy = new GreedyCtcDecoder(VOCABULARY, Lattices.FRAME_SECONDS);

    private static PrefixBeamSearchDecoder beam(int width) {
        return new PrefixBeamSearchDecoder(VOCABULARY, Lattices.FRAME_SECONDS, width);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 8, 32 })
    void equalsGreedyDecodingOnPeakyInput(int width) {
        Random random = new Random(42 + width);
        PrefixBeamSearchDecoder decoder = beam(width);
        for (int trial = 0; trial < 200; trial++) {
            float[][] logProbs = Lattices.peaky(random, 1 + random.nextInt(40), VOCABULARY.size(), 0.9);
            int length = random.nextInt(logProbs.length + 1);

            // Text, word times and confidences all equal: the best alignment is the greedy path.
            assertThat(decoder.decode(logProbs, length)).as("trial %d", trial)
                    .isEqualTo(greedy.decode(logProbs, length));
        }
    }

    @Test
    void summingAlignmentsFindsTheTextThatNoSingleBestPathSpells() {
        // P("") = 0.55 * 0.6 = 0.33, but P("a") = a-, -a, aa = 0.27 + 0.22 + 0.18 = 0.67.
        float[][] logProbs = Lattices.log(new double[][] {
                { 0.55, 0, 0, 0, 0.45, 0, 0, 0 },
                { 0.60, 0, 0, 0, 0.40, 0, 0, 0 } });

        assertThat(greedy.decode(logProbs, 2).text()).isEmpty();
        assertThat(beam(1).decode(logProbs, 2).text()).isEmpty();
        Transcript transcript = beam(2).decode(logProbs, 2);

        assertThat(transcript.text()).isEqualTo("a");
        // Timing and confidence from the most probable alignment of "a": a then blank (0.27).
        Word word = transcript.words().get(0);
        assertThat(word.start()).isEqualTo(0.0);
        assertThat(word.end()).isCloseTo(0.08, within(1e-12));
        assertThat(word.confidence()).isCloseTo(0.45, within(1e-6));
    }

    @Test
    void findsTheMostProbableTextWhenTheBeamHoldsEveryPrefix() {
        // Three labels (blank, ▁a, s) over six frames: 729 alignments, enumerated exhaustively.
        Vocabulary vocabulary = Vocabulary.of(List.of("<blank>", "\u2581a", "s"), 0);
        PrefixBeamSearchDecoder decoder = new PrefixBeamSearchDecoder(vocabulary, 0.08, 1000);
        Random random = new Random(7);
        int beatsGreedy = 0;
        for (int trial = 0; trial < 100; trial++) {
            float[][] logProbs = Lattices.flat(random, 6, 3);
            String best = bruteForceBestText(logProbs, vocabulary);

            assertThat(decoder.decode(logProbs, 6).text()).as("trial %d", trial).isEqualTo(best);
            if (!new GreedyCtcDecoder(vocabulary, 0.08).decode(logProbs, 6).text().equals(best)) {
                beatsGreedy++;
            }
        }
        assertThat(beatsGreedy).as("trials where greedy decoding misses the most probable text").isPositive();
    }

    @Test
    void aBlankBetweenEqualLabelsMakesTwoTokens() {
        assertThat(beam(4).decode(frames(0.9, A, S, BLANK, S), 4).text()).isEqualTo("ass");
        assertThat(beam(4).decode(frames(0.9, A, S, S, S), 4).text()).isEqualTo("as");
    }

    @Test
    void wordTimesAndConfidencesFollowTheBestAlignment() {
        float[][] logProbs = frames(new double[] { 0.9, 0.7, 0.9, 0.95, 0.6, 0.8, 0.5, 0.99 },
                BLANK, THE, THE, BLANK, C, AT, AT, BLANK);

        Transcript transcript = beam(8).decode(logProbs, logProbs.length);

        assertThat(transcript.text()).isEqualTo("the cat");
        assertThat(transcript.words()).extracting(Word::start).containsExactly(0.08, 0.32);
        assertThat(transcript.words().get(0).end()).isCloseTo(0.24, within(1e-12));
        assertThat(transcript.words().get(1).end()).isCloseTo(0.56, within(1e-12));
        assertThat(transcript.words().get(0).confidence()).isCloseTo(0.9, within(1e-6));
        assertThat(transcript.words().get(1).confidence()).isCloseTo(0.7, within(1e-6));
    }

    @Test
    void tokenPruningKeepsTheAnswerOnPeakyInput() {
        PrefixBeamSearchDecoder pruned = new PrefixBeamSearchDecoder(VOCABULARY, 0.08, 4, 2, Math.log(1e-3));
        Random random = new Random(3);
        for (int trial = 0; trial < 100; trial++) {
            float[][] logProbs = Lattices.peaky(random, 30, VOCABULARY.size(), 0.9);
            assertThat(pruned.decode(logProbs, 30)).isEqualTo(beam(4).decode(logProbs, 30));
        }
    }

    @Test
    void allBlankOrEmptyInputGivesAnEmptyTranscript() {
        assertThat(beam(4).decode(frames(0.9, BLANK, BLANK, BLANK), 3)).isEqualTo(Transcript.empty());
        assertThat(beam(4).decode(new float[0][], 0)).isEqualTo(Transcript.empty());
    }

    @Test
    void framesFromLengthOnAreIgnored() {
        float[][] logProbs = frames(0.9, THE, BLANK, C, AT);
        logProbs[3] = new float[] { 1, 2 };

        assertThat(beam(4).decode(logProbs, 2).text()).isEqualTo("the");
        assertThat(beam(4).decode(logProbs, 3).text()).isEqualTo("the c");
    }

    @Test
    void rejectsInvalidSettingsAndInput() {
        assertThatIllegalArgumentException().isThrownBy(() -> beam(0)).withMessageContaining("beamWidth");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PrefixBeamSearchDecoder(VOCABULARY, 0.08, 4, 0, -10))
                .withMessageContaining("maxTokensPerFrame");
        assertThatIllegalArgumentException().isThrownBy(() -> beam(4).decode(frames(0.9, THE), 2));
    }

    @Test
    void theLanguageModelPicksTheWordItKnowsWhenTheAcousticsHesitate() throws IOException {
        // "▁a s" is a little more probable to the acoustic model than "▁c at"; the language model knows "the cat".
        float[][] logProbs = Lattices.log(new double[][] {
                { 0.02, 0.9, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01 },
                { 0.02, 0.01, 0.45, 0.01, 0.48, 0.01, 0.01, 0.01 },
                { 0.02, 0.01, 0.01, 0.45, 0.01, 0.48, 0.01, 0.01 } });

        assertThat(beam(8).decode(logProbs, 3).text()).isEqualTo("the as");
        assertThat(fused(8, 1.0, 0.0).decode(logProbs, 3).text()).isEqualTo("the cat");
    }

    @Test
    void aWordThatCanNoLongerBecomeAKnownWordIsPenalisedBeforeItEnds() throws IOException {
        // After "▁the", "at" glues on ("theat", no word of the model starts so) a little more probably than "▁a"
        // starts a word. The look-ahead charges "theat" as an unknown word at once, so a narrow beam keeps "the a".
        float[][] logProbs = Lattices.log(new double[][] {
                { 0.02, 0.9, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01 },
                { 0.05, 0.01, 0.01, 0.48, 0.42, 0.01, 0.01, 0.01 },
                { 0.93, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01 } });

        assertThat(beam(1).decode(logProbs, 3).text()).isEqualTo("theat");
        assertThat(fused(1, 1.0, 0.0).decode(logProbs, 3).text()).isEqualTo("the a");
    }

    @Test
    void aLanguageModelOfWeightAndBonusZeroChangesNothing() throws IOException {
        PrefixBeamSearchDecoder fused = fused(4, 0.0, 0.0);
        Random random = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            float[][] logProbs = Lattices.flat(random, 12, VOCABULARY.size());

            assertThat(fused.decode(logProbs, 12)).as("trial %d", trial).isEqualTo(beam(4).decode(logProbs, 12));
        }
    }

    @Test
    void theWordBonusOffsetsTheLanguageModelsCostPerWord() throws IOException {
        // Acoustically "the a" and "the" are as probable; every word costs the language model something (here
        // "the a" 1.4 nats more than "the"), so only a bonus per word makes two words worth more than one.
        float[][] logProbs = Lattices.log(new double[][] {
                { 0.02, 0.9, 0.02, 0.02, 0.01, 0.01, 0.01, 0.01 },
                { 0.47, 0.01, 0.01, 0.01, 0.47, 0.01, 0.01, 0.01 } });

        assertThat(fused(8, 1.0, 0.0).decode(logProbs, 2).text()).isEqualTo("the");
        assertThat(fused(8, 1.0, 2.0).decode(logProbs, 2).text()).isEqualTo("the a");
    }

    @Test
    void reportsItsMethodWidthAndLanguageModel() throws IOException {
        assertThat(beam(8).settings()).isEqualTo(new CtcDecoder.Settings("beam", 8, null));
        assertThat(fused(8, 0.6, 2.5).settings())
                .isEqualTo(new CtcDecoder.Settings("beam", 8, new CtcDecoder.LanguageModel(2, 7, 0.6, 2.5)));
        assertThat(greedy.settings()).isEqualTo(new CtcDecoder.Settings("greedy", 1, null));
    }

    @Test
    void rejectsInvalidFusionWeights() throws IOException {
        NgramLanguageModel model = languageModel();
        assertThatIllegalArgumentException().isThrownBy(() -> new LanguageModelFusion(model, -0.1, 0))
                .withMessageContaining("weight");
        assertThatIllegalArgumentException().isThrownBy(() -> new LanguageModelFusion(model, 1, Double.NaN))
                .withMessageContaining("wordBonus");
    }

    /** Knows "the cat", "the a" and "as" only as a rare word. */
    private static NgramLanguageModel languageModel() throws IOException {
        String arpa = """
                \\data\\
                ngram 1=7
                ngram 2=4

                \\1-grams:
                -1.0\t<s>\t-0.5
                -1.0\t</s>
                -6.0\t<unk>
                -1.0\tthe\t-0.2
                -1.5\tcat\t-0.2
                -1.5\ta\t-0.2
                -4.0\tas

                \\2-grams:
                -0.3\t<s> the
                -0.4\tthe cat
                -0.6\tthe a
                -0.2\tcat </s>

                \\end\\
                """;
        return NgramLanguageModel.read(new ByteArrayInputStream(arpa.getBytes(StandardCharsets.UTF_8)), "test.arpa");
    }

    private static PrefixBeamSearchDecoder fused(int width, double weight, double wordBonus) throws IOException {
        return new PrefixBeamSearchDecoder(VOCABULARY, Lattices.FRAME_SECONDS, width, Integer.MAX_VALUE,
                Double.NEGATIVE_INFINITY, new LanguageModelFusion(languageModel(), weight, wordBonus));
    }

    @Test
    void logAddExpIsStableAndHandlesMinusInfinity() {
        double minusInf = Double.NEGATIVE_INFINITY;
        assertThat(PrefixBeamSearchDecoder.logAddExp(minusInf, minusInf)).isEqualTo(minusInf);
        assertThat(PrefixBeamSearchDecoder.logAddExp(minusInf, -3)).isEqualTo(-3);
        assertThat(PrefixBeamSearchDecoder.logAddExp(Math.log(0.25), Math.log(0.5))).isCloseTo(Math.log(0.75),
                within(1e-12));
        assertThat(PrefixBeamSearchDecoder.logAddExp(-1000, -1000)).isCloseTo(-1000 + Math.log(2), within(1e-9));
    }

    /** The text whose alignments have the largest summed probability, by enumerating every alignment. */
    private static String bruteForceBestText(float[][] logProbs, Vocabulary vocabulary) {
        int frames = logProbs.length;
        int size = vocabulary.size();
        Map<String, Double> byText = new HashMap<>();
        int[] path = new int[frames];
        int total = (int) Math.pow(size, frames);
        for (int n = 0; n < total; n++) {
            int rest = n;
            double logProb = 0;
            for (int t = 0; t < frames; t++) {
                path[t] = rest % size;
                rest /= size;
                logProb += logProbs[t][path[t]];
            }
            List<TokenSpan> tokens = new ArrayList<>();
            int previous = vocabulary.blankId();
            for (int t = 0; t < frames; t++) {
                if (path[t] != vocabulary.blankId() && path[t] != previous) {
                    tokens.add(new TokenSpan(path[t], t, t, 0));
                }
                previous = path[t];
            }
            StringBuilder key = new StringBuilder();
            for (TokenSpan token : tokens) {
                key.append(vocabulary.piece(token.tokenId()));
            }
            byText.merge(key.toString(), Math.exp(logProb), Double::sum);
        }
        String best = byText.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return best.replace('\u2581', ' ').strip().replaceAll("\\s+", " ");
    }
}
