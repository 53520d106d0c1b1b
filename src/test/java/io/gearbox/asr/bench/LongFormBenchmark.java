package io.gearbox.asr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.decoding.CtcDecoder;
import io.gearbox.asr.decoding.GreedyCtcDecoder;
import io.gearbox.asr.decoding.LanguageModelFusion;
import io.gearbox.asr.decoding.NgramLanguageModel;
import io.gearbox.asr.decoding.PrefixBeamSearchDecoder;
import io.gearbox.asr.decoding.Segmenter;
import io.gearbox.asr.decoding.Vocabulary;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.ExecutionProvider;
import io.gearbox.asr.inference.InferenceOptions;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.DepthSelector;
import io.gearbox.asr.recognition.LongFormCutter;
import io.gearbox.asr.recognition.ModelFrontEnd;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.RecognitionListener;
import io.gearbox.asr.recognition.RecognitionRequest;
import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.recognition.SpeechPauseCutter;
import io.gearbox.asr.segmentation.VadSettings;
import io.gearbox.asr.segmentation.VoiceActivityDetector;
import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.TestAudio;
import io.gearbox.asr.support.WordErrors;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Long recordings against their sentences: recordings made by joining a set's clips with pauses between them, each
 * recognised in one request through the service's own {@link Recognizer} (cut at speech pauses by the voice
 * activity detector, one worker, full depth, the service's default decoder), against the same sentences recognised
 * one by one. Prints, per recording length and longest segment, the WER of both, the real-time factor of the one
 * request and how many spans it was cut into. Not a test.
 *
 * <pre>
 * ./mvnw -q -o test-compile exec:java -Dsmoke.skip -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gearbox.asr.bench.LongFormBenchmark \
 *     -Dexec.args="models/gearbox-en models/recipe/work/dev_synth 2,5 20"
 * </pre>
 *
 * Arguments: {@code MODEL SET MINUTES [MAX_SEGMENT_SECONDS [MIN_SILENCE_MS]]}, the last three comma-separated lists
 * (recording lengths in minutes; the detector's longest segment, default 10; its shortest pause that cuts, default
 * 200: the service's defaults). A recording of N minutes holds the set's clips in a shuffled order (seed {@code -Dseed}, default 1) until
 * it lasts N minutes, each followed by a pause of uniformly {@code -Dpause.min} to {@code -Dpause.max} seconds
 * (default 0.2 to 1.0) of faint noise (-70 dBFS); so some pauses are shorter than the detector's shortest cut, and
 * its spans hold one or several sentences. {@code -Dwhole=true} also recognises each recording whole, uncut (the
 * service with {@code asr.segmentation.enabled=false}; its memory grows with the square of the length).
 * {@code -Dtrim=true} first trims each clip of its own leading and trailing silence ({@link JoinedSpeech#trim}),
 * so that the pauses are exactly the ones added. {@code -Dvad=PATH} names the detector's model (default
 * {@code models/silero-vad/silero_vad.onnx}).
 */
public final class LongFormBenchmark {

    private LongFormBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: MODEL SET MINUTES [MAX_SEGMENT_SECONDS [MIN_SILENCE_MS]]");
            System.exit(2);
        }
        Path modelDir = Path.of(args[0]);
        Path set = Path.of(args[1]);
        List<Double> minutes = numbers(args[2]);
        List<Double> maxSegments = numbers(args.length > 3 ? args[3] : "10");
        List<Double> minSilences = numbers(args.length > 4 ? args[4] : "200");
        long seed = Long.getLong("seed", 1);
        double pauseMin = Double.parseDouble(System.getProperty("pause.min", "0.2"));
        double pauseMax = Double.parseDouble(System.getProperty("pause.max", "1.0"));
        boolean whole = Boolean.getBoolean("whole");
        boolean trim = Boolean.getBoolean("trim");
        String write = System.getProperty("write");
        Duration pad = Duration.ofMillis(Long.getLong("pad", VadSettings.defaults().speechPad().toMillis()));
        Path vadFile = Path.of(System.getProperty("vad", "models/silero-vad/silero_vad.onnx"));

        ModelManifest manifest = ModelManifest.load(modelDir);
        int rate = manifest.sampleRate();
        AudioLoader loader = new AudioLoader(rate, Duration.ofMinutes(10));
        List<Clip> clips = new ArrayList<>();
        for (String line : Files.readAllLines(set.resolve("transcripts.tsv"))) {
            String[] parts = line.split("\t", 2);
            float[] samples = loader.load(Files.readAllBytes(set.resolve(parts[0])), null).samples();
            clips.add(new Clip(trim ? JoinedSpeech.trim(samples) : samples, parts[1]));
        }
        Vocabulary vocabulary = Vocabulary.load(modelDir.resolve(manifest.vocabulary()), manifest.blankId());
        ModelManifest.LanguageModel lm = manifest.languageModel();
        CtcDecoder decoder = new PrefixBeamSearchDecoder(vocabulary, manifest.outputFrameSeconds(),
                DecodingBenchmark.BEAM, DecodingBenchmark.MAX_TOKENS, DecodingBenchmark.MIN_LOG_PROB,
                (lm == null) ? null : new LanguageModelFusion(NgramLanguageModel.load(modelDir.resolve(lm.file())),
                        lm.weight(), lm.wordBonus()));
        CtcDecoder greedy = new GreedyCtcDecoder(vocabulary, manifest.outputFrameSeconds());
        Scheduler scheduler = Schedulers.newBoundedElastic(1, 1000, "bench-worker");
        try (AcousticModel model = AcousticModel.open(modelDir, List.of(manifest.depths().get(
                manifest.depths().size() - 1)), new InferenceOptions(ExecutionProvider.CPU, 1));
                SileroVad vad = SileroVad.open(vadFile, 1)) {
            int depth = model.deepest();
            AtomicInteger spans = new AtomicInteger();
            RecognitionListener utterances = (sample) -> spans.incrementAndGet();
            Builder recognizers = (cutter) -> new Recognizer(model, loader, ModelFrontEnd.logMel(manifest), decoder,
                    greedy, new Segmenter()::segment, cutter, DepthSelector.deepest(),
                    new AdmissionQueue(1, 1000, Duration.ofSeconds(1)), scheduler, List.of(utterances));
            Recognizer alone = recognizers.build(LongFormCutter.never());
            // every clip once on its own: the reference each recording is compared with
            List<String> sentenceHypotheses = new ArrayList<>();
            for (Clip clip : (write == null) ? clips : List.<Clip>of()) {
                sentenceHypotheses.add(recognize(alone, TestAudio.wav(pcm(clip.samples()), rate), depth).text());
            }
            System.out.printf(Locale.ROOT, "%s: %d clips%s; model %s at depth %d, %s; pauses %.1f-%.1f s, seed %d; "
                    + "spans padded by %d ms%n%n", set, clips.size(), trim ? " trimmed of their edge silence" : "",
                    manifest.name(), depth, decoder.settings(), pauseMin, pauseMax, seed, pad.toMillis());
            System.out.println("| recording | sentences | longest segment | shortest cut pause | spans | WER, one "
                    + "request | WER, sentence by sentence | RTF, one request |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (double length : minutes) {
                Recording recording = join(clips, length * 60, rate, pauseMin, pauseMax, new Random(seed));
                byte[] wav = TestAudio.wav(pcm(recording.samples()), rate);
                if (write != null) {
                    Path file = Path.of(write + "-" + length + "min.wav");
                    Files.write(file, wav);
                    Files.writeString(Path.of(write + "-" + length + "min.txt"), String.join(" ",
                            recording.clips().stream().map(Clip::text).toList()) + "\n");
                    System.out.println("wrote " + file + " and its transcript");
                    continue;
                }
                double sentenceWer = wer(recording, (i) -> sentenceHypotheses.get(i));
                double seconds = recording.samples().length / (double) rate;
                for (double maxSegment : maxSegments) {
                    for (double minSilence : minSilences) {
                        VadSettings defaults = VadSettings.defaults();
                        VadSettings settings = new VadSettings(defaults.threshold(), defaults.negativeThreshold(),
                                Duration.ofMillis(Math.round(minSilence)), defaults.minSpeech(), pad,
                                Duration.ofMillis(Math.round(maxSegment * 1000)));
                        Recognizer cut = recognizers.build(new SpeechPauseCutter(new VoiceActivityDetector(vad,
                                settings), Duration.ZERO));
                        spans.set(0);
                        Recognition result = recognize(cut, wav, depth);
                        double oneWer = wer(recording, result.text());
                        System.out.printf(Locale.ROOT, "| %.1f min | %d | %.0f s | %.0f ms | %d | %.1f%% | %.1f%% "
                                + "| %.4f |%n", seconds / 60, recording.clips().size(), maxSegment, minSilence,
                                spans.get(),
                                100 * oneWer, 100 * sentenceWer, result.realTimeFactor());
                    }
                }
                if (whole) {
                    Recognition result = recognize(alone, wav, depth);
                    System.out.printf(Locale.ROOT, "| %.1f min | %d | whole | - | 1 | %.1f%% | %.1f%% | %.4f |%n",
                            seconds / 60, recording.clips().size(), 100 * wer(recording, result.text()),
                            100 * sentenceWer, result.realTimeFactor());
                }
            }
        }
        finally {
            scheduler.dispose();
        }
    }

    private static Recognition recognize(Recognizer recognizer, byte[] wav, int depth) {
        return recognizer.recognize(RecognitionRequest.of(wav, "audio/wav", DepthRequest.pinned(depth)))
            .block(Duration.ofMinutes(30));
    }

    /** The clips in a shuffled order, each followed by a pause of faint noise, until {@code seconds} are filled. */
    static Recording join(List<Clip> clips, double seconds, int rate, double pauseMin, double pauseMax,
            Random random) {
        List<Integer> order = new ArrayList<>();
        List<float[]> pieces = new ArrayList<>();
        int total = 0;
        List<Integer> shuffled = new ArrayList<>();
        while (total < seconds * rate) {
            if (shuffled.isEmpty()) {
                for (int i = 0; i < clips.size(); i++) {
                    shuffled.add(i);
                }
                Collections.shuffle(shuffled, random);
            }
            int index = shuffled.remove(shuffled.size() - 1);
            order.add(index);
            pieces.add(clips.get(index).samples());
            float[] pause = new float[(int) Math.round((pauseMin + random.nextDouble() * (pauseMax - pauseMin))
                    * rate)];
            for (int i = 0; i < pause.length; i++) {
                pause[i] = (float) (random.nextGaussian() * 3.2e-4); // -70 dBFS
            }
            pieces.add(pause);
            total += clips.get(index).samples().length + pause.length;
        }
        float[] samples = new float[total];
        int at = 0;
        for (float[] piece : pieces) {
            System.arraycopy(piece, 0, samples, at, piece.length);
            at += piece.length;
        }
        List<Clip> used = order.stream().map(clips::get).toList();
        return new Recording(samples, used, order);
    }

    private static double wer(Recording recording, String hypothesis) {
        List<String> reference = new ArrayList<>();
        recording.clips().forEach((clip) -> reference.addAll(WordErrors.words(clip.text())));
        return (double) WordErrors.distance(reference, WordErrors.words(hypothesis))
                / reference.size();
    }

    /** The WER of the recording's sentences recognised one by one, over all of them. */
    private static double wer(Recording recording, IntFunction<String> hypothesisOfClip) {
        int errors = 0;
        int words = 0;
        for (int i = 0; i < recording.clips().size(); i++) {
            List<String> reference = WordErrors.words(recording.clips().get(i).text());
            errors += WordErrors.distance(reference,
                    WordErrors.words(hypothesisOfClip.apply(recording.order().get(i))));
            words += reference.size();
        }
        return (double) errors / words;
    }

    private static short[] pcm(float[] samples) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            pcm[i] = (short) Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767);
        }
        return pcm;
    }

    private static List<Double> numbers(String list) {
        return Arrays.stream(list.split(",")).map(Double::parseDouble).toList();
    }

    record Clip(float[] samples, String text) {
    }

    /**
     * @param samples the recording
     * @param clips the clips in it, in order
     * @param order their indexes in the set
     */
    record Recording(float[] samples, List<Clip> clips, List<Integer> order) {
    }

    @FunctionalInterface
    private interface Builder {

        Recognizer build(LongFormCutter cutter);

    }

}
