package io.gearbox.asr.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

import io.gearbox.asr.decoding.NgramLanguageModel.Quantisation;
import io.gearbox.asr.decoding.NgramLanguageModel.State;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link NgramLanguageModel} against a straightforward scorer written here over maps of n-gram strings, on
 * generated models, exact and quantised.
 */
class NgramLanguageModelReferenceTests {

    private static final double LN_10 = Math.log(10.0);

    /** A 3-gram model whose trigram "a b c" has no bigram "a b", and values that need the slow number parser. */
    private static final String ORPHAN_CONTEXT = """
            \\data\\
            ngram 1=5
            ngram 2=2
            ngram 3=2

            \\1-grams:
            -99\t<s>\t-0.5
            -1.0\t</s>
            -0.5e0\ta\t-2.5E-1
            -0.75\tb\t-0.125
            -1.25\tc

            \\2-grams:
            -0.375\tb c\t-0.0625
            -inf\t<s> a\t-0.25

            \\3-grams:
            -0.0078125\ta b c
            -0.1\tb c a

            \\end\\
            """;

    @Test
    void scoresATrigramWhoseFirstTwoWordsAreNoBigram() throws IOException {
        for (Quantisation quantisation : List.of(Quantisation.NONE, new Quantisation(8))) {
            NgramLanguageModel lm = model(ORPHAN_CONTEXT, quantisation);
            State afterAB = lm.next(lm.next(lm.start(), "a"), "b");
            State afterB = lm.next(lm.start(), "b");

            assertThat(lm.logProb(afterAB, "c")).isEqualTo(-0.0078125f * LN_10);
            // "a b" is only a context: backoff(a b) = 0, then "b c" is a bigram
            assertThat(lm.logProb(afterAB, "a")).isEqualTo((0.0 + -0.125 + -0.5) * LN_10);
            // p(b | a) backs off to the unigram with backoff(a), "a b" having no probability of its own
            assertThat(lm.logProb(lm.next(lm.start(), "a"), "b")).isEqualTo((-0.25 + -0.25 + -0.75) * LN_10);
            assertThat(lm.logProb(lm.next(afterB, "c"), "a")).isEqualTo(-0.1f * LN_10);
            assertThat(lm.logProb(lm.start(), "a")).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(lm.maxLogProbError()).as("no more values than codes: lossless").isZero();
        }
    }

    @Test
    void readsWindowsAndOldMacLineEndingsCountingLinesAsBufferedReaderDoes() throws IOException {
        NgramLanguageModel unix = model(ORPHAN_CONTEXT, Quantisation.NONE);
        NgramLanguageModel windows = model(ORPHAN_CONTEXT.replace("\n", "\r\n"), Quantisation.NONE);
        NgramLanguageModel mac = model(ORPHAN_CONTEXT.replace("\n", "\r"), Quantisation.NONE);

        State state = unix.next(unix.next(unix.start(), "a"), "b");
        for (NgramLanguageModel other : List.of(windows, mac)) {
            assertThat(other.logProb(other.next(other.next(other.start(), "a"), "b"), "a"))
                    .isEqualTo(unix.logProb(state, "a"));
        }
        assertThatIOException()
                .isThrownBy(() -> model(ORPHAN_CONTEXT.replace("-0.1\tb c a", "-0.1\tb c d").replace("\n", "\r\n"),
                        Quantisation.NONE))
                .withMessageStartingWith("test.arpa:19: ")
                .withMessageContaining("word d is not in the 1-grams");
    }

    @Test
    void rejectsARepeatedUnigramNamingItsSecondLine() {
        assertThatIOException()
                .isThrownBy(() -> model(ORPHAN_CONTEXT.replace("-1.25\tc", "-1.25\ta"), Quantisation.NONE))
                .withMessageStartingWith("test.arpa:11: ")
                .withMessageContaining("repeated 1-gram a");
    }

