package io.gearbox.asr.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;

import io.gearbox.asr.decoding.NgramLanguageModel.State;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NgramLanguageModelTests {

    private static final double LN_10 = Math.log(10.0);

    private static final Offset<Double> TOLERANCE = within(1e-9);

    /** A 3-gram model laid out as IRSTLM writes it: padded counts, tabs, back-off weights missing on some lines. */
    private static final String ARPA = """

            \\data\\
            ngram  1=     7
            ngram  2=     6
            ngram  3=     2

            \\1-grams:
            -1.0\t<s>\t-0.5
            -2.0\t</s>
            -1.5\t<unk>
            -0.75\tthe\t-0.25
            -1.25\tcat\t-0.125
            -1.5\tsat\t-0.375
            -3.0\tmat

            \\2-grams:
            -0.5\t<s> the\t-0.25
            -0.25\tthe cat\t-0.5
            -0.875\tthe sat
            -0.75\tcat sat
            -1.0\tcat </s>
            -0.625\tsat </s>

            \\3-grams:
            -0.125\t<s> the cat
            -0.375\tthe cat sat

            \\end\\
            """;

    @Test
    void tellsWhetherASpellingCanStillBecomeAWord() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        assertThat(lm.startsSomeWord("ca")).isTrue();
        assertThat(lm.startsSomeWord("cat")).isTrue();
        assertThat(lm.startsSomeWord("m")).isTrue();
        assertThat(lm.startsSomeWord("cats")).isFalse();
        assertThat(lm.startsSomeWord("dog")).isFalse();
        assertThat(lm.startsSomeWord("zzz")).as("after the last word").isFalse();
    }

    @Test
    void readsTheOrderAndTheVocabulary() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        assertThat(lm.order()).isEqualTo(3);
        assertThat(lm.vocabularySize()).isEqualTo(7);
        assertThat(lm.contains("the")).isTrue();
        assertThat(lm.contains("<unk>")).isTrue();
        assertThat(lm.contains("dog")).isFalse();
    }

    @Test
    void scoresASeenTrigramWithItsOwnProbability() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        State afterThe = lm.next(lm.start(), "the");

        assertThat(lm.logProb(afterThe, "cat")).isCloseTo(-0.125 * LN_10, TOLERANCE);
        assertThat(lm.logProb(lm.next(afterThe, "cat"), "sat")).isCloseTo(-0.375 * LN_10, TOLERANCE);
    }

    @Test
    void scoresASeenBigramAfterTheStartOfASentence() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        assertThat(lm.logProb(lm.start(), "the")).isCloseTo(-0.5 * LN_10, TOLERANCE);
    }

    @Test
    void backsOffToTheBigramWhenTheTrigramIsMissing() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        State afterStartThe = lm.next(lm.start(), "the");

        // "<s> the sat" is missing: backoff(<s> the) + p(sat | the) = -0.25 + -0.875
        assertThat(lm.logProb(afterStartThe, "sat")).isCloseTo((-0.25 - 0.875) * LN_10, TOLERANCE);
    }

    @Test
    void backsOffToTheUnigramAddingEveryBackOffWeight() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        State afterStartThe = lm.next(lm.start(), "the");

        // "<s> the mat" and "the mat" are missing: backoff(<s> the) + backoff(the) + p(mat) = -0.25 + -0.25 + -3.0
        assertThat(lm.logProb(afterStartThe, "mat")).isCloseTo((-0.25 - 0.25 - 3.0) * LN_10, TOLERANCE);
        // after the bigram "cat sat", which is not a context of the model: 0 + backoff(sat) + p(mat)
        State afterCatSat = lm.next(lm.next(lm.start(), "cat"), "sat");
        assertThat(lm.logProb(afterCatSat, "mat")).isCloseTo((-0.375 - 3.0) * LN_10, TOLERANCE);
    }

    @Test
    void treatsAContextMissingFromTheModelAsBackOffWeightZero() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        State afterStartCat = lm.next(lm.start(), "cat");

        // "<s> cat" is no bigram of the model, so no weight is added before p(sat | cat)
        assertThat(lm.logProb(afterStartCat, "sat")).isCloseTo(-0.75 * LN_10, TOLERANCE);
    }

    @Test
    void scoresTheEndOfTheSentenceAsTheEndMarker() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        State afterTheCat = lm.next(lm.next(lm.start(), "the"), "cat");
        State afterStartThe = lm.next(lm.start(), "the");

        // "the cat </s>" is missing: backoff(the cat) + p(</s> | cat) = -0.5 + -1.0
        assertThat(lm.endLogProb(afterTheCat)).isCloseTo((-0.5 - 1.0) * LN_10, TOLERANCE);
        assertThat(lm.endLogProb(afterTheCat)).isEqualTo(lm.logProb(afterTheCat, "</s>"));
        // down to the unigram: backoff(<s> the) + backoff(the) + p(</s>) = -0.25 + -0.25 + -2.0
        assertThat(lm.endLogProb(afterStartThe)).isCloseTo((-0.25 - 0.25 - 2.0) * LN_10, TOLERANCE);
    }

    @Test
    void scoresWordsOutsideTheVocabularyAsUnk() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        // backoff(<s>) + p(<unk>) = -0.5 + -1.5
        assertThat(lm.logProb(lm.start(), "dog")).isCloseTo((-0.5 - 1.5) * LN_10, TOLERANCE);
        assertThat(lm.logProb(lm.start(), "dog")).isEqualTo(lm.logProb(lm.start(), "<unk>"));
        assertThat(lm.next(lm.start(), "dog")).isEqualTo(lm.next(lm.start(), "<unk>"));
    }

    @Test
    void scoresWordsOutsideTheVocabularyWithTheConstantWhenThereIsNoUnk() throws IOException {
        NgramLanguageModel lm = model(ARPA.replace("ngram  1=     7", "ngram  1=     6").replace("-1.5\t<unk>\n", ""));

        assertThat(lm.contains("<unk>")).isFalse();
        assertThat(lm.logProb(lm.start(), "dog")).isCloseTo(-10.0 * LN_10, TOLERANCE);
        assertThat(lm.logProb(lm.start(), "dog"))
                .isCloseTo(NgramLanguageModel.UNKNOWN_LOG10_PROB * LN_10, TOLERANCE);
        State afterDog = lm.next(lm.start(), "dog");
        assertThat(afterDog).isNotEqualTo(lm.next(lm.start(), "the")).isEqualTo(lm.next(lm.start(), "cow"));
        // the unknown word is no context: backoff(dog) = 0, and "dog cat" is missing, so p(cat)
        assertThat(lm.logProb(afterDog, "cat")).isCloseTo(-1.25 * LN_10, TOLERANCE);
    }

    @Test
    void keepsOnlyTheLastTwoWordsInTheState() throws IOException {
        NgramLanguageModel lm = model(ARPA);

        State startTheCat = lm.next(lm.next(lm.start(), "the"), "cat");
        State startSatMatTheCat = lm.next(lm.next(lm.next(lm.next(lm.start(), "sat"), "mat"), "the"), "cat");

        assertThat(startSatMatTheCat).isEqualTo(startTheCat).hasSameHashCodeAs(startTheCat);
        assertThat(lm.logProb(startSatMatTheCat, "sat")).isEqualTo(lm.logProb(startTheCat, "sat"));
        assertThat(lm.next(lm.start(), "cat")).isNotEqualTo(startTheCat);
        assertThat(lm.next(startTheCat, "sat")).isNotEqualTo(startTheCat);
    }

    @Test
    void findsNgramsListedInAnyOrder() throws IOException {
        NgramLanguageModel sorted = model(ARPA);
        String shuffledArpa = ARPA
                .replace("-0.5\t<s> the\t-0.25\n-0.25\tthe cat\t-0.5\n", "")
                .replace("-0.625\tsat </s>\n", "-0.625\tsat </s>\n-0.25\tthe cat\t-0.5\n-0.5\t<s> the\t-0.25\n")
                .replace("-0.125\t<s> the cat\n-0.375\tthe cat sat\n", "-0.375\tthe cat sat\n-0.125\t<s> the cat\n");
        assertThat(shuffledArpa).contains("sat </s>\n-0.25\tthe cat").contains("cat sat\n-0.125\t<s> the cat");
        NgramLanguageModel shuffled = model(shuffledArpa);

        for (String first : new String[] {"<s>", "the", "cat", "sat", "mat"}) {
            State context = sorted.next(sorted.next(sorted.start(), first), "the");
            State same = shuffled.next(shuffled.next(shuffled.start(), first), "the");
            for (String word : new String[] {"the", "cat", "sat", "mat", "</s>", "dog"}) {
                assertThat(shuffled.logProb(same, word)).isEqualTo(sorted.logProb(context, word));
            }
            assertThat(shuffled.endLogProb(same)).isEqualTo(sorted.endLogProb(context));
        }
    }

    @Test
    void readsGzipCompressedFilesByTheirMagicBytesNotTheirName(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("lm.arpa.gz");
        Path compressed = dir.resolve("lm.arpa");
        Files.writeString(plain, ARPA, StandardCharsets.UTF_8);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(compressed))) {
            out.write(ARPA.getBytes(StandardCharsets.UTF_8));
        }

        NgramLanguageModel fromPlain = NgramLanguageModel.load(plain);
        NgramLanguageModel fromGzip = NgramLanguageModel.load(compressed);

        assertThat(fromGzip.order()).isEqualTo(fromPlain.order());
        assertThat(fromGzip.vocabularySize()).isEqualTo(fromPlain.vocabularySize());
        State plainState = fromPlain.next(fromPlain.start(), "the");
        State gzipState = fromGzip.next(fromGzip.start(), "the");
        assertThat(gzipState).isEqualTo(plainState);
        for (String word : new String[] {"the", "cat", "sat", "mat", "dog"}) {
            assertThat(fromGzip.logProb(gzipState, word)).isEqualTo(fromPlain.logProb(plainState, word));
        }
        assertThat(fromGzip.endLogProb(gzipState)).isEqualTo(fromPlain.endLogProb(plainState));
    }

    @Test
    void leavesTheStreamOpen() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new ByteArrayInputStream(ARPA.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed.set(true);
            }
        };

        NgramLanguageModel.read(in, "stream");

        assertThat(closed).isFalse();
    }

    @Test
    void readsModelsOfOrderOneAndTwo() throws IOException {
        NgramLanguageModel unigrams = model("\\data\\\nngram 1=2\n\n\\1-grams:\n-0.5 a\n-1.5 </s>\n\n\\end\\\n");
        NgramLanguageModel bigrams = model(ARPA.replace("ngram  3=     2\n", "")
                .replace("\\3-grams:\n-0.125\t<s> the cat\n-0.375\tthe cat sat\n\n", ""));

        assertThat(unigrams.order()).isEqualTo(1);
        assertThat(unigrams.next(unigrams.start(), "a")).isEqualTo(unigrams.start());
        assertThat(unigrams.logProb(unigrams.next(unigrams.start(), "a"), "a")).isCloseTo(-0.5 * LN_10, TOLERANCE);
        assertThat(unigrams.endLogProb(unigrams.start())).isCloseTo(-1.5 * LN_10, TOLERANCE);
        assertThat(bigrams.order()).isEqualTo(2);
        State afterThe = bigrams.next(bigrams.next(bigrams.start(), "<s>"), "the");
        assertThat(afterThe).isEqualTo(bigrams.next(bigrams.start(), "the"));
        assertThat(bigrams.logProb(afterThe, "cat")).isCloseTo(-0.25 * LN_10, TOLERANCE);
        assertThat(bigrams.logProb(afterThe, "mat")).isCloseTo((-0.25 - 3.0) * LN_10, TOLERANCE);
    }

    @Test
    void rejectsOrderFourAndAbove() {
        String fourGrams = ARPA.replace("ngram  3=     2\n", "ngram  3=     2\nngram 4=1\n");

        assertThatIOException().isThrownBy(() -> model(fourGrams))
                .withMessageStartingWith("test.arpa:6: ")
                .withMessageContaining("order 4")
                .withMessageContaining("not supported");
    }

    @Test
    void rejectsAnEmptyFile() {
        assertThatIOException().isThrownBy(() -> model("")).withMessageContaining("empty");
        assertThatIOException().isThrownBy(() -> model("\n  \n")).withMessageContaining("empty");
    }

    @Test
    void rejectsMalformedFilesNamingTheLine() {
        assertThatIOException().isThrownBy(() -> model("\\1-grams:\n-1.0 a\n\\end\\\n"))
                .withMessageStartingWith("test.arpa:1: ")
                .withMessageContaining("\\data\\");
        assertThatIOException().isThrownBy(() -> model("# comment\n"))
                .withMessageStartingWith("test.arpa:1: ")
                .withMessageContaining("\\data\\");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("ngram  2=     6", "ngram  2=     7")))
                .withMessageStartingWith("test.arpa:24: ")
                .withMessageContaining("6 entries")
                .withMessageContaining("declares 7");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("ngram  2=     6", "ngram  2=     5")))
                .withMessageStartingWith("test.arpa:22: ")
                .withMessageContaining("more 2-grams than the 5");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("-0.875\tthe sat", "-0.875\tthe")))
                .withMessageStartingWith("test.arpa:19: ")
                .withMessageContaining("2 words");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("-0.875\tthe sat", "-0.875 the sat -0.1 x")))
                .withMessageStartingWith("test.arpa:19: ");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("-1.25\tcat", "minus\tcat")))
                .withMessageStartingWith("test.arpa:12: ")
                .withMessageContaining("minus is not a number");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("-1.25\tcat\t-0.125", "-1.25\tcat\tbig")))
                .withMessageStartingWith("test.arpa:12: ")
                .withMessageContaining("big is not a number");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("-0.875\tthe sat", "-0.875\tthe dog")))
                .withMessageStartingWith("test.arpa:19: ")
                .withMessageContaining("dog is not in the 1-grams");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("-0.875\tthe sat", "-0.875\tcat sat")))
                .withMessageStartingWith("test.arpa:20: ")
                .withMessageContaining("repeated 2-gram cat sat");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("\\end\\\n", "")))
                .withMessageContaining("\\end\\");
        assertThatIOException().isThrownBy(() -> model(ARPA.replace("\\2-grams:", "\\3-grams:")))
                .withMessageStartingWith("test.arpa:16: ")
                .withMessageContaining("expected \\2-grams:");
    }

    private static NgramLanguageModel model(String arpa) throws IOException {
        return NgramLanguageModel.read(new ByteArrayInputStream(arpa.getBytes(StandardCharsets.UTF_8)), "test.arpa");
    }
}
