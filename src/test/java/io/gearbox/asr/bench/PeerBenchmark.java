package io.gearbox.asr.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.gearbox.asr.audio.AudioLoader;
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
import io.gearbox.asr.recognition.ModelFrontEnd;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.RecognitionRequest;
import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.recognition.SpeechPauseCutter;
import io.gearbox.asr.segmentation.VadSettings;
import io.gearbox.asr.segmentation.VoiceActivityDetector;
import io.gearbox.asr.support.WordErrors;
import io.gearbox.asr.support.WordErrors.Edits;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes the same clips with the service and with Debian's pocketsphinx, what a user of this machine could install
 * instead, and prints one Markdown row per set: clips, audio minutes, then for each recogniser its WER (with
 * substitutions / deletions / insertions) and its real-time factor. Not a test; {@code bench/peer.sh} runs it.
 *
 * <pre>
 * ./mvnw -q -o test-compile exec:java -Dsmoke.skip -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gearbox.asr.bench.PeerBenchmark \
 *     -Dexec.args="models/gearbox-en models/recipe/work/dev_synth ../shared/data/commonvoice-dev"
 * </pre>
 *
 * Arguments: {@code [--url URL] [--clips N] [--warm-up N] MODEL SET...}; {@code --clips}: at most N clips of each
 * set, evenly spaced through its list (pocketsphinx is by far the slower side, and the one that sets the run's
 * length). A set is a folder with
 * {@code transcripts.tsv} ({@code <relative audio path>\t<text>} lines) and the audio (any format and rate the
 * service reads; sox must read it too).
 *
 * <ul>
 * <li><b>The service</b> decodes each clip through its own {@link Recognizer}, built as the running service builds
 * it with its defaults: the audio loader, the model's log-mel front end, ONNX Runtime on the CPU with one thread
 * ({@code asr.inference.intra-op-threads=1}), the deepest exit pinned, and beam search (width 16, at most 8 tokens a
 * frame, none below log-probability -6) with the language model MODEL ships at its manifest's weights. One request
 * at a time on this thread, after {@link Recognizer#warmUp} and an untimed pass over the first {@code --warm-up}
 * (default 10) clips of every set, so that the JIT has compiled the decoder. Its times cover the whole request from
 * the encoded bytes: audio decoding and resampling, features, encoder, beam search, segmentation.</li>
 * <li><b>With {@code --url}</b>, the same clips also go to a running service ({@code POST /v1/recognize?depth=D},
 * D the model's deepest exit, {@code application/octet-stream} so that it sniffs the format), one at a time; its
 * time is the client's, upload and answer included.</li>
 * <li><b>pocketsphinx</b>: each clip is first converted with {@code sox} to 16 kHz mono 16-bit WAV in a temporary
 * folder (not timed), then decoded by {@code pocketsphinx_continuous -infile CLIP -logfn LOG} with Debian's
 * en-us acoustic model, language model and dictionary, one process per clip (pocketsphinx is single-threaded),
 * under {@code /usr/bin/time}. Its decoding time is what pocketsphinx reports in its log for the utterance
 * (fwdtree + fwdflat + bestpath passes, CPU and wall): from the first audio to the hypothesis, model loading not
 * included, as a server that keeps its models loaded would see it. The process's wall time, model loading
 * included, as the command is used, is the last column.</li>
 * </ul>
 * Both transcripts and the reference are normalised alike ({@link TextNormalisation}: the recipe's rules) and
 * scored with {@link WordErrors}. RTF is seconds of decoding per second of audio (the duration the service's audio
 * loader reads), summed over the set: CPU time (this thread's, or pocketsphinx's user + system time in its search)
 * and wall time, both on one core; on a shared machine the CPU time is the steadier of the two. The last row pools
 * every set.
 */
public final class PeerBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** pocketsphinx's per-pass summary at the end of its log, e.g. "TOTAL fwdtree 2.00 CPU 0.672 xRT". */
    private static final Pattern PASS_TIME = Pattern.compile("TOTAL (fwdtree|fwdflat|bestpath) ([0-9.]+) (CPU|wall)");

    private PeerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        int maxClips = Integer.MAX_VALUE;
        int warmUp = 10;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--clips" -> maxClips = Integer.parseInt(args[++i]);
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() < 2 || maxClips < 1 || warmUp < 0) {
            System.err.println("usage: [--url URL] [--clips N] [--warm-up N] MODEL SET...");
            System.exit(2);
        }
        Path modelDir = Path.of(positional.get(0));
        List<Path> sets = positional.subList(1, positional.size()).stream().map(Path::of).toList();
        Path scratch = Files.createTempDirectory("peer-benchmark");
        try (AcousticModel model = AcousticModel.open(modelDir, ModelManifest.load(modelDir).depths(),
                new InferenceOptions(ExecutionProvider.CPU, 1));
                SileroVad vad = SileroVad.open(Path.of("models/silero-vad/silero_vad.onnx"), 1)) {
            Recognizer recognizer = recognizer(model, vad);
            int depth = model.deepest();
            Pocketsphinx pocketsphinx = new Pocketsphinx(scratch);
            Http http = (url != null) ? new Http(URI.create(url), depth) : null;
            List<List<Clip>> clips = new ArrayList<>();
            for (Path set : sets) {
                clips.add(Clip.read(set, maxClips));
            }
            System.err.printf(Locale.ROOT, "%s at depth %d, %s; warming up%n", modelDir, depth,
                    model.manifest().languageModel() != null ? "beam search with " + model.manifest().languageModel().file()
                            : "beam search without a language model");
            recognizer.warmUp();
            for (List<Clip> set : clips) {
                for (Clip clip : set.subList(0, Math.min(warmUp, set.size()))) {
                    decode(recognizer, depth, clip);
                    if (http != null) {
                        http.decode(clip);
                    }
                }
            }
            System.out.println(Row.header(http != null));
            // A check that the service's CPU time is all on this thread (ONNX Runtime with one intra-op thread runs
            // on the caller): the process's CPU time, compared at the end, also counts the JIT, the garbage
            // collector and the waits on the pocketsphinx processes.
            long processCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
            Totals all = new Totals("all", http != null);
            for (int s = 0; s < sets.size(); s++) {
                Totals totals = new Totals(sets.get(s).normalize().getFileName().toString(), http != null);
                for (Clip clip : clips.get(s)) {
                    Measured service = decode(recognizer, depth, clip);
                    Measured peer = pocketsphinx.decode(clip, service.audioSeconds());
                    Measured overHttp = (http != null) ? http.decode(clip).withAudioSeconds(service.audioSeconds())
                            : null;
                    totals.add(clip, service, peer, overHttp);
                    all.add(clip, service, peer, overHttp);
                }
                System.out.println(totals.row());
                System.err.printf(Locale.ROOT, "%s done%n", sets.get(s));
            }
            if (sets.size() > 1) {
                System.out.println(all.row());
            }
            System.err.printf(Locale.ROOT, "service CPU time on this thread %.1f s; this process's CPU time %.1f s%n",
                    all.service.cpu, (((com.sun.management.OperatingSystemMXBean) ManagementFactory
                        .getOperatingSystemMXBean()).getProcessCpuTime() - processCpu) / 1e9);
        }
        finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The service's recognizer with its default settings (RecognitionConfiguration, DecodingProperties,
     * SegmentationProperties: clips over 10 s are cut at speech pauses).
     */
    private static Recognizer recognizer(AcousticModel model, SileroVad vad) throws IOException {
        ModelManifest manifest = model.manifest();
        Vocabulary vocabulary = Vocabulary.load(model.directory().resolve(manifest.vocabulary()), manifest.blankId());
        ModelManifest.LanguageModel lm = manifest.languageModel();
        LanguageModelFusion fusion = (lm != null) ? new LanguageModelFusion(
                NgramLanguageModel.load(model.directory().resolve(lm.file())), lm.weight(), lm.wordBonus()) : null;
        PrefixBeamSearchDecoder decoder = new PrefixBeamSearchDecoder(vocabulary, manifest.outputFrameSeconds(),
                DecodingBenchmark.BEAM, DecodingBenchmark.MAX_TOKENS, DecodingBenchmark.MIN_LOG_PROB, fusion);
        // One request at a time, on this thread (the immediate scheduler), so that its CPU time is this thread's.
        return new Recognizer(model, new AudioLoader(manifest.sampleRate(), Duration.ofMinutes(10)),
                ModelFrontEnd.logMel(manifest), decoder, new GreedyCtcDecoder(vocabulary, manifest.outputFrameSeconds()),
                new Segmenter()::segment, new SpeechPauseCutter(new VoiceActivityDetector(vad, VadSettings.defaults()),
                        Duration.ofSeconds(10)), DepthSelector.deepest(), new AdmissionQueue(1, 1, Duration.ofSeconds(1)),
                Schedulers.immediate(), List.of());
    }

    private static Measured decode(Recognizer recognizer, int depth, Clip clip) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        Recognition recognition = recognizer.recognize(RecognitionRequest.of(clip.audio(), null,
                DepthRequest.pinned(depth))).block();
        long wallNanos = System.nanoTime() - wall;
        long cpuNanos = THREADS.getCurrentThreadCpuTime() - cpu;
        return new Measured(recognition.transcript().text(), recognition.audioSeconds(), cpuNanos / 1e9,
                wallNanos / 1e9, Double.NaN);
    }

    /**
     * One clip of a set. {@link #read} takes at most {@code maxClips} of a set's clips (all by default), evenly
     * spaced through its {@code transcripts.tsv}: line {@code floor(i * lines / maxClips)} for each {@code i}.
     * @param path the audio file
     * @param audio its bytes, as a client would upload them
     * @param reference its transcript
     */
    private record Clip(Path path, byte[] audio, String reference) {

        static List<Clip> read(Path set, int maxClips) throws IOException {
            List<String[]> lines = Files.readAllLines(set.resolve("transcripts.tsv"), StandardCharsets.UTF_8).stream()
                .map(line -> line.split("\t", 2))
                .filter(parts -> parts.length == 2)
                .toList();
            if (lines.isEmpty()) {
                throw new IllegalArgumentException(set + "/transcripts.tsv lists no clips");
            }
            // Evenly spaced through the file rather than its first lines, which are often one speaker or one word.
            int n = Math.min(maxClips, lines.size());
            List<Clip> clips = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String[] parts = lines.get((int) ((long) i * lines.size() / n));
                Path path = set.resolve(parts[0]);
                clips.add(new Clip(path, Files.readAllBytes(path), parts[1]));
            }
            return clips;
        }

    }

    /**
     * One clip decoded one way.
     * @param text the transcript, as the recogniser wrote it
     * @param audioSeconds the clip's duration
     * @param cpuSeconds CPU time of the decoding
     * @param wallSeconds wall time of the decoding
     * @param processSeconds wall time of the whole pocketsphinx process, model loading included; NaN for the service
     */
    private record Measured(String text, double audioSeconds, double cpuSeconds, double wallSeconds,
            double processSeconds) {

        Measured withAudioSeconds(double seconds) {
            return new Measured(this.text, seconds, this.cpuSeconds, this.wallSeconds, this.processSeconds);
        }

    }

    /** Runs Debian's pocketsphinx on one clip at a time, as its command line is meant to be used. */
    private static final class Pocketsphinx {

        private final Path scratch;

        private int count;

        Pocketsphinx(Path scratch) {
            this.scratch = scratch;
        }

        Measured decode(Clip clip, double audioSeconds) throws IOException, InterruptedException {
            int n = this.count++;
            Path wav = this.scratch.resolve(n + ".wav");
            Path log = this.scratch.resolve(n + ".log");
            Path time = this.scratch.resolve(n + ".time");
            // 16 kHz mono 16-bit, what pocketsphinx's en-us model wants; -R: the same dither on every run
            run(List.of("sox", "-R", clip.path().toString(), "-r", "16000", "-c", "1", "-b", "16", "-e",
                    "signed-integer", wav.toString()), clip);
            String text = run(List.of("/usr/bin/time", "-f", "%e %U %S", "-o", time.toString(),
                    "pocketsphinx_continuous", "-infile", wav.toString(), "-logfn", log.toString()), clip);
            double cpu = 0;
            double wall = 0;
            Matcher pass = PASS_TIME.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
            while (pass.find()) {
                double seconds = Double.parseDouble(pass.group(2));
                if (pass.group(3).equals("CPU")) {
                    cpu += seconds;
                }
                else {
                    wall += seconds;
                }
            }
            double process = Double.parseDouble(Files.readString(time).trim().split("\\s+")[0]);
            Files.delete(wav);
            Files.delete(log);
            Files.delete(time);
            // one line per utterance it found in the clip
            return new Measured(String.join(" ", text.strip().split("\\R")), audioSeconds, cpu, wall, process);
        }

        private static String run(List<String> command, Clip clip) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " failed on " + clip.path() + ": " + String.join(" ", command));
            }
            return out;
        }

    }

    /** Sends clips to a running service, one at a time. */
    private static final class Http {

        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

        private final URI recognize;

        Http(URI base, int depth) {
            this.recognize = base.resolve("/v1/recognize?depth=" + depth);
        }

        Measured decode(Clip clip) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(this.recognize)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(clip.audio()))
                .build();
            long start = System.nanoTime();
            HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
            double wall = (System.nanoTime() - start) / 1e9;
            if (response.statusCode() != 200) {
                throw new IOException(this.recognize + " answered " + response.statusCode() + " for " + clip.path()
                        + ": " + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            return new Measured(body.get("text").asString(), body.get("audioSeconds").asDouble(), Double.NaN, wall,
                    Double.NaN);
        }

    }

    /** One recogniser's sums over a set. */
    private static final class Score {

        private Edits edits = Edits.NONE;

        private int words;

        private double audio;

        private double cpu;

        private double wall;

        private double process;

        void add(String reference, Measured measured) {
            List<String> ref = TextNormalisation.words(reference);
            this.edits = this.edits.plus(WordErrors.edits(ref, TextNormalisation.words(measured.text())));
            this.words += ref.size();
            this.audio += measured.audioSeconds();
            this.cpu += measured.cpuSeconds();
            this.wall += measured.wallSeconds();
            this.process += measured.processSeconds();
        }

        String wer() {
            return String.format(Locale.ROOT, "%.1f%% | %d / %d / %d", 100.0 * this.edits.total() / this.words,
                    this.edits.substitutions(), this.edits.deletions(), this.edits.insertions());
        }

        String rtf(double seconds) {
            return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.3f", seconds / this.audio);
        }

    }

    /** The sums of one row. */
    private static final class Totals {

        private final String name;

        private final Score service = new Score();

        private final Score peer = new Score();

        private final Score http;

        private int clips;

        Totals(String name, boolean http) {
            this.name = name;
            this.http = http ? new Score() : null;
        }

        void add(Clip clip, Measured service, Measured peer, Measured overHttp) {
            this.clips++;
            this.service.add(clip.reference(), service);
            this.peer.add(clip.reference(), peer);
            if (this.http != null) {
                this.http.add(clip.reference(), overHttp);
            }
        }

        String row() {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %s | %s | %s | %s | %s | %s |",
                    this.name, this.clips, this.service.audio / 60, this.service.wer(),
                    this.service.rtf(this.service.cpu), this.service.rtf(this.service.wall), this.peer.wer(),
                    this.peer.rtf(this.peer.cpu), this.peer.rtf(this.peer.wall), this.peer.rtf(this.peer.process)));
            if (this.http != null) {
                row.append(String.format(Locale.ROOT, " %s | %s |", this.http.wer(), this.http.rtf(this.http.wall)));
            }
            return row.toString();
        }

    }

    /** The table's header. */
    private static final class Row {

        static String header(boolean http) {
            String header = "| set | clips | audio min | service WER | service S / D / I | service RTF CPU "
                    + "| service RTF wall | pocketsphinx WER | pocketsphinx S / D / I | pocketsphinx RTF CPU "
                    + "| pocketsphinx RTF wall | pocketsphinx process RTF wall |";
            String rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
            if (http) {
                header += " HTTP WER | HTTP S / D / I | HTTP RTF wall |";
                rule += "---:|---:|---:|";
            }
            return header + "\n" + rule;
        }

    }

}
