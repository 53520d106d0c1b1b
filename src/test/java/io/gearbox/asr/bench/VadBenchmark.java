package io.gearbox.asr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.segmentation.SpeechDetector;
import io.gearbox.asr.segmentation.SpeechSpan;
import io.gearbox.asr.segmentation.VadSettings;
import io.gearbox.asr.support.JoinedSpeech;

/**
 * Measures the voice activity detector ({@code models/silero-vad}). Prints markdown tables. Not a test.
 *
 * <pre>
 * ./mvnw -q -o test-compile exec:java -Dsmoke.skip -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gearbox.asr.bench.VadBenchmark -Dexec.args="rtf 5"
 * </pre>
 *
 * Modes:
 * <ul>
 * <li>{@code rtf MINUTES}: a recording of that many minutes made of the committed devset sentences
 * ({@code models/gearbox-en/devset/synth-*.flac}, trimmed of their edge silence, in order, repeated as needed),
 * joined by 0.6 to 1.5 s gaps of digital silence (seeded). Prints the model's cost on one intra-op thread (the fastest
 * of three passes after one that warms the JIT and ONNX Runtime up): seconds, real-time factor, microseconds per
 * 32 ms window; and what {@link VadSettings#defaults()} make of the recording, of the same with white noise at
 * -50 dBFS under all of it, and of the same sentences with that noise in the gaps only: spans against sentences,
 * sentences cut by a span's end, and how far each sentence's outer span edges (less the pad) lie from its own.</li>
 * <li>{@code pauses SET}: for every clip of a set (a folder of audio with {@code transcripts.tsv}; run it on the
 * tuning set {@code models/recipe/work/tune_synth}, never a development set), the longest pause inside its speech,
 * as the detector sees it (windows below the default negative threshold between its first and last window at or
 * above the threshold), as a distribution: what {@code minSilence} must exceed not to cut sentences.</li>
 * </ul>
 */
public final class VadBenchmark {

    static final Path MODEL = Path.of("models/silero-vad/silero_vad.onnx");

    static final int TIMED_PASSES = 3;

    /** White noise at about -50 dBFS. */
    static final double NOISE_RMS = 0.003;

