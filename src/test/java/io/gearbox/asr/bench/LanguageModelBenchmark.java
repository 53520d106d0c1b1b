package io.gearbox.asr.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.gearbox.asr.decoding.NgramLanguageModel;
import io.gearbox.asr.inference.ModelManifest;

/**
 * Measures the word n-gram language model the beam search fuses in: its size, load time and lookup time. Prints a
 * markdown table. Not a test.
 *
 * <pre>
 * ./mvnw -q -o test-compile exec:java -Dsmoke.skip -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gearbox.asr.bench.LanguageModelBenchmark \
 *     -Dexec.args="measure models/gearbox-en models/recipe/work/tune_synth/transcripts.tsv"
 * </pre>
 *
 * Modes:
 * <ul>
 * <li>{@code measure MODEL|ARPA SENTENCES [PASSES]}: loads the ARPA file (or the language model of the model folder's
 * manifest) and prints the n-grams per order (from the file's {@code \data\} header), the retained heap (the heap
 * in use after {@link System#gc()} with the model held, minus the same before loading, from {@link MemoryMXBean}:
 * an estimate, as the collector may leave some garbage behind), bytes per n-gram (that heap over every n-gram of
 * every order), the load time (the fastest of 3 loads), and the time per scored word: every word of every
 * sentence of SENTENCES (a {@code transcripts.tsv}: {@code <file>\t<text>} lines, or plain lines of text) scored
 * in its context and the state advanced, then the end of the sentence, PASSES times (default 200) after as many
 * warm-up passes; the fastest of 5 runs, divided by the words scored. The sum of the scores is printed too, so the
 * JIT cannot drop the work and so two implementations can be checked to agree. {@code -Dlm.bits=B} stores the
 * values with B-bit codes (0: exact floats; {@link NgramLanguageModel.Quantisation#DEFAULT} otherwise), and the
 * table gives {@link NgramLanguageModel#maxLogProbError()} in log10. Times are given as wall-clock time and as the
 * loading or scoring thread's CPU time ({@link ThreadMXBean}), which other work on a shared machine disturbs less
 * (the collector's threads are not counted).</li>
 * <li>{@code generate OUT WORDS BIGRAMS TRIGRAMS [SEED]}: writes a gzipped synthetic 3-gram ARPA file for measuring
 * large models before a real one exists: the vocabulary is the lower-case words of
 * {@code /usr/share/dict/american-english}, ranked at random, with {@code <s>}, {@code </s>} and {@code <unk>};
 * bigrams draw both words from a Zipf law over the ranks (exponent 1), trigrams extend a bigram drawn from a Zipf
 * law over the bigrams by a Zipf-drawn word, so every trigram's context is a bigram of the model; log10
 * probabilities and back-off weights are drawn with 6 decimals as SRILM writes them, and the entries are written
 * in no particular order.</li>
 * </ul>
 */
public final class LanguageModelBenchmark {

    private static final int LOADS = 3;

    private static final int RUNS = 5;

