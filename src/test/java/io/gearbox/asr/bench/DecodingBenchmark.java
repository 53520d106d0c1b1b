package io.gearbox.asr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;


import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.audio.PcmAudio;
import io.gearbox.asr.decoding.CtcDecoder;
import io.gearbox.asr.decoding.GreedyCtcDecoder;
import io.gearbox.asr.decoding.LanguageModelFusion;
import io.gearbox.asr.decoding.NgramLanguageModel;
import io.gearbox.asr.decoding.PrefixBeamSearchDecoder;
import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.decoding.Vocabulary;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.ExecutionProvider;
import io.gearbox.asr.inference.InferenceOptions;
import io.gearbox.asr.inference.LogProbs;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.ModelFrontEnd;
import io.gearbox.asr.support.WordErrors;

/**
 * Compares the service's CTC decoders on held-out speech, through its own front end and ONNX Runtime: greedy,
 * prefix beam search, and beam search with the model's word language model fused in. The acoustic model runs once
 * per clip and exit; every decoder then reads the same log-probabilities. Prints markdown tables. Not a test.
 *
 * <pre>
 * ./mvnw -q -o test-compile exec:java -Dsmoke.skip -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gearbox.asr.bench.DecodingBenchmark \
 *     -Dexec.args="compare models/gearbox-en models/gearbox-en/devset"
 * </pre>
 *
 * Modes:
 * <ul>
 * <li>{@code tune MODEL SET [WEIGHTS [BONUSES]]}: at the deepest exit, the WER on SET for every language-model
 * weight and word bonus in the comma-separated lists (default {@code 0,0.25,0.5,0.75,1,1.5} and
 * {@code -1,0,1,2,3}, beam 16). Run it on a tuning set, never on a development set: the recipe's
 * {@code synth.py} writes {@code work/tune_synth}, sentences neither training nor the language model saw.</li>
 * <li>{@code compare MODEL SET...}: per exit and set, the WER of greedy decoding, beam search, and beam search with
 * the language model at the manifest's weights (beam 16), and each decoder's time per second of audio (the fastest
 * of three passes after one that warms the JIT up).</li>
 * <li>{@code record MODEL SET...}: the WER of {@code compare}'s "beam + LM" decoder (the service's default) at every
 * exit on each set, written into MODEL's {@code manifest.json} as each exit's {@code dev_wer_lm}, by set name (the
 * set's folder name without a leading {@code dev_}), rounded to 4 decimals like the recipe's {@code dev_wer}; every
 * other key of the file is kept, in its order. Run it on the recipe's development sets after {@code export.py} and
 * {@code lm.py} have rewritten the manifest:
 * {@code -Dexec.args="record models/gearbox-en models/recipe/work/dev_synth models/recipe/work/dev_fsdd
 * models/recipe/work/dev_an4"}. It takes none of the system properties below.</li>
 * <li>{@code long MODEL MINUTES}: beam search with the language model over a random peaky lattice of that many
 * minutes (the service accepts up to 10): its time and the heap in use at the end of the search. The search's
 * memory is bounded by the beam, so ten minutes decode in a small heap:
 * {@code MAVEN_OPTS=-Xmx256m ./mvnw ... -Dexec.args="long models/gearbox-en 10"}.</li>
 * <li>{@code fixes MODEL SET...}: the clips that the deepest exit with the language model transcribes exactly and
 * greedy decoding does not, with both transcripts (how {@code src/test/resources/lm-clips} was chosen).</li>
 * </ul>
 * System properties {@code beam.width}, {@code beam.max-tokens} and {@code beam.min-log-prob} change the beam
 * search's settings (the service's defaults otherwise); {@code lm.bits} (comma-separated, 0 for exact floats) how
 * the language model stores its values ({@link NgramLanguageModel.Quantisation#DEFAULT} otherwise): the first is the
 * one every mode uses, and {@code compare} adds a "beam + LM" row for each other; {@code depth} the exit
 * {@code tune} uses, {@code depths} (comma-separated) the exits {@code compare} measures; {@code lm.extra}, as
 * {@code FILE,WEIGHT,BONUS}, a second language model that {@code compare} measures beside the manifest's (another
 * build, or the one it replaces).
 * A set is a folder of audio files with {@code transcripts.tsv} ({@code <file>\t<text>} lines, the file a path
 * relative to the folder); references are compared after {@link #normalise(String)}.
 */
