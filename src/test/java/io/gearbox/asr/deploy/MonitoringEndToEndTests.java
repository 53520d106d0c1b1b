package io.gearbox.asr.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

import io.gearbox.asr.deploy.Monitoring.Expression;
import io.gearbox.asr.deploy.Monitoring.Rule;
import io.gearbox.asr.streaming.StreamingRecognizer;
import io.gearbox.asr.support.StreamClient;
import io.gearbox.asr.support.StreamClient.Message;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every query the monitoring ships, run against a real Prometheus that scraped the running service: the service on a
 * random port with the shipped model and its governor, one worker and a queue of one so that a burst is turned away,
 * and one live stream at a time; a little traffic (each committed clip, a pinned exit, a transcription, a client
 * error, an operator's pin to the lowest gear and back, bursts until some get 503, a live stream of a clip, and
 * another during which a second stream is refused and bursts fill the queue until an interim result is skipped);
 * and Debian's {@code prometheus} scraping it every second with the rules loaded. Each dashboard query (its variables set to this job and instance, {@code $__rate_interval} to
 * 15 s), each recording rule and each vector operand of each alert (the alert without its thresholds and set
 * operators, {@link PromQlOperands}: an alert is quiet here, as it should be, yet each series it compares must
 * exist) must return at least one series.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "asr.model.path=models/gearbox-en", "asr.recognition.workers=1", "asr.recognition.queue-capacity=1",
        "asr.stream.max-sessions=1", "asr.admin.token=" + MonitoringEndToEndTests.TOKEN, "spring.test.webtestclient.timeout=30s" })
@AutoConfigureWebTestClient
@AutoConfigureMetrics
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIf(value = "prometheusAndTheShippedModelAreThere",
        disabledReason = "needs Debian's prometheus binary (package prometheus) and the shipped model models/gearbox-en")
class MonitoringEndToEndTests {

    static final String TOKEN = "monitoring-test-token";

    private static final Path CLIPS = Path.of("src/test/resources/clips");

    private static final String RATE_INTERVAL = "15s";

    /** 100 ms of 16 kHz 16-bit mono audio, the size of each audio message of a stream. */
    private static final int CHUNK_BYTES = 3_200;

    /** Real time: each 100 ms chunk 100 ms after the one before. */
    private static final Duration CHUNK_PACE = Duration.ofMillis(100);

    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(60);

    private static final Message CONFIG = Message
        .text("{\"type\":\"config\",\"sample_rate\":16000,\"encoding\":\"pcm_s16le\",\"interim_results\":true}");

    private static final Message END = Message.text("{\"type\":\"end\"}");

    @Autowired
    private WebTestClient client;

    @LocalServerPort
    private int port;

    @Autowired
    private StreamingRecognizer streams;

    @Autowired
    private MeterRegistry registry;

    private PrometheusServer prometheus;

    private final HttpClient http = HttpClient.newHttpClient();

    static boolean prometheusAndTheShippedModelAreThere() {
        return Executables.find("prometheus").isPresent() && Files.isRegularFile(Path.of("models/gearbox-en/manifest.json"));
    }

