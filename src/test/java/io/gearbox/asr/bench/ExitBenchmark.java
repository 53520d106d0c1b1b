package io.gearbox.asr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.audio.PcmAudio;
import io.gearbox.asr.decoding.CtcDecoder;
import io.gearbox.asr.decoding.GreedyCtcDecoder;
import io.gearbox.asr.decoding.LanguageModelFusion;
import io.gearbox.asr.decoding.NgramLanguageModel;
import io.gearbox.asr.decoding.PrefixBeamSearchDecoder;
import io.gearbox.asr.decoding.Vocabulary;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.ExecutionProvider;
import io.gearbox.asr.inference.InferenceOptions;
import io.gearbox.asr.inference.LogProbs;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.ModelFrontEnd;
import io.gearbox.asr.support.WordErrors;

/**
 * Measures every exit of a model through the service's own inference path (ONNX Runtime Java on the CPU, one
 * utterance at a time): real-time factor of the acoustic model, speed-up over the deepest exit, and greedy WER
 * on a development set; then the real-time factor of the steps every request pays whatever its exit (decoding
 * the upload, log-mel features, CTC decoding: greedy, and the service's default beam search with the model's
 * language model when it ships one), which bounds what a shallower exit can save; and with a language model, every
 * gear (each exit decoded greedily and with the default decoder) as a whole request, which is what the governor's
 * default ladder ({@code DepthGovernor.ladder}) rests on. Prints
 * markdown tables. Not a test: timings on a shared machine are noisy, so run it
 * by hand and quote the command with the figures.
 *
 * <pre>
 * ./mvnw -q -o test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gearbox.asr.bench.ExitBenchmark \
 *     -Dexec.args="models/gearbox-en models/gearbox-en/devset 1 5"
 * </pre>
 *
 * Arguments: model folder, development set folder (audio files and {@code transcripts.tsv} with
 * {@code <file>\t<text>} lines), ONNX Runtime intra-op threads (default 1), timed passes (default 3). With
 * {@code -Drecord=true} it also writes each exit's RTF (the first table's, to three significant digits) into the
 * model's {@code manifest.json} as its {@code encoder_rtf}, after {@code parameters}: the governor's cost priors.
 */
public final class ExitBenchmark {

    private ExitBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path modelDir = Path.of(args.length > 0 ? args[0] : "models/gearbox-en");
        Path devset = Path.of(args.length > 1 ? args[1] : "models/gearbox-en/devset");
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 3;

        ModelManifest manifest = ModelManifest.load(modelDir);
        LogMelExtractor extractor = ModelFrontEnd.logMel(manifest);
        AudioLoader loader = new AudioLoader(manifest.sampleRate(), Duration.ofMinutes(10));
        Vocabulary vocabulary = Vocabulary.load(modelDir.resolve(manifest.vocabulary()), manifest.blankId());
        GreedyCtcDecoder decoder = new GreedyCtcDecoder(vocabulary, manifest.outputFrameSeconds());
        ModelManifest.LanguageModel lm = manifest.languageModel();
        // The service's default decoder (asr.decoding.*).
        PrefixBeamSearchDecoder fused = lm == null ? null : new PrefixBeamSearchDecoder(vocabulary,
                manifest.outputFrameSeconds(), DecodingBenchmark.BEAM, DecodingBenchmark.MAX_TOKENS,
                DecodingBenchmark.MIN_LOG_PROB, new LanguageModelFusion(
                        NgramLanguageModel.load(modelDir.resolve(lm.file())), lm.weight(), lm.wordBonus()));

        List<Clip> clips = new ArrayList<>();
        for (String line : Files.readAllLines(devset.resolve("transcripts.tsv"))) {
            String[] parts = line.split("\t", 2);
            byte[] upload = Files.readAllBytes(devset.resolve(parts[0]));
            PcmAudio audio = loader.load(upload, null);
            float[] samples = padded(audio.samples(), manifest.minSamples());
            clips.add(new Clip(upload, extractor.extract(samples), audio.durationSeconds(), parts[1]));
        }
        double audioSeconds = clips.stream().mapToDouble(Clip::seconds).sum();