public final class DecodingBenchmark {

    // The service's defaults (asr.decoding.beam-width, max-tokens-per-frame, min-token-log-prob; PropertiesTests
    // checks them), so that the benchmarks measure what the service runs.
    static final int BEAM = 16;

    static final int MAX_TOKENS = 8;

    static final double MIN_LOG_PROB = -6.0;

    /** Timed passes of each decoder in {@code compare}, after one warm-up pass; the fastest is reported. */
    static final int TIMED_PASSES = 3;

    private DecodingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || !List.of("tune", "compare", "record", "fixes", "long").contains(args[0])) {
            System.err.println("usage: tune MODEL SET [WEIGHTS [BONUSES]] | compare MODEL SET... "
                    + "| record MODEL SET... | fixes MODEL SET... | long MODEL MINUTES");
            System.exit(2);
        }
        for (String property : List.of("beam.width", "beam.max-tokens", "beam.min-log-prob", "depths",
                "lm.bits")) {
            if (args[0].equals("record") && System.getProperty(property) != null) {
                throw new IllegalArgumentException("record measures every exit with the service's default decoder: "
                        + "drop -D" + property);
            }
        }
        Path modelDir = Path.of(args[1]);
        ModelManifest manifest = ModelManifest.load(modelDir);
        ModelManifest.LanguageModel lm = manifest.languageModel();
        if (lm == null) {
            throw new IllegalArgumentException(modelDir + " ships no language model");
        }
        Vocabulary vocabulary = Vocabulary.load(modelDir.resolve(manifest.vocabulary()), manifest.blankId());
        Map<Integer, NgramLanguageModel> ngrams = new LinkedHashMap<>();
        String defaultBits = "" + NgramLanguageModel.Quantisation.DEFAULT.bits();
        for (double bits : numbers(System.getProperty("lm.bits", defaultBits))) {
            long loadStart = System.nanoTime();
            NgramLanguageModel variant = NgramLanguageModel.load(modelDir.resolve(lm.file()),
                    new NgramLanguageModel.Quantisation((int) bits));
            System.out.printf(Locale.ROOT, "language model %s: %d words, order %d, %s, scores within %.5f (log10) "
                    + "of the file's, read in %.1f s%n", lm.file(), variant.vocabularySize(), variant.order(),
                    bits == 0 ? "exact" : (int) bits + "-bit codes", variant.maxLogProbError() / Math.log(10),
                    (System.nanoTime() - loadStart) / 1e9);
            ngrams.put((int) bits, variant);
        }
        NgramLanguageModel ngram = ngrams.values().iterator().next();
        double frameSeconds = manifest.outputFrameSeconds();
        int width = Integer.getInteger("beam.width", BEAM);
        int maxTokens = Integer.getInteger("beam.max-tokens", MAX_TOKENS);
        double minLogProb = Double.parseDouble(System.getProperty("beam.min-log-prob", "" + MIN_LOG_PROB));
        System.out.printf(Locale.ROOT, "beam %d, at most %d tokens per frame, none below log-probability %.1f%n",
                width, maxTokens, minLogProb);
        Function<LanguageModelFusion, CtcDecoder> beam = fusion -> new PrefixBeamSearchDecoder(vocabulary,
                frameSeconds, width, maxTokens, minLogProb, fusion);

        if (args[0].equals("long")) {
            decodeLongLattice(beam.apply(new LanguageModelFusion(ngram, lm.weight(), lm.wordBonus())), vocabulary.size(),
                    (int) Math.round(Double.parseDouble(args[2]) * 60 / frameSeconds));
            return;
        }
        try (AcousticModel model = AcousticModel.open(modelDir, manifest.depths(),
                new InferenceOptions(ExecutionProvider.CPU, 1))) {
            if (args[0].equals("tune")) {
                List<Double> weights = numbers(args.length > 3 ? args[3] : "0,0.25,0.5,0.75,1,1.5");
                List<Double> bonuses = numbers(args.length > 4 ? args[4] : "-1,0,1,2,3");
                int depth = Integer.getInteger("depth", manifest.depths().get(manifest.depths().size() - 1));
                List<Decoded> set = run(model, depth, clips(Path.of(args[2]), manifest));
                System.out.printf(Locale.ROOT, "%n%s, depth %d, %d clips: greedy %.1f%%, beam %.1f%%%n%n", args[2],
                        depth, set.size(), 100 * wer(set, new GreedyCtcDecoder(vocabulary, frameSeconds)),
                        100 * wer(set, beam.apply(null)));
                StringBuilder header = new StringBuilder("| LM weight \\ word bonus |");
                bonuses.forEach(b -> header.append(String.format(Locale.ROOT, " %.2f |", b)));
                System.out.println(header);
                System.out.println("|---" + "|---".repeat(bonuses.size()) + "|");
                for (double w : weights) {
                    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %.2f |", w));
                    for (double b : bonuses) {
                        double e = wer(set, beam.apply(new LanguageModelFusion(ngram, w, b)));
                        row.append(String.format(Locale.ROOT, " %.1f%% |", 100 * e));
                    }
                    System.out.println(row);
                }
                return;
            }
            if (args[0].equals("fixes")) {
                CtcDecoder greedy = new GreedyCtcDecoder(vocabulary, frameSeconds);
                CtcDecoder fused = beam.apply(new LanguageModelFusion(ngram, lm.weight(), lm.wordBonus()));
                int depth = manifest.depths().get(manifest.depths().size() - 1);
                System.out.println("| clip | words | greedy |");
                System.out.println("|---|---|---|");
                for (Path set : Arrays.stream(args, 2, args.length).map(Path::of).toList()) {
                    List<String> files = Files.readAllLines(set.resolve("transcripts.tsv")).stream()
                            .map(line -> line.split("\t", 2)[0]).toList();
                    List<Decoded> outputs = run(model, depth, clips(set, manifest));
                    for (int i = 0; i < outputs.size(); i++) {
                        Decoded d = outputs.get(i);
                        String withLm = fused.decode(d.out().values(), d.out().length()).text();
                        String alone = greedy.decode(d.out().values(), d.out().length()).text();
                        if (withLm.equals(d.text()) && !alone.equals(d.text())) {
                            System.out.printf("| %s | %s | %s |%n", set.resolve(files.get(i)), d.text(), alone);
                        }
                    }
                }
                return;
            }
            CtcDecoder fused = beam.apply(new LanguageModelFusion(ngram, lm.weight(), lm.wordBonus()));
            List<Path> sets = Arrays.stream(args, 2, args.length).map(Path::of).toList();
            Map<Path, List<PcmClip>> audio = new LinkedHashMap<>();
            for (Path set : sets) {
                audio.put(set, clips(set, manifest));
            }
            if (args[0].equals("record")) {
                record(modelDir, model, manifest.depths(), audio, fused);
                return;
            }
            Map<String, CtcDecoder> decoders = new LinkedHashMap<>();
            decoders.put("greedy", new GreedyCtcDecoder(vocabulary, frameSeconds));
            decoders.put("beam", beam.apply(null));
            decoders.put(String.format(Locale.ROOT, "beam + LM (%.2f, %.2f)", lm.weight(), lm.wordBonus()), fused);
            ngrams.forEach((bits, variant) -> {
                if (variant != ngram) {
                    decoders.put(String.format(Locale.ROOT, "beam + LM (%.2f, %.2f), %s", lm.weight(), lm.wordBonus(),
                            bits == 0 ? "exact" : bits + "-bit"),
                            beam.apply(new LanguageModelFusion(variant, lm.weight(), lm.wordBonus())));
                }
            });
            String extra = System.getProperty("lm.extra");
            if (extra != null) {
                String[] parts = extra.split(",");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("lm.extra is FILE,WEIGHT,BONUS, was " + extra);
                }
                long extraStart = System.nanoTime();
                NgramLanguageModel other = NgramLanguageModel.load(Path.of(parts[0]));
                System.out.printf(Locale.ROOT, "language model %s: %d words, order %d, read in %.1f s%n", parts[0],
                        other.vocabularySize(), other.order(), (System.nanoTime() - extraStart) / 1e9);
                double weight = Double.parseDouble(parts[1]);
                double bonus = Double.parseDouble(parts[2]);
                decoders.put(String.format(Locale.ROOT, "beam + %s (%.2f, %.2f)", Path.of(parts[0]).getFileName(),
                        weight, bonus), beam.apply(new LanguageModelFusion(other, weight, bonus)));
            }
            StringBuilder header = new StringBuilder("| depth | decoder |");
            sets.forEach(s -> header.append(' ').append(s.getFileName()).append(" |"));
            System.out.println();
            System.out.println(header.append(" decoder time per audio second |"));
            System.out.println("|---|---|" + "---|".repeat(sets.size()) + "---|");
            List<Integer> depths = System.getProperty("depths") == null ? manifest.depths()
                    : numbers(System.getProperty("depths")).stream().map(Double::intValue).toList();
            measure(model, depths, audio, decoders, TIMED_PASSES, m -> {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d | %s |", m.depth(),
                        m.decoder()));
                m.wer().values().forEach(wer -> row.append(String.format(Locale.ROOT, " %.1f%% |", 100 * wer)));
                System.out.println(row.append(String.format(Locale.ROOT, " %.5f |", m.secondsPerAudioSecond())));
            });
        }
    }

    /**
     * Runs the acoustic model once per clip at each exit and decodes its output with every decoder: each decoder's
     * WER on each set and, when {@code timedPasses > 0}, its time per second of audio (a warm-up pass, then the
     * fastest of {@code timedPasses}: one pass after the warm-up still left the first exit measured two to three
     * times too slow). {@code compare} and {@code record} both measure through here.
     * @param sink gets one measurement per exit and decoder, exit by exit, decoders in the map's order
     */
    private static void measure(AcousticModel model, List<Integer> depths, Map<Path, List<PcmClip>> audio,
            Map<String, CtcDecoder> decoders, int timedPasses, Consumer<Measured> sink) {
        for (int depth : depths) {
            Map<Path, List<Decoded>> outputs = new LinkedHashMap<>();
            audio.forEach((set, clips) -> outputs.put(set, run(model, depth, clips)));
            for (Map.Entry<String, CtcDecoder> decoder : decoders.entrySet()) {
                Map<Path, Double> wers = new LinkedHashMap<>();
                long nanos = 0;
                double seconds = 0;
                for (Map.Entry<Path, List<Decoded>> set : outputs.entrySet()) {
                    wers.put(set.getKey(), wer(set.getValue(), decoder.getValue()));
                    long fastest = Long.MAX_VALUE;
                    for (int pass = 0; pass < timedPasses; pass++) {
                        long start = System.nanoTime();
                        wer(set.getValue(), decoder.getValue());
                        fastest = Math.min(fastest, System.nanoTime() - start);
                    }
                    nanos += (timedPasses > 0) ? fastest : 0;
                    seconds += set.getValue().stream().mapToDouble(Decoded::seconds).sum();
                }
                sink.accept(new Measured(depth, decoder.getKey(), wers,
                        (timedPasses > 0) ? nanos / 1e9 / seconds : Double.NaN));
            }
        }
    }

    /**
     * {@code record}: measures every exit with the language model as {@code compare} does and writes the WERs
     * into the model's {@code manifest.json} as each exit's {@code dev_wer_lm}, replacing any there, then prints
     * them.
     */
    private static void record(Path modelDir, AcousticModel model, List<Integer> depths,
            Map<Path, List<PcmClip>> audio, CtcDecoder fused) throws IOException {
        Map<Path, String> names = new LinkedHashMap<>();
        for (Path set : audio.keySet()) {
            String name = setName(set);
            if (names.containsValue(name)) {
                throw new IllegalArgumentException("two sets are named " + name);
            }
            names.put(set, name);
        }
        Map<Integer, Map<String, Double>> wers = new LinkedHashMap<>();
        measure(model, depths, audio, Map.of("beam + LM", fused), 0, m -> {
            Map<String, Double> byName = new LinkedHashMap<>();
            m.wer().forEach((set, wer) -> byName.put(names.get(set), Math.round(wer * 10_000) / 10_000.0));
            wers.put(m.depth(), byName);
        });
        Path file = ManifestFile.writeExitField(modelDir, "dev_wer_lm", "dev_wer", wers);
        System.out.println();
        System.out.println("dev_wer_lm written to " + file + ":");
        System.out.println();
        System.out.println("| depth |" + String.join(" |", names.values().stream().map(n -> " " + n).toList()) + " |");
        System.out.println("|---|" + "---|".repeat(names.size()));
        wers.forEach((depth, byName) -> {
            StringBuilder row = new StringBuilder("| " + depth + " |");
            byName.values().forEach(wer -> row.append(String.format(Locale.ROOT, " %s (%.1f%%) |",
                    ManifestFile.pythonFloat(wer), 100 * wer)));
            System.out.println(row);
        });
    }

    /** A set's name in the manifest: its folder's name without a leading {@code dev_} ({@code dev_synth}: synth). */
    static String setName(Path set) {
        String folder = set.toAbsolutePath().normalize().getFileName().toString();
        return folder.startsWith("dev_") ? folder.substring("dev_".length()) : folder;
    }

    /** Half of the frames are blank-dominated, half peak at a random label; the rest of the mass is spread. */
    private static void decodeLongLattice(CtcDecoder decoder, int labels, int frames) {
        Random random = new Random(1);
        float[][] logProbs = new float[frames][labels];
        for (float[] row : logProbs) {
            double[] p = new double[labels];
            double sum = 0;
            for (int k = 0; k < labels; k++) {
                p[k] = Math.exp(-8 + 2 * random.nextGaussian());
                sum += p[k];
            }
            p[random.nextBoolean() ? 0 : 1 + random.nextInt(labels - 1)] += 20 * sum;
            sum *= 21;
            for (int k = 0; k < labels; k++) {
                row[k] = (float) Math.log(p[k] / sum);
            }
        }
        Runtime runtime = Runtime.getRuntime();
        long start = System.nanoTime();
        Transcript transcript = decoder.decode(logProbs, frames);
        long nanos = System.nanoTime() - start;
        System.out.printf(Locale.ROOT, "%d frames: %d words in %.2f s; heap in use at the end %.0f MB of at most %.0f MB%n",
                frames, transcript.words().size(), nanos / 1e9, (runtime.totalMemory() - runtime.freeMemory()) / 1e6,
                runtime.maxMemory() / 1e6);
    }

    private static List<Double> numbers(String list) {
        return Arrays.stream(list.split(",")).map(Double::parseDouble).toList();
    }

    private static List<PcmClip> clips(Path set, ModelManifest manifest) throws IOException {
        LogMelExtractor extractor = ModelFrontEnd.logMel(manifest);
        AudioLoader loader = new AudioLoader(manifest.sampleRate(), Duration.ofMinutes(10));
        List<PcmClip> clips = new ArrayList<>();
        for (String line : Files.readAllLines(set.resolve("transcripts.tsv"))) {
            String[] parts = line.split("\t", 2);
            PcmAudio audio = loader.load(Files.readAllBytes(set.resolve(parts[0])), null);
            float[] samples = audio.samples().length < manifest.minSamples()
                    ? Arrays.copyOf(audio.samples(), manifest.minSamples()) : audio.samples();
            clips.add(new PcmClip(extractor.extract(samples), audio.durationSeconds(), normalise(parts[1])));
        }
        return clips;
    }

    /**
     * A reference transcript in the words the model spells, as the recipe's {@code text.normalise} writes its
     * text: lowercase, typographic apostrophes straight, hyphens and slashes between words, no other punctuation,
     * no apostrophe at either end of a word. The recipe's sets are written so already; the real sets (Common
     * Voice's sentences) keep their punctuation and capitals, which would otherwise count as errors.
     */
    static String normalise(String text) {
        String s = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'').replace("&", " and ").replace("%", " percent ");
        s = s.replaceAll("[-/]", " ").replaceAll("[.,;:!?\"()\\[\\]]", " ");
        s = s.replaceAll("(^| )'+|'+( |$)", " ");
        return String.join(" ", s.trim().split("\\s+"));
    }

    private static List<Decoded> run(AcousticModel model, int depth, List<PcmClip> clips) {
        return clips.stream().map(c -> new Decoded(model.run(depth, c.features()), c.seconds(), c.text())).toList();
    }

    private static double wer(List<Decoded> set, CtcDecoder decoder) {
        int errors = 0;
        int words = 0;
        for (Decoded d : set) {
            List<String> reference = WordErrors.words(d.text());
            String hypothesis = decoder.decode(d.out().values(), d.out().length()).text();
            errors += WordErrors.distance(reference, WordErrors.words(hypothesis));
            words += reference.size();
        }
        return (double) errors / words;
    }

    private record PcmClip(float[][] features, double seconds, String text) {
    }

    private record Decoded(LogProbs out, double seconds, String text) {
    }

    /**
     * One exit decoded one way.
     * @param wer the WER on each set, in the sets' order
     * @param secondsPerAudioSecond the decoder's time per second of audio, NaN when not timed
     */
    private record Measured(int depth, String decoder, Map<Path, Double> wer, double secondsPerAudioSecond) {
    }

}