    private LanguageModelBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length >= 3 && args[0].equals("measure")) {
            measure(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 200);
        }
        else if (args.length >= 5 && args[0].equals("generate")) {
            generate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args.length > 5 ? Long.parseLong(args[5]) : 1L);
        }
        else {
            System.err.println("usage: measure MODEL|ARPA SENTENCES [PASSES] "
                    + "| generate OUT WORDS BIGRAMS TRIGRAMS [SEED]");
            System.exit(2);
        }
    }

    private static void measure(Path modelOrArpa, Path sentencesFile, int passes) throws IOException {
        Path arpa = modelOrArpa;
        if (Files.isDirectory(modelOrArpa)) {
            ModelManifest.LanguageModel lm = ModelManifest.load(modelOrArpa).languageModel();
            if (lm == null) {
                throw new IllegalArgumentException(modelOrArpa + " ships no language model");
            }
            arpa = modelOrArpa.resolve(lm.file());
        }
        long[] counts = counts(arpa);
        NgramLanguageModel.Quantisation quantisation = new NgramLanguageModel.Quantisation(
                Integer.getInteger("lm.bits", NgramLanguageModel.Quantisation.DEFAULT.bits()));
        long total = Arrays.stream(counts).sum();

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedHeapAfterGc(memory);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        NgramLanguageModel model = NgramLanguageModel.load(arpa, quantisation);
        double bestLoad = (System.nanoTime() - start) / 1e9;
        double bestLoadCpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        long retained = usedHeapAfterGc(memory) - before;
        for (int i = 1; i < LOADS; i++) {
            model = null;
            usedHeapAfterGc(memory);
            start = System.nanoTime();
            cpuStart = threads.getCurrentThreadCpuTime();
            model = NgramLanguageModel.load(arpa, quantisation);
            bestLoad = Math.min(bestLoad, (System.nanoTime() - start) / 1e9);
            bestLoadCpu = Math.min(bestLoadCpu, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        }

        List<String[]> sentences = sentences(sentencesFile);
        long words = sentences.stream().mapToLong(s -> s.length + 1).sum() * passes;
        double checksum = score(model, sentences, passes);
        double bestNanos = Double.MAX_VALUE;
        double bestCpuNanos = Double.MAX_VALUE;
        for (int run = 0; run < RUNS; run++) {
            start = System.nanoTime();
            cpuStart = threads.getCurrentThreadCpuTime();
            double sum = score(model, sentences, passes);
            bestNanos = Math.min(bestNanos, (double) (System.nanoTime() - start) / words);
            bestCpuNanos = Math.min(bestCpuNanos, (double) (threads.getCurrentThreadCpuTime() - cpuStart) / words);
            if (sum != checksum) {
                throw new IllegalStateException("the scores changed between runs: " + sum + " vs " + checksum);
            }
        }

        StringBuilder orders = new StringBuilder();
        for (int n = 0; n < counts.length; n++) {
            orders.append(n == 0 ? "" : " / ").append(counts[n]);
        }
        System.out.printf(Locale.ROOT, "%s: %d words, order %d%n%n", arpa, model.vocabularySize(), model.order());
        System.out.println("| n-grams per order | values | max score error (log10) | retained heap (MB) "
                + "| bytes per n-gram | load (s) | load, CPU (s) | lookup per scored word (ns) | lookup, CPU (ns) "
                + "| checksum |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| %s | %s | %.5f | %.1f | %.1f | %.2f | %.2f | %.0f | %.0f | %.6f |%n", orders,
                quantisation.bits() == 0 ? "exact" : quantisation.bits() + "-bit",
                model.maxLogProbError() / Math.log(10),
                retained / 1e6, (double) retained / total, bestLoad, bestLoadCpu, bestNanos, bestCpuNanos,
                checksum / passes);
        System.out.printf(Locale.ROOT, "%n%d sentences, %d scored words per pass (the end of each sentence "
                + "counted as a word), %d passes%n", sentences.size(), words / passes, passes);
    }

    /** Scores every sentence {@code passes} times; returns the sum of the natural-log probabilities. */
    private static double score(NgramLanguageModel model, List<String[]> sentences, int passes) {
        double sum = 0;
        for (int pass = 0; pass < passes; pass++) {
            for (String[] sentence : sentences) {
                NgramLanguageModel.State state = model.start();
                for (String word : sentence) {
                    sum += model.logProb(state, word);
                    state = model.next(state, word);
                }
                sum += model.endLogProb(state);
            }
        }
        return sum;
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        // several collections, as one may leave objects that are only reclaimable in the next one
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The n-gram counts of an ARPA file's {@code \data\} header, gzipped or not. */
    private static long[] counts(Path arpa) throws IOException {
        List<Long> counts = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(arpa), StandardCharsets.UTF_8))) {
            String line;
            boolean data = false;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.equals("\\data\\")) {
                    data = true;
                }
                else if (data && line.startsWith("ngram")) {
                    counts.add(Long.parseLong(line.substring(line.indexOf('=') + 1).strip()));
                }
                else if (data && !line.isEmpty()) {
                    break;
                }
            }
        }
        return counts.stream().mapToLong(Long::longValue).toArray();
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static List<String[]> sentences(Path file) throws IOException {
        List<String[]> sentences = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String text = line.contains("\t") ? line.substring(line.indexOf('\t') + 1) : line;
            if (!text.isBlank()) {
                sentences.add(text.strip().split("\\s+"));
            }
        }
        return sentences;
    }

    private static void generate(Path out, int words, int bigrams, int trigrams, long seed) throws IOException {
        Random random = new Random(seed);
        Set<String> dictionary = new LinkedHashSet<>();
        for (String word : Files.readAllLines(Path.of("/usr/share/dict/american-english"), StandardCharsets.UTF_8)) {
            String lower = word.strip().toLowerCase(Locale.ROOT);
            if (!lower.isEmpty() && !lower.contains(" ")) {
                dictionary.add(lower);
            }
        }
        List<String> vocabulary = new ArrayList<>(dictionary);
        java.util.Collections.shuffle(vocabulary, random);
        vocabulary = new ArrayList<>(vocabulary.subList(0, Math.min(words - 3, vocabulary.size())));
        vocabulary.addAll(0, List.of("<s>", "</s>", "<unk>"));
        int v = vocabulary.size();
        Zipf wordRanks = new Zipf(v);
        // bigram keys: first word * v + second word, drawn, sorted, deduplicated, then shuffled
        long[] bigramKeys = distinct(random, bigrams, () -> {
            int first = wordRanks.draw(random);
            int second = wordRanks.draw(random);
            return first == 1 || second == 0 ? -1 : (long) first * v + second;
        });
        shuffle(bigramKeys, random);
        Zipf bigramRanks = new Zipf(bigramKeys.length);
        long[] trigramKeys = distinct(random, trigrams, () -> {
            long bigram = bigramKeys[bigramRanks.draw(random)];
            int third = wordRanks.draw(random);
            return bigram % v == 1 || third == 0 ? -1 : bigram * v + third;
        });
        shuffle(trigramKeys, random);
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (Writer writer = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(out), 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            writer.write(String.format(Locale.ROOT, "\n\\data\\\nngram 1=%d\nngram 2=%d\nngram 3=%d\n\n\\1-grams:\n",
                    v, bigramKeys.length, trigramKeys.length));
            for (int i = 0; i < v; i++) {
                writer.write(String.format(Locale.ROOT, "%.6f\t%s\t%.6f\n", i == 0 ? -99.0 : logProb(random, i, v),
                        vocabulary.get(i), -1.5 * random.nextDouble()));
            }
            writer.write("\n\\2-grams:\n");
            for (long key : bigramKeys) {
                writer.write(String.format(Locale.ROOT, "%.6f\t%s %s\t%.6f\n", logProb(random, 1, 40),
                        vocabulary.get((int) (key / v)), vocabulary.get((int) (key % v)), -random.nextDouble()));
            }
            writer.write("\n\\3-grams:\n");
            for (long key : trigramKeys) {
                writer.write(String.format(Locale.ROOT, "%.6f\t%s %s %s\n", logProb(random, 1, 20),
                        vocabulary.get((int) (key / v / v)), vocabulary.get((int) (key / v % v)),
                        vocabulary.get((int) (key % v))));
            }
            writer.write("\n\\end\\\n");
        }
        System.out.printf(Locale.ROOT, "%s: %d words, %d bigrams, %d trigrams%n", out, v, bigramKeys.length,
                trigramKeys.length);
    }

    /** A log10 probability around that of rank {@code rank} of {@code of} under a Zipf law, with noise. */
    private static double logProb(Random random, int rank, int of) {
        double zipf = -Math.log10(rank * Math.log(of));
        return Math.min(-0.0001, zipf + 0.5 * random.nextGaussian());
    }

    private interface KeyDraw {
        /** A key, or -1 to draw again. */
        long draw();
    }

    private static long[] distinct(Random random, int count, KeyDraw draw) {
        long[] keys = new long[0];
        int want = count;
        while (keys.length < count) {
            long[] more = new long[(int) (want * 1.3) + 16];
            for (int i = 0; i < more.length; i++) {
                long key;
                do {
                    key = draw.draw();
                } while (key < 0);
                more[i] = key;
            }
            long[] all = Arrays.copyOf(keys, keys.length + more.length);
            System.arraycopy(more, 0, all, keys.length, more.length);
            keys = Arrays.stream(all).sorted().distinct().toArray();
            want = count - keys.length + count / 10;
        }
        shuffle(keys, random);
        return Arrays.copyOf(keys, count);
    }

    private static void shuffle(long[] keys, Random random) {
        for (int i = keys.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
    }

    /** Ranks 0 .. n-1 drawn with probability proportional to 1 / (rank + 1), by inverting the cumulative sums. */
    private static final class Zipf {

        private final double[] cumulative;

        Zipf(int n) {
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1.0 / (i + 1);
                cumulative[i] = sum;
            }
        }

        int draw(Random random) {
            double u = random.nextDouble() * cumulative[cumulative.length - 1];
            int at = Arrays.binarySearch(cumulative, u);
            return Math.min(cumulative.length - 1, at >= 0 ? at : -at - 1);
        }
    }
}
