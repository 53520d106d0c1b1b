package io.gearbox.asr.deploy;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.gearbox.asr.GearboxAsrApplication;
import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service started as its own process on the shipped model, as a supervisor runs it, and sent SIGTERM
 * ({@link Process#destroy()} on Linux) while several long uploads are being recognised: readiness goes down and new
 * recognition requests get 503 {@code shutting_down} with {@code Retry-After} while the admitted ones finish; every
 * admitted upload gets its 200 with a transcript; the process exits 0 or 143 with no JVM crash report.
 *
 * <p>Before the stop was ordered ({@code lifecycle.TerminationSignal}), this crashed the JVM with SIGSEGV in
 * {@code libonnxruntime.so} within two seconds of the signal and every client lost its connection.
 */
class GracefulStopTests {

    private static final Path MODEL = Path.of("models/gearbox-en");

    private static final Path WORK = Path.of("target/deploy-graceful-stop");

    private static final int UPLOADS = 6;

    /** Sentences per upload, each followed by a pause, so that each upload is about a minute of speech. */
    private static final int SENTENCES = 24;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private Process service;

    @AfterEach
    void killWhatIsLeft() {
        if (this.service != null && this.service.isAlive()) {
            this.service.destroyForcibly();
        }
    }

    @Test
    void sigtermLetsEveryAdmittedUploadFinishAndExitsWithoutACrash() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(MODEL.resolve("manifest.json")), "no shipped model");
        deleteCrashReports();
        Files.createDirectories(WORK);
        int port = freePort();
        Path log = WORK.resolve("service.log");
        this.service = start(port, log);
        String base = "http://127.0.0.1:" + port;
        await("readiness").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
            .until(() -> status(base + "/actuator/health/readiness") == 200);

        List<byte[]> uploads = new ArrayList<>();
        double audioSeconds = 0;
        for (int u = 0; u < UPLOADS; u++) {
            float[] samples = longRecording(u);
            audioSeconds += samples.length / (double) JoinedSpeech.SAMPLE_RATE;
            uploads.add(TestAudio.wav(pcm(samples), JoinedSpeech.SAMPLE_RATE));
        }
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (byte[] upload : uploads) {
            answers.add(this.http.sendAsync(recognize(base, upload), HttpResponse.BodyHandlers.ofString()));
        }
        await("every upload admitted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
            .until(() -> admitted(base) == UPLOADS);

        long signalled = System.nanoTime();
        this.service.destroy();

        await("readiness down").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
            .until(() -> status(base + "/actuator/health/readiness") == 503);
        HttpResponse<String> late = this.http.send(recognize(base, TestAudio.toneWav(1, 16_000, 440)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).as("a request after SIGTERM").isEqualTo(503);
        assertThat(late.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(late.body()).path("code").asText()).isEqualTo("shutting_down");
        assertThat(answers).as("the admitted uploads are still being recognised").noneMatch(CompletableFuture::isDone);

        List<String> texts = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(2, TimeUnit.MINUTES);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            texts.add(body.path("text").asText());
        }
        assertThat(this.service.waitFor(2, TimeUnit.MINUTES)).as("the process exits").isTrue();
        long toExitMillis = (System.nanoTime() - signalled) / 1_000_000;
        int exit = this.service.exitValue();
        String output = Files.readString(log, StandardCharsets.UTF_8);

        System.out.printf("%n| uploads | audio in flight (s) | SIGTERM to exit (ms) | exit code |%n"
                + "|---|---|---|---|%n| %d | %.1f | %d | %d |%n%n", UPLOADS, audioSeconds, toExitMillis, exit);
        assertThat(texts).as("every upload transcribed").allSatisfy((text) -> assertThat(text.split(" ")).hasSizeGreaterThan(20));
        assertThat(exit).as(tail(output)).isIn(0, 143);
        assertThat(crashReports()).as("JVM crash reports").isEmpty();
        assertThat(output).doesNotContain("SIGSEGV")
            .contains("Stopping: " + UPLOADS + " recording(s) finished")
            .contains("Closed model");
        assertThat(output.indexOf("recording(s) finished")).as("the workers drain before the model closes")
            .isLessThan(output.indexOf("Closed model"));
    }

    /**
     * The packaged jar as a user runs it ({@code deploy.jar}, set when failsafe runs this after {@code package});
     * else the application's own classes and dependencies, without the tests', as {@code spring-boot:run} runs them.
     */
    private Process start(int port, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g",
                "-XX:ErrorFile=" + WORK.toAbsolutePath() + "/hs_err_pid%p.log"));
        String jar = System.getProperty("deploy.jar");
        if (jar != null) {
            command.addAll(List.of("-jar", jar));
        }
        else {
            String classpath = Arrays.stream(System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter((entry) -> !entry.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
            command.addAll(List.of("-cp", classpath, GearboxAsrApplication.class.getName()));
        }
        command.addAll(List.of("--server.port=" + port, "--asr.model.path=" + MODEL,
                // every upload is admitted and none is shed for waiting: the drain is what is tested
                "--asr.governor.queue-deadline=0", "--asr.shutdown.grace-period=90s"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static float[] longRecording(int upload) {
        List<String> sentences = JoinedSpeech.sentences();
        JoinedSpeech joined = new JoinedSpeech().silence(0.3);
        for (int s = 0; s < SENTENCES; s++) {
            String name = sentences.get((upload * 7 + s) % sentences.size());
            joined.speech(JoinedSpeech.trimmedSentence(name)).silence(0.8);
        }
        return joined.samples();
    }

    private static short[] pcm(float[] samples) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            pcm[i] = (short) Math.round(Math.max(-1f, Math.min(1f, samples[i])) * 32767);
        }
        return pcm;
    }

    private static HttpRequest recognize(String base, byte[] wav) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/recognize"))
            .header("Content-Type", "audio/wav")
            .timeout(Duration.ofMinutes(3))
            .POST(HttpRequest.BodyPublishers.ofByteArray(wav))
            .build();
    }

    private int status(String url) {
        try {
            return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (IOException ex) {
            return -1;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** @return recordings admitted (waiting plus being processed), from the service's own gauges */
    private int admitted(String base) throws IOException, InterruptedException {
        String metrics = this.http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = metrics.lines()
            .filter((line) -> line.startsWith("asr_admission_waiting") || line.startsWith("asr_admission_in_flight"))
            .mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
        return (int) sum;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<Path> crashReports() throws IOException {
        try (Stream<Path> files = Files.list(WORK)) {
            return files.filter((file) -> file.getFileName().toString().startsWith("hs_err")).toList();
        }
    }

    private static void deleteCrashReports() throws IOException {
        if (Files.isDirectory(WORK)) {
            for (Path report : crashReports()) {
                Files.delete(report);
            }
        }
    }

    private static String tail(String output) {
        return output.substring(Math.max(0, output.length() - 4000));
    }

}