    private VadBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !List.of("rtf", "pauses").contains(args[0])) {
            System.err.println("usage: rtf MINUTES | pauses SET");
            System.exit(2);
        }
        try (SileroVad vad = SileroVad.open(MODEL, 1)) {
            if (args[0].equals("rtf")) {
                rtf(vad, Double.parseDouble(args[1]));
            }
            else {
                pauses(vad, Path.of(args[1]));
            }
        }
    }

    private static void rtf(SileroVad vad, double minutes) {
        int target = (int) Math.round(minutes * 60 * JoinedSpeech.SAMPLE_RATE);
        List<String> names = JoinedSpeech.sentences();
        // The same sentences and gaps twice: gaps of digital silence, and gaps of noise that starts and stops with
        // the speech (as in audio with a noise gate, or joined from separate takes).
        JoinedSpeech silent = new JoinedSpeech().silence(1.0);
        JoinedSpeech gated = new JoinedSpeech().noise(1.0, NOISE_RMS, -1);
        Random random = new Random(42);
        int length = JoinedSpeech.SAMPLE_RATE;
        for (int k = 0; length < target; k++) {
            float[] sentence = JoinedSpeech.trimmedSentence(names.get(k % names.size()));
            double gap = 0.6 + 0.9 * random.nextDouble();
            silent.speech(sentence).silence(gap);
            gated.speech(sentence).noise(gap, NOISE_RMS, k);
            length += sentence.length + (int) Math.round(gap * JoinedSpeech.SAMPLE_RATE);
        }
        float[] samples = silent.samples();
        double seconds = (double) samples.length / JoinedSpeech.SAMPLE_RATE;

        float[] probabilities = vad.probabilities(samples);
        long best = Long.MAX_VALUE;
        for (int pass = 0; pass < TIMED_PASSES; pass++) {
            long start = System.nanoTime();
            float[] again = vad.probabilities(samples);
            best = Math.min(best, System.nanoTime() - start);
            if (!Arrays.equals(again, probabilities)) {
                throw new IllegalStateException("The probabilities changed between passes");
            }
        }
        System.out.printf(Locale.ROOT, "%n| audio | windows | VAD time (1 thread) | RTF | per window |%n");
        System.out.printf(Locale.ROOT, "|---|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| %.1f s | %d | %.3f s | %.5f | %.1f us |%n", seconds, probabilities.length,
                best / 1e9, best / 1e9 / seconds, best / 1e3 / probabilities.length);

        System.out.printf(Locale.ROOT, "%nSpans of the default settings; edges less the pad against the sentences'%n");
        System.out.printf(Locale.ROOT, "%n| gaps | sentences | spans | sentences with a span | sentences cut inside "
                + "| edge error median | p95 | max |%n|---|---|---|---|---|---|---|---|%n");
        List<int[]> truth = silent.speechBounds();
        report(vad, "digital silence", probabilities, samples.length, truth);
        report(vad, "-50 dBFS noise under everything", vad.probabilities(silent.samplesWithBackground(NOISE_RMS, 7)),
                samples.length, truth);
        report(vad, "-50 dBFS noise in the gaps only", vad.probabilities(gated.samples()), samples.length, truth);
    }

    private static void report(SileroVad vad, String gaps, float[] probabilities, int totalSamples,
            List<int[]> truth) {
        VadSettings settings = VadSettings.defaults();
        SpeechDetector detector = new SpeechDetector(settings, vad.sampleRate(), vad.windowSamples());
        List<SpeechSpan> spans = detector.detect(probabilities, totalSamples);
        int pad = (int) Math.round(settings.speechPad().toNanos() * 1e-9 * vad.sampleRate());
        List<Double> errors = new ArrayList<>();
        int matched = 0;
        int cut = 0;
        for (int[] sentence : truth) {
            List<SpeechSpan> overlapping = spans.stream()
                .filter((s) -> s.startSample() < sentence[1] && s.endSample() > sentence[0])
                .toList();
            if (overlapping.isEmpty()) {
                continue;
            }
            matched++;
            cut += (overlapping.size() > 1) ? 1 : 0;
            SpeechSpan first = overlapping.get(0);
            SpeechSpan last = overlapping.get(overlapping.size() - 1);
            errors.add(Math.abs(first.startSample() + pad - sentence[0]) * 1000.0 / vad.sampleRate());
            errors.add(Math.abs(last.endSample() - pad - sentence[1]) * 1000.0 / vad.sampleRate());
        }
        errors.sort(null);
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %.0f ms | %.0f ms | %.0f ms |%n", gaps,
                truth.size(), spans.size(), matched, cut, percentile(errors, 0.5), percentile(errors, 0.95),
                percentile(errors, 1.0));
    }

    private static void pauses(SileroVad vad, Path set) throws IOException {
        VadSettings settings = VadSettings.defaults();
        AudioLoader loader = new AudioLoader(vad.sampleRate(), Duration.ofMinutes(10));
        List<Double> longest = new ArrayList<>();
        for (String line : Files.readAllLines(set.resolve("transcripts.tsv"))) {
            if (line.isBlank()) {
                continue;
            }
            String file = line.substring(0, line.indexOf('\t'));
            float[] samples = loader.load(Files.readAllBytes(set.resolve(file)), null).samples();
            float[] p = vad.probabilities(samples);
            int first = -1;
            int last = -1;
            for (int i = 0; i < p.length; i++) {
                if (p[i] >= settings.threshold()) {
                    first = (first < 0) ? i : first;
                    last = i;
                }
            }
            int run = 0;
            int maxRun = 0;
            for (int i = Math.max(first, 0); i <= last; i++) {
                // As in SpeechDetector: a window below the negative threshold starts or continues a pause, one at
                // or above the threshold cancels it, one in between continues a pause already started.
                if (p[i] >= settings.threshold()) {
                    run = 0;
                }
                else if (p[i] < settings.negativeThreshold() || run > 0) {
                    run++;
                }
                maxRun = Math.max(maxRun, run);
            }
            longest.add(maxRun * 1000.0 * vad.windowSamples() / vad.sampleRate());
        }
        longest.sort(null);
        System.out.printf(Locale.ROOT, "%n%s, %d clips: longest pause inside a clip's speech (windows < %.2f)%n%n",
                set, longest.size(), settings.negativeThreshold());
        System.out.println("| median | p90 | p95 | p99 | max | clips with a pause >= 300 ms | >= 400 ms | >= 500 ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %d | %d | %d |%n",
                percentile(longest, 0.5), percentile(longest, 0.9), percentile(longest, 0.95),
                percentile(longest, 0.99), percentile(longest, 1.0), count(longest, 300), count(longest, 400),
                count(longest, 500));
    }

    private static long count(List<Double> values, double atLeast) {
        return values.stream().filter((v) -> v >= atLeast).count();
    }

    /** Nearest-rank percentile of sorted values; 0 for none. */
    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

}
