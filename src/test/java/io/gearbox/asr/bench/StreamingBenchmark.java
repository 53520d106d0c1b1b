package io.gearbox.asr.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.support.StreamClient;
import io.gearbox.asr.support.StreamClient.Message;
import io.gearbox.asr.support.TestAudio;
import io.gearbox.asr.support.WordErrors;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live streams against a running service, at each concurrency: every stream sends a development set's clips in
 * real time (100 ms of 16 kHz pcm_s16le every 100 ms), each clip followed by {@code silence} seconds (1.5 by
 * default, past the endpoint's 1.2 s), then {@code end}. Prints one Markdown row per concurrency:
 * <ul>
 * <li>partial latency p50/p95: from the moment the audio an interim result covers (its {@code end}) was sent to
 * the moment the result arrived;</li>
 * <li>final latency p50/p95 after the endpoint: from the moment the audio that ended the utterance (its end of
 * speech plus the silence the endpoint waits for, {@code after.speech}) was sent to the final's arrival; and the same from the
 * end of speech itself, which includes that wait;</li>
 * <li>the finals' WER against the set's transcripts, next to the REST answers' WER for the same clips (each
 * uploaded once, padded with the same silence);</li>
 * <li>the machine's CPU use over the run (all cores, from {@code /proc/stat}: other work on the machine counts
 * too), and dropped streams (not closed with 1000, or with an error message).</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -q exec:java -Dsmoke.skip -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.gearbox.asr.bench.StreamingBenchmark \
 *     -Dexec.args="http://localhost:8080 models/recipe/work/dev_synth 1,10,50 4"
 * </pre>
 * Arguments: the service's URL, a set (audio files and {@code transcripts.tsv}), the concurrencies, and clips per
 * stream (consecutive streams take consecutive clips, so the set's first {@code clips x concurrency} are used).
 * Properties: {@code -Dafter.speech=S}, the silence after speech that ends an utterance, asked for in each stream's
 * config (default 1.2, the service's); {@code -Dsilence=S}, the silence sent after each clip (default 1.5, or
 * {@code after.speech + 0.3} when that is longer).
 */
public final class StreamingBenchmark {

    private static final int RATE = 16_000;

    private static final int CHUNK_SAMPLES = 1_600;

    private static final double CHUNK_SECONDS = 0.1;

    private static final double PAD_SECONDS = 0.1;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StreamingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: URL SET CONCURRENCIES [CLIPS_PER_STREAM]");
            System.exit(2);
        }
        String base = args[0].replaceAll("/$", "");
        Path set = Path.of(args[1]);
        int[] levels = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int perStream = (args.length > 3) ? Integer.parseInt(args[3]) : 4;
        double endpoint = Double.parseDouble(System.getProperty("after.speech", "1.2"));
        double silence = Double.parseDouble(System.getProperty("silence",
                String.valueOf(Math.max(1.5, endpoint + 0.3))));
        List<String[]> clips = new ArrayList<>();
        for (String line : Files.readAllLines(set.resolve("transcripts.tsv"))) {
            clips.add(line.split("\t", 2));
        }
        AudioLoader loader = new AudioLoader(RATE, Duration.ofMinutes(1));
        URI ws = URI.create(base.replaceFirst("^http", "ws") + "/v1/stream");
        System.out.println("| streams | partials | partial p50 | partial p95 | final p50 after endpoint | final p95 "
                + "after endpoint | final p95 after end of speech | finals WER | REST WER | CPU | dropped |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int level : levels) {
            List<List<float[]>> audio = new ArrayList<>();
            List<List<String>> references = new ArrayList<>();
            for (int s = 0; s < level; s++) {
                List<float[]> streamClips = new ArrayList<>();
                List<String> streamRefs = new ArrayList<>();
                for (int c = 0; c < perStream; c++) {
                    String[] clip = clips.get((s * perStream + c) % clips.size());
                    streamClips.add(loader.load(Files.readAllBytes(set.resolve(clip[0])), null).samples());
                    streamRefs.add(clip[1]);
                }
                audio.add(streamClips);
                references.add(streamRefs);
            }
            long[] cpuBefore = cpu();
            ExecutorService pool = Executors.newFixedThreadPool(level);
            List<Future<StreamClient.Transcript>> runs = new ArrayList<>();
            for (int s = 0; s < level; s++) {
                List<Message> script = script(audio.get(s), silence, endpoint);
                runs.add(pool.submit(() -> StreamClient.run(ws, script, Duration.ofMillis(100),
                        Duration.ofMinutes(10))));
            }
            List<Double> partial = new ArrayList<>();
            List<Double> afterEndpoint = new ArrayList<>();
            List<Double> afterSpeech = new ArrayList<>();
            int errors = 0;
            int words = 0;
            int dropped = 0;
            for (int s = 0; s < level; s++) {
                StreamClient.Transcript transcript = runs.get(s).get();
                StringBuilder hypothesis = new StringBuilder();
                boolean failed = transcript.closeCode() != 1000;
                for (StreamClient.Received received : transcript.messages()) {
                    Map<?, ?> message = JSON.readValue(received.text(), Map.class);
                    double at = received.atNanos() / 1e9;
                    String type = (String) message.get("type");
                    if ("error".equals(type)) {
                        failed = true;
                        continue;
                    }
                    double end = ((Number) message.get("end")).doubleValue();
                    if ("partial".equals(type)) {
                        partial.add(at - sentAt(transcript, end));
                    }
                    else {
                        hypothesis.append(' ').append(message.get("text"));
                        double speechEnd = end - PAD_SECONDS;
                        afterSpeech.add(at - sentAt(transcript, speechEnd));
                        afterEndpoint.add(at - sentAt(transcript, speechEnd + endpoint));
                    }
                }
                dropped += failed ? 1 : 0;
                List<String> reference = TextNormalisation.words(String.join(" ", references.get(s)));
                errors += WordErrors.distance(reference, TextNormalisation.words(hypothesis.toString()));
                words += reference.size();
            }
            pool.shutdown();
            long[] cpuAfter = cpu();
            double busy = 1.0 - (double) (cpuAfter[1] - cpuBefore[1]) / Math.max(1, cpuAfter[0] - cpuBefore[0]);
            double restWer = restWer(base, audio, references, silence);
            System.out.printf(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s | %.1f%% | %.1f%% | %.0f%% | %d |%n",
                    level, partial.size(), ms(partial, 0.50), ms(partial, 0.95), ms(afterEndpoint, 0.50),
                    ms(afterEndpoint, 0.95), ms(afterSpeech, 0.95), 100.0 * errors / Math.max(1, words),
                    restWer, 100 * busy, dropped);
        }
    }

    private static List<Message> script(List<float[]> clips, double silence, double endpoint) {
        List<Message> script = new ArrayList<>();
        script.add(Message.text("{\"type\":\"config\",\"sample_rate\":16000,\"encoding\":\"pcm_s16le\","
                + "\"interim_results\":true,\"endpointing\":{\"silence_after_speech\":" + endpoint + "}}"));
        for (float[] clip : clips) {
            script.addAll(StreamClient.chunks(StreamClient.pcm16(withSilence(clip, silence)), CHUNK_SAMPLES * 2));
        }
        script.add(Message.text("{\"type\":\"end\"}"));
        return script;
    }

    /** The clip followed by silence, whole 100 ms chunks in all, so that chunk k covers [0.1 k, 0.1 (k + 1)). */
    private static float[] withSilence(float[] clip, double silence) {
        int total = clip.length + (int) Math.round(silence * RATE);
        total = (total + CHUNK_SAMPLES - 1) / CHUNK_SAMPLES * CHUNK_SAMPLES;
        return Arrays.copyOf(clip, total);
    }

    /** When the chunk holding stream time {@code seconds} was sent, in seconds from the start of the run. */
    private static double sentAt(StreamClient.Transcript transcript, double seconds) {
        int chunk = Math.max(0, (int) Math.ceil(seconds / CHUNK_SECONDS - 1e-9) - 1);
        List<Long> sent = transcript.sentAtNanos();
        return sent.get(Math.min(sent.size() - 1, 1 + chunk)) / 1e9; // message 0 is the config
    }

    private static double restWer(String base, List<List<float[]>> audio, List<List<String>> references,
            double silence) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        int errors = 0;
        int words = 0;
        for (int s = 0; s < audio.size(); s++) {
            for (int c = 0; c < audio.get(s).size(); c++) {
                float[] samples = withSilence(audio.get(s).get(c), silence);
                short[] pcm = new short[samples.length];
                for (int i = 0; i < pcm.length; i++) {
                    pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767f)));
                }
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/recognize"))
                    .header("Content-Type", "audio/wav")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(TestAudio.wav(pcm, RATE)))
                    .build();
                String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                Object text = JSON.readValue(body, Map.class).get("text");
                List<String> reference = TextNormalisation.words(references.get(s).get(c));
                errors += WordErrors.distance(reference, TextNormalisation.words(String.valueOf(text)));
                words += reference.size();
            }
        }
        return 100.0 * errors / Math.max(1, words);
    }

    private static String ms(List<Double> seconds, double quantile) {
        if (seconds.isEmpty()) {
            return "-";
        }
        double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double value = sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
        return Math.round(value * 1000) + " ms";
    }

    /** @return total and idle jiffies of all cores */
    private static long[] cpu() throws IOException {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < fields.length; i++) {
            total += Long.parseLong(fields[i]);
        }
        return new long[] { total, Long.parseLong(fields[4]) + Long.parseLong(fields[5]) };
    }

}