        System.out.printf(Locale.ROOT, "%d clips, %.1f s of audio, ONNX Runtime CPU, %d intra-op thread(s), %d passes%n%n",
                clips.size(), audioSeconds, threads, passes);
        System.out.println("| depth | parameters | RTF | speed-up vs deepest | WER (greedy) |");
        System.out.println("|---|---|---|---|---|");
        try (AcousticModel model = AcousticModel.open(modelDir, manifest.depths(),
                new InferenceOptions(ExecutionProvider.CPU, threads))) {
            List<Integer> depths = model.depths();
            double[] rtf = new double[depths.size()];
            double[] wer = new double[depths.size()];
            long[] fastest = new long[depths.size()];
            Arrays.fill(fastest, Long.MAX_VALUE);
            for (int depth : depths) {
                for (int w = 0; w < Math.min(3, clips.size()); w++) {
                    model.run(depth, clips.get(w).features());
                }
            }
            // Passes go over every exit in turn, so that a slow spell of this shared machine slows one pass of
            // every exit rather than all passes of one; each exit keeps its fastest pass.
            for (int pass = 0; pass < passes; pass++) {
                for (int i = 0; i < depths.size(); i++) {
                    int depth = depths.get(i);
                    int errors = 0;
                    int words = 0;
                    long start = System.nanoTime();
                    for (Clip clip : clips) {
                        LogProbs out = model.run(depth, clip.features());
                        if (pass == 0) {
                            String hyp = decoder.decode(out.values(), out.length()).text();
                            List<String> reference = WordErrors.words(clip.text());
                            errors += WordErrors.distance(reference,
                                    WordErrors.words(hyp));
                            words += reference.size();
                        }
                    }
                    fastest[i] = Math.min(fastest[i], System.nanoTime() - start);
                    if (pass == 0) {
                        wer[i] = (double) errors / words;
                    }
                }
            }
            for (int i = 0; i < depths.size(); i++) {
                rtf[i] = fastest[i] / 1e9 / audioSeconds;
            }
            double deepest = rtf[depths.size() - 1];
            for (int i = 0; i < depths.size(); i++) {
                int depth = depths.get(i);
                System.out.printf(Locale.ROOT, "| %d | %,d | %.5f | %.2fx | %.1f%% |%n", depth,
                        manifest.exit(depth).orElseThrow().parameters(), rtf[i], deepest / rtf[i], 100 * wer[i]);
            }
            if (Boolean.getBoolean("record")) {
                Map<Integer, Double> byDepth = new LinkedHashMap<>();
                for (int i = 0; i < depths.size(); i++) {
                    byDepth.put(depths.get(i), Double.parseDouble(String.format(Locale.ROOT, "%.3g", rtf[i])));
                }
                System.out.println();
                System.out.println("encoder_rtf written to "
                        + ManifestFile.writeExitField(modelDir, "encoder_rtf", "parameters", byDepth) + ": " + byDepth);
                System.out.println();
            }

            List<LogProbs> outputs = new ArrayList<>();
            for (Clip clip : clips) {
                outputs.add(model.run(depths.get(depths.size() - 1), clip.features()));
            }
            long decodeAudio = Long.MAX_VALUE;
            long features = Long.MAX_VALUE;
            long ctc = Long.MAX_VALUE;
            long fusedCtc = Long.MAX_VALUE;
            for (int pass = 0; pass < passes + 1; pass++) { // the first pass warms the JIT up
                long start = System.nanoTime();
                List<float[]> decoded = new ArrayList<>();
                for (Clip clip : clips) {
                    decoded.add(padded(loader.load(clip.upload(), null).samples(), manifest.minSamples()));
                }
                long afterAudio = System.nanoTime();
                for (float[] samples : decoded) {
                    extractor.extract(samples);
                }
                long afterFeatures = System.nanoTime();
                for (LogProbs out : outputs) {
                    decoder.decode(out.values(), out.length());
                }
                long end = System.nanoTime();
                if (fused != null) {
                    for (LogProbs out : outputs) {
                        fused.decode(out.values(), out.length());
                    }
                }
                long afterFused = System.nanoTime();
                if (pass > 0) {
                    decodeAudio = Math.min(decodeAudio, afterAudio - start);
                    features = Math.min(features, afterFeatures - afterAudio);
                    ctc = Math.min(ctc, end - afterFeatures);
                    fusedCtc = Math.min(fusedCtc, afterFused - end);
                }
            }
            System.out.printf(Locale.ROOT, "%n| step every request pays | RTF | share of a request at depth %d | at depth %d |%n",
                    depths.get(depths.size() - 1), depths.get(0));
            System.out.println("|---|---|---|---|");
            // A request decodes either greedily or with beam search (the default when the model ships a language
            // model), so the fixed cost counts the one the service uses.
            long decoding = fused != null ? fusedCtc : ctc;
            double fixed = (decodeAudio + features + decoding) / 1e9 / audioSeconds;
            String[] names = fused != null
                    ? new String[] {"decoding the upload", "log-mel features", "beam search + LM (the default)",
                        "greedy CTC decoding (instead)"}
                    : new String[] {"decoding the upload", "log-mel features", "greedy CTC decoding"};
            long[] spent = fused != null ? new long[] {decodeAudio, features, fusedCtc, ctc}
                    : new long[] {decodeAudio, features, ctc};
            for (int i = 0; i < names.length; i++) {
                double stage = spent[i] / 1e9 / audioSeconds;
                System.out.printf(Locale.ROOT, "| %s | %.5f | %.0f%% | %.0f%% |%n", names[i], stage,
                        100 * stage / (fixed + deepest), 100 * stage / (fixed + rtf[0]));
            }
            System.out.printf(Locale.ROOT, "%nWithout HTTP, the shallowest exit makes a request %.2fx faster than the deepest"
                    + " (%.2fx for the acoustic model alone).%n", (fixed + deepest) / (fixed + rtf[0]), deepest / rtf[0]);
            if (fused != null) {
                printGears(model, depths, clips, rtf, (decodeAudio + features) / 1e9 / audioSeconds, audioSeconds,
                        passes, decoder, fused);
            }
        }
    }

    /**
     * Every gear the governor could use, each exit decoded greedily and with the default decoder (whose beam search
     * costs more on a shallow exit's flatter output): a whole request's cost per audio second without HTTP (upload,
     * features, the exit, its decoding: each decoder timed on that exit's own output, fastest of the passes after
     * a warm-up one), its speed-up over full depth with the default decoder, and the WER on the development set;
     * "default ladder" marks the gears of {@code DepthGovernor.ladder} with fast gears.
     */
    private static void printGears(AcousticModel model, List<Integer> depths, List<Clip> clips, double[] rtf,
            double frontEnd, double audioSeconds, int passes, GreedyCtcDecoder greedy,
            PrefixBeamSearchDecoder fused) {
        List<Gear> ladder = DepthGovernor.ladder(depths, true);
        double[][] cost = new double[depths.size()][2];
        double[][] wer = new double[depths.size()][2];
        for (int i = 0; i < depths.size(); i++) {
            List<LogProbs> outputs = new ArrayList<>();
            for (Clip clip : clips) {
                outputs.add(model.run(depths.get(i), clip.features()));
            }
            CtcDecoder[] decoders = { greedy, fused };
            for (int d = 0; d < decoders.length; d++) {
                long best = Long.MAX_VALUE;
                for (int pass = 0; pass < passes + 1; pass++) {
                    long start = System.nanoTime();
                    for (LogProbs out : outputs) {
                        decoders[d].decode(out.values(), out.length());
                    }
                    if (pass > 0) {
                        best = Math.min(best, System.nanoTime() - start);
                    }
                }
                int errors = 0;
                int words = 0;
                for (int c = 0; c < clips.size(); c++) {
                    LogProbs out = outputs.get(c);
                    List<String> reference = WordErrors.words(clips.get(c).text());
                    errors += WordErrors.distance(reference, WordErrors
                        .words(decoders[d].decode(out.values(), out.length()).text()));
                    words += reference.size();
                }
                cost[i][d] = frontEnd + rtf[i] + best / 1e9 / audioSeconds;
                wer[i][d] = (double) errors / words;
            }
        }
        double full = cost[depths.size() - 1][1];
        System.out.printf(Locale.ROOT, "%n| gear | decoder | request RTF | speed-up vs depth %d with the default decoder "
                + "| WER | default ladder |%n", depths.get(depths.size() - 1));
        System.out.println("|---|---|---|---|---|---|");
        for (int d = 0; d < 2; d++) {
            for (int i = 0; i < depths.size(); i++) {
                Gear gear = (d == 0) ? Gear.fast(depths.get(i)) : Gear.full(depths.get(i));
                System.out.printf(Locale.ROOT, "| %s | %s | %.5f | %.2fx | %.1f%% | %s |%n", gear,
                        (d == 0) ? "greedy" : "beam + LM", cost[i][d], full / cost[i][d], 100 * wer[i][d],
                        ladder.contains(gear) ? "yes" : "");
            }
        }
    }

    private static float[] padded(float[] samples, int minSamples) {
        return (samples.length < minSamples) ? java.util.Arrays.copyOf(samples, minSamples) : samples;
    }

    private record Clip(byte[] upload, float[][] features, double seconds, String text) {
    }

}