    @BeforeAll
    void scrapeTheServiceUnderALittleLoad(@TempDir Path directory) throws IOException {
        this.prometheus = PrometheusServer.start(Executables.find("prometheus").orElseThrow(), directory,
                instance(), Monitoring.RULES);
        double before = awaitScrapes(2);
        sendTraffic();
        // Prometheus must have scraped after the traffic, and evaluated the rules on it.
        awaitScrapes(before + 5);
        await("the 503s and the pin scraped").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> {
                assertThat(this.prometheus.value(selector("sum(asr_requests_seconds_count{%s,outcome=\"overloaded\"})")))
                    .as("503s scraped; Prometheus log: %s", this.prometheus.log()).isGreaterThanOrEqualTo(1);
                assertThat(this.prometheus.value(selector("sum(asr_governor_switches_changes_total{%s,reason=\"pin\"})")))
                    .as("pins scraped").isGreaterThanOrEqualTo(1);
                // The dashboard reads the skipped interim results as 0 while there are none: check the meter itself.
                assertThat(this.prometheus.value(selector("sum(asr_stream_partials_skipped_results_total{%s})")))
                    .as("skipped interim results scraped").isGreaterThanOrEqualTo(1);
                assertThat(this.prometheus.value(selector("sum(asr_streams_refused_streams_total{%s})")))
                    .as("refused streams scraped").isGreaterThanOrEqualTo(1);
            });
    }

    @AfterAll
    void stopPrometheus() {
        if (this.prometheus != null) {
            this.prometheus.close();
        }
    }

    @Test
    void everyDashboardQueryRecordingRuleAndAlertOperandReturnsSeries() {
        List<Expression> expressions = new ArrayList<>();
        for (Expression expression : Monitoring.dashboardExpressions(Monitoring.dashboard())) {
            expressions.add(new Expression(expression.origin(), substituteVariables(expression.promql())));
        }
        for (Rule rule : Monitoring.rules()) {
            if (rule.alert()) {
                for (String operand : PromQlOperands.of(rule.expr())) {
                    expressions.add(new Expression("alert " + rule.name() + " operand", operand));
                }
            }
            else {
                expressions.add(new Expression("recording rule " + rule.name(), rule.expr()));
            }
        }
        System.out.printf("Monitoring: %d expressions checked against Prometheus (%d distinct)%n", expressions.size(),
                expressions.stream().map(Expression::promql).distinct().count());

        // Recorded series appear once the rule group has been evaluated on enough data: poll, with a deadline.
        await("every expression returns series").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> assertThat(emptyOrFailing(expressions)).isEmpty());
    }

    @Test
    void prometheusLoadedEveryRuleAndEvaluatesItWithoutError() {
        Set<String> names = Monitoring.rules().stream().map(Rule::name).collect(Collectors.toSet());

        await("rules evaluated").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<JsonNode> loaded = new ArrayList<>();
            this.prometheus.rules().path("data").path("groups")
                .forEach((group) -> group.path("rules").forEach(loaded::add));
            assertThat(loaded).extracting((rule) -> rule.path("name").asText()).containsExactlyInAnyOrderElementsOf(names);
            assertThat(loaded).allSatisfy((rule) -> assertThat(rule.path("health").asText())
                .as("%s: %s", rule.path("name").asText(), rule.path("lastError").asText()).isEqualTo("ok"));
        });
    }

    @Test
    void theRequestHistogramHasABucketAtTheObjectiveTheRulesRead() {
        // The rules read le="1.0": the objective must be 1 s and application.yml must put a bucket there.
        assertThat(this.prometheus.value(selector("max(asr_governor_latency_slo_seconds{%s})"))).isEqualTo(1.0);
        assertThat(this.prometheus.value(selector("count(asr_requests_seconds_bucket{%s,le=\"1.0\"})"))).isPositive();
    }

    private List<String> emptyOrFailing(List<Expression> expressions) {
        List<String> problems = new ArrayList<>();
        for (Expression expression : expressions) {
            var result = this.prometheus.query(expression.promql());
            if (result.isEmpty()) {
                problems.add(expression.origin() + ": " + expression.promql() + " failed: "
                        + this.prometheus.error(expression.promql()));
            }
            else if (result.get().isEmpty()) {
                problems.add(expression.origin() + ": " + expression.promql() + " returned no series");
            }
        }
        return problems;
    }

    private String substituteVariables(String promql) {
        return promql.replace("$__rate_interval", RATE_INTERVAL)
            .replace("${job}", Monitoring.JOB).replace("$job", Monitoring.JOB)
            .replace("${instance}", instance()).replace("$instance", instance());
    }

    private String selector(String template) {
        return template.formatted("job=\"" + Monitoring.JOB + "\",instance=\"" + instance() + "\"");
    }

    private String instance() {
        return "127.0.0.1:" + this.port;
    }

    /** Waits until Prometheus has scraped the service successfully at least {@code count} times; returns the count. */
    private double awaitScrapes(double count) {
        String scrapes = selector("sum_over_time(up{%s}[1h])");
        await("%s scrapes".formatted(count)).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertThat(this.prometheus.value(scrapes))
                .as("successful scrapes (of %s); Prometheus log: %s",
                        this.prometheus.value(selector("count_over_time(up{%s}[1h])")), this.prometheus.log())
                .isGreaterThanOrEqualTo(count));
        return this.prometheus.value(scrapes);
    }

    private void sendTraffic() throws IOException {
        List<byte[]> clips;
        try (Stream<Path> files = Files.list(CLIPS)) {
            clips = files.filter((file) -> file.toString().endsWith(".wav")).sorted().map(MonitoringEndToEndTests::bytes)
                .toList();
        }
        assertThat(clips).isNotEmpty();
        for (byte[] clip : clips) {
            recognize(clip, "auto").expectStatus().isOk();
        }
        recognize(clips.get(0), "4").expectStatus().isOk();
        recognize(clips.get(0), "99").expectStatus().isEqualTo(422);
        MultipartBodyBuilder multipart = new MultipartBodyBuilder();
        multipart.part("file", new ByteArrayResource(clips.get(0)) {
            @Override
            public String getFilename() {
                return "clip.wav";
            }
        }).contentType(MediaType.parseMediaType("audio/wav"));
        this.client.post().uri("/v1/audio/transcriptions").body(BodyInserters.fromMultipartData(multipart.build()))
            .exchange().expectStatus().isOk();

        // An operator's pin to the lowest gear and back: gear switches (reason pin) and utterances at 2 fast.
        governor("{\"mode\":\"pinned\",\"depth\":2,\"decoding\":\"fast\"}");
        recognize(clips.get(1), "auto").expectStatus().isOk();
        recognize(clips.get(2), "auto").expectStatus().isOk();
        governor("{\"mode\":\"auto\"}");

        byte[] longest = clips.stream().max(Comparator.comparingInt((clip) -> clip.length)).orElseThrow();
        await("a burst turned away with 503").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> burst(longest, 16).getOrDefault(503, 0L) > 0);

        // A live stream of a clip: the config, its audio in 100 ms chunks in real time, the end.
        List<Message> script = streamScript(pcm(CLIPS.resolve("synth-synth0097.wav")));
        StreamClient.Transcript streamed = StreamClient.run(streamUri(), script, CHUNK_PACE, STREAM_TIMEOUT);
        assertThat(streamed.closeCode()).as("the stream's close; it got %s", streamed.messages()).isEqualTo(1000);
        assertThat(streamed.messages()).extracting(StreamClient.Received::text)
            .anySatisfy((text) -> assertThat(text).contains("\"type\":\"final\""));
        // Another, during which a second is refused and the queue is kept full, until an interim result is skipped.
        await("an interim result skipped").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
            .until(() -> streamWhileTheQueueIsFull(script, longest) > 0);
        await("the streams closed").atMost(Duration.ofSeconds(30)).until(() -> this.streams.openStreams() == 0);
    }

    /**
     * Streams the script in real time; once the stream is open, opens another (refused with 1013: one stream at a
     * time) and sends bursts of uploads until the stream ends, so that its interim decodes find the queue full.
     * @return the interim results skipped so far
     */
    private double streamWhileTheQueueIsFull(List<Message> script, byte[] clip) {
        CompletableFuture<StreamClient.Transcript> streaming = CompletableFuture
            .supplyAsync(() -> StreamClient.run(streamUri(), script, CHUNK_PACE, STREAM_TIMEOUT));
        await("the stream open").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
            .until(() -> this.streams.openStreams() == 1 || streaming.isDone());
        StreamClient.Transcript refused = StreamClient.run(streamUri(), List.of(CONFIG, END), Duration.ZERO,
                STREAM_TIMEOUT);
        assertThat(refused.closeCode()).as("the second stream's close; it got %s", refused.messages())
            .isEqualTo(1013);
        while (!streaming.isDone()) {
            burst(clip, 4);
        }
        assertThat(streaming.join().closeCode()).isEqualTo(1000);
        Counter skipped = this.registry.find("asr.stream.partials.skipped").counter();
        return (skipped != null) ? skipped.count() : 0;
    }

    private URI streamUri() {
        return URI.create("ws://" + instance() + "/v1/stream");
    }

    private static List<Message> streamScript(byte[] pcm) {
        List<Message> script = new ArrayList<>();
        script.add(CONFIG);
        script.addAll(StreamClient.chunks(pcm, CHUNK_BYTES));
        script.add(END);
        return script;
    }

    /** A committed clip's samples as the stream's {@code pcm_s16le} at 16 kHz, read with the JDK's WAV reader. */
    private static byte[] pcm(Path clip) {
        try (AudioInputStream audio = AudioSystem.getAudioInputStream(clip.toFile())) {
            AudioFormat format = audio.getFormat();
            assertThat(format.getEncoding()).as(clip.toString()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
            assertThat(format.getSampleRate()).as(clip.toString()).isEqualTo(16_000f);
            assertThat(format.getSampleSizeInBits()).as(clip.toString()).isEqualTo(16);
            assertThat(format.getChannels()).as(clip.toString()).isEqualTo(1);
            assertThat(format.isBigEndian()).as(clip.toString()).isFalse();
            return audio.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (UnsupportedAudioFileException ex) {
            throw new IllegalStateException(clip + " is not a WAV file the JDK reads", ex);
        }
    }

    /** Sends {@code count} recognitions at once (one worker, a queue of one); the answers' statuses, counted. */
    private Map<Integer, Long> burst(byte[] clip, int count) {
        List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(this.http.sendAsync(HttpRequest.newBuilder(URI.create("http://" + instance() + "/v1/recognize"))
                .header("Content-Type", "audio/wav")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(clip))
                .build(), HttpResponse.BodyHandlers.discarding()));
        }
        return answers.stream().map(CompletableFuture::join)
            .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    }

    private WebTestClient.ResponseSpec recognize(byte[] clip, String depth) {
        return this.client.post().uri("/v1/recognize?depth=" + depth).contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(clip).exchange();
    }

    private void governor(String body) {
        this.client.put().uri("/v1/governor").header("Authorization", "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isOk();
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