    @Test
    void rejectsARepeatedTrigramNamingItsLineInAGzippedFile() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(ORPHAN_CONTEXT.replace("-0.1\tb c a", "-0.1\ta b c").getBytes(StandardCharsets.UTF_8));
        }

        assertThatIOException()
                .isThrownBy(() -> NgramLanguageModel.read(new ByteArrayInputStream(bytes.toByteArray()), "lm.gz"))
                .withMessageStartingWith("lm.gz:19: ")
                .withMessageContaining("repeated 3-gram a b c");
    }

    @Test
    void parsesNumbersExactlyAsFloatParseFloat() throws IOException {
        Random random = new Random(7);
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int decimals = random.nextInt(12);
            String number = String.format(Locale.ROOT, "%." + decimals + "f", -random.nextDouble()
                    * Math.pow(10, random.nextInt(4)));
            numbers.add(i % 7 == 0 ? number.replace("-0.", "-.") : number);
        }
        numbers.addAll(List.of("-1.2345678", "-0.00000000001", "-16777217", "-1e-3", "0", "-0", "+0.5", "-3.4e38"));
        StringBuilder arpa = new StringBuilder("\\data\\\nngram 1=" + numbers.size() + "\n\n\\1-grams:\n");
        for (int i = 0; i < numbers.size(); i++) {
            arpa.append(numbers.get(i)).append(" w").append(i).append('\n');
        }
        NgramLanguageModel lm = model(arpa.append("\n\\end\\\n").toString(), Quantisation.NONE);

        for (int i = 0; i < numbers.size(); i++) {
            assertThat(lm.logProb(lm.start(), "w" + i)).as(numbers.get(i))
                    .isEqualTo(Float.parseFloat(numbers.get(i)) * LN_10);
        }
    }

    @Test
    void tellsWordPrefixesAsASortedSetWould() throws IOException {
        Generated generated = Generated.of(new Random(3), true);
        NgramLanguageModel lm = model(generated.arpa, Quantisation.NONE);
        TreeSet<String> words = new TreeSet<>(generated.vocabulary);
        Random random = new Random(4);

        for (int i = 0; i < 3000; i++) {
            String word = generated.vocabulary.get(random.nextInt(generated.vocabulary.size()));
            String prefix = word.substring(0, random.nextInt(word.length() + 1))
                    + (random.nextInt(4) == 0 ? "" + (char) ('a' + random.nextInt(26)) : "");
            String ceiling = words.ceiling(prefix);
            assertThat(lm.startsSomeWord(prefix)).as(prefix).isEqualTo(ceiling != null && ceiling.startsWith(prefix));
            assertThat(lm.contains(prefix)).as(prefix).isEqualTo(words.contains(prefix));
        }
    }

    @Test
    void scoresGeneratedModelsExactlyAsTheReferenceScorer() throws IOException {
        for (boolean withUnk : new boolean[] {true, false}) {
            Generated generated = Generated.of(new Random(withUnk ? 11 : 12), withUnk);
            NgramLanguageModel lm = model(generated.arpa, Quantisation.NONE);
            Reference reference = new Reference(generated);

            assertThat(lm.vocabularySize()).isEqualTo(generated.vocabulary.size());
            assertThat(lm.maxLogProbError()).isZero();
            compare(lm, reference, new Random(withUnk ? 21 : 22), 0.0);
        }
    }

    @Test
    void scoresFilesListedInTheOrderOfTheirUnigramsAsTheReferenceScorer() throws IOException {
        Generated generated = Generated.of(new Random(13), true, true);
        NgramLanguageModel lm = model(generated.arpa, Quantisation.NONE);

        compare(lm, new Reference(generated), new Random(23), 0.0);
        String[] lines = generated.arpa.split("\n");
        int bigram = java.util.Arrays.asList(lines).indexOf("\\2-grams:") + 5;
        String repeated = generated.arpa.replace(lines[bigram + 1] + "\n", lines[bigram] + "\n");
        assertThatIOException().isThrownBy(() -> model(repeated, Quantisation.NONE))
                .withMessageStartingWith("test.arpa:" + (bigram + 2) + ": ")
                .withMessageContaining("repeated 2-gram " + lines[bigram].split("\t")[1]);
    }

    @Test
    void keepsQuantisedScoresWithinTheStatedBound() throws IOException {
        Generated generated = Generated.of(new Random(31), true);
        Reference reference = new Reference(generated);

        for (int bits : new int[] {2, 4, 8, 16}) {
            NgramLanguageModel lm = model(generated.arpa, new Quantisation(bits));

            assertThat(lm.quantisation().bits()).isEqualTo(bits);
            if (bits < 16) {
                // fewer codes than distinct values: lossy, and the bound shrinks with the bits
                assertThat(lm.maxLogProbError()).as("%d bits", bits).isPositive();
            }
            double error = compare(lm, reference, new Random(32), lm.maxLogProbError() + 1e-9);
            assertThat(error).as("%d bits", bits).isLessThanOrEqualTo(lm.maxLogProbError() + 1e-9);
        }
        assertThat(model(generated.arpa, new Quantisation(8)).maxLogProbError())
                .isLessThan(model(generated.arpa, new Quantisation(4)).maxLogProbError());
        // some 2,500 values per order fit in 16-bit codes exactly
        assertThat(model(generated.arpa, new Quantisation(16)).maxLogProbError()).isZero();
    }

    @Test
    void rejectsQuantisationBitsOutOfRange() {
        for (int bits : new int[] {-1, 1, 17, 32}) {
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Quantisation(bits)).withMessageContaining("was " + bits);
        }
    }

    /** Scores random sentences with both; returns the largest difference, asserting it is at most {@code bound}. */
    private static double compare(NgramLanguageModel lm, Reference reference, Random random, double bound) {
        double largest = 0;
        List<String> words = new ArrayList<>(reference.generated.vocabulary);
        words.addAll(List.of("oov", "zzz", "<unk>", "</s>", "<s>", "w"));
        for (int sentence = 0; sentence < 1500; sentence++) {
            State state = lm.start();
            List<String> history = new ArrayList<>(List.of("<s>"));
            int length = random.nextInt(12);
            for (int i = 0; i <= length; i++) {
                String word;
                if (i == length) {
                    word = "</s>";
                }
                else if (random.nextInt(3) == 0 && history.size() >= 1) {
                    // follow an n-gram of the model, so that long n-grams are hit and not only backed off
                    word = reference.successor(history, random);
                }
                else {
                    word = words.get(random.nextInt(words.size()));
                }
                double expected = reference.log10Prob(history, word) * LN_10;
                double actual = i == length ? lm.endLogProb(state) : lm.logProb(state, word);
                if (Double.isInfinite(expected)) {
                    assertThat(actual).isEqualTo(expected);
                }
                else {
                    assertThat(actual).as("%s after %s", word, history).isCloseTo(expected, within(bound));
                    largest = Math.max(largest, Math.abs(actual - expected));
                }
                State next = lm.next(state, word);
                history.add(word);
                assertThat(next.equals(lm.next(lm.start(), word)))
                        .isEqualTo(reference.context(history).equals(reference.context(List.of("<s>", word))));
                state = next;
            }
        }
        return largest;
    }

    private static NgramLanguageModel model(String arpa, Quantisation quantisation) throws IOException {
        return NgramLanguageModel.read(new ByteArrayInputStream(arpa.getBytes(StandardCharsets.UTF_8)), "test.arpa",
                quantisation);
    }

    /** A generated 3-gram ARPA text and its n-grams. */
    private record Generated(String arpa, List<String> vocabulary, Map<String, float[]> ngrams) {

        static Generated of(Random random, boolean withUnk) {
            return of(random, withUnk, false);
        }

        /** With {@code sorted}, the n-grams are listed in the order of their words' 1-grams, as toolkits do. */
        static Generated of(Random random, boolean withUnk, boolean sorted) {
            List<String> vocabulary = new ArrayList<>(List.of("<s>", "</s>"));
            if (withUnk) {
                vocabulary.add("<unk>");
            }
            // words sharing prefixes, and some outside ASCII, so that the prefix search and the char pool see both
            String[] stems = {"a", "ab", "abc", "b", "ba", "can", "cant", "can't", "é", "éa", "z"};
            for (int i = 0; vocabulary.size() < 300; i++) {
                vocabulary.add(stems[i % stems.length] + (i / stems.length == 0 ? "" : "" + i / stems.length));
            }
            Map<String, float[]> ngrams = new HashMap<>();
            Map<Integer, List<String>> lines = new HashMap<>();
            for (String word : vocabulary) {
                add(random, ngrams, lines, 1, word, !word.equals("</s>"));
            }
            List<String> bigrams = new ArrayList<>();
            while (bigrams.size() < 2500) {
                String first = vocabulary.get(zipf(random, vocabulary.size()));
                String second = vocabulary.get(zipf(random, vocabulary.size()));
                if (!first.equals("</s>") && !second.equals("<s>") && !ngrams.containsKey(first + " " + second)) {
                    bigrams.add(first + " " + second);
                    add(random, ngrams, lines, 2, first + " " + second, true);
                }
            }
            for (int made = 0; made < 2500; ) {
                String bigram = bigrams.get(zipf(random, bigrams.size()));
                String third = vocabulary.get(zipf(random, vocabulary.size()));
                String trigram = bigram + " " + third;
                if (!bigram.endsWith(" </s>") && !third.equals("<s>") && !ngrams.containsKey(trigram)) {
                    add(random, ngrams, lines, 3, trigram, false);
                    made++;
                }
            }
            // drop some bigrams that are contexts of trigrams: the trie must keep them as contexts only
            List<String> dropped = new ArrayList<>();
            for (String line : new ArrayList<>(lines.get(2))) {
                if (random.nextInt(10) == 0) {
                    dropped.add(line);
                }
            }
            lines.get(2).removeAll(dropped);
            for (String line : dropped) {
                String[] fields = line.split("\t");
                ngrams.remove(fields[1]);
            }
            StringBuilder arpa = new StringBuilder("\\data\\\n");
            for (int n = 1; n <= 3; n++) {
                arpa.append("ngram ").append(n).append('=').append(lines.get(n).size()).append('\n');
            }
            Map<String, Integer> ranks = new HashMap<>();
            for (int i = 0; i < vocabulary.size(); i++) {
                ranks.put(vocabulary.get(i), i);
            }
            java.util.Comparator<String> byWords = java.util.Comparator.comparing(line -> {
                long key = 0;
                for (String word : line.split("\t")[1].split(" ")) {
                    key = key * 1000 + ranks.get(word);
                }
                return key;
            });
            for (int n = 1; n <= 3; n++) {
                if (sorted) {
                    lines.get(n).sort(byWords);
                }
                else {
                    Collections.shuffle(lines.get(n), random);
                }
                arpa.append("\n\\").append(n).append("-grams:\n");
                lines.get(n).forEach(line -> arpa.append(line).append('\n'));
            }
            return new Generated(arpa.append("\n\\end\\\n").toString(), vocabulary, ngrams);
        }

        private static void add(Random random, Map<String, float[]> ngrams, Map<Integer, List<String>> lines, int n,
                String words, boolean backoff) {
            String prob = String.format(Locale.ROOT, random.nextInt(50) == 0 ? "%.3e" : "%.6f",
                    -5 * random.nextDouble());
            String weight = backoff && random.nextInt(5) > 0
                    ? String.format(Locale.ROOT, "%.6f", -1.5 * random.nextDouble() + 0.2) : null;
            ngrams.put(words, new float[] {Float.parseFloat(prob), weight == null ? 0f : Float.parseFloat(weight)});
            lines.computeIfAbsent(n, k -> new ArrayList<>())
                    .add(prob + "\t" + words + (weight == null ? "" : "\t" + weight));
        }

        private static int zipf(Random random, int n) {
            return Math.min(n - 1, (int) Math.floor(Math.pow(n + 1, random.nextDouble())) - 1);
        }
    }

    /** ARPA back-off over maps of strings, as the format describes it. */
    private static final class Reference {

        private static final String UNKNOWN = "\u0000unknown";

        final Generated generated;

        private final boolean hasUnk;

        /** The last words of the n-grams, by their context, sorted. */
        private final Map<String, List<String>> successors = new HashMap<>();

        Reference(Generated generated) {
            this.generated = generated;
            this.hasUnk = generated.vocabulary.contains("<unk>");
            for (String ngram : generated.ngrams.keySet()) {
                int space = ngram.lastIndexOf(' ');
                if (space > 0) {
                    successors.computeIfAbsent(ngram.substring(0, space), k -> new ArrayList<>())
                            .add(ngram.substring(space + 1));
                }
            }
            successors.values().forEach(Collections::sort);
        }

        /** The last two words of the history, unknown words mapped to {@code <unk>} or to a word no n-gram has. */
        List<String> context(List<String> history) {
            List<String> context = new ArrayList<>();
            for (String word : history.subList(Math.max(0, history.size() - 2), history.size())) {
                context.add(map(word));
            }
            return context;
        }

        double log10Prob(List<String> history, String word) {
            String w = map(word);
            if (w.equals(UNKNOWN)) {
                return NgramLanguageModel.UNKNOWN_LOG10_PROB;
            }
            List<String> context = context(history);
            double backoff = 0;
            for (int length = context.size(); length >= 0; length--) {
                List<String> h = context.subList(context.size() - length, context.size());
                String ngram = String.join(" ", h) + (length == 0 ? "" : " ") + w;
                float[] entry = generated.ngrams.get(ngram);
                if (entry != null) {
                    return backoff + entry[0];
                }
                if (length > 0) {
                    float[] context1 = generated.ngrams.get(String.join(" ", h));
                    backoff += context1 == null ? 0f : context1[1];
                }
            }
            throw new AssertionError("every word is a unigram");
        }

        /** A word that makes an n-gram of the model with the end of the history, or any word if there is none. */
        String successor(List<String> history, Random random) {
            List<String> context = context(history);
            List<String> found = successors.getOrDefault(String.join(" ", context),
                    successors.getOrDefault(context.get(context.size() - 1), List.of()));
            return found.isEmpty() ? generated.vocabulary.get(random.nextInt(generated.vocabulary.size()))
                    : found.get(random.nextInt(found.size()));
        }

        private String map(String word) {
            return generated.ngrams.containsKey(word) ? word : hasUnk ? "<unk>" : UNKNOWN;
        }
    }
}
