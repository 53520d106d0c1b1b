package io.gearbox.asr.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drives real concurrent load at the running service and watches the governor through {@code GET /v1/governor}
 * and the responses' {@code depth}: the exit falls while a queue forms in front of two workers, comes back to full
 * depth once the load stops, and an operator's pin applies to the next request without a restart.
 *
 * <p>Assertions are on directions, not values, and every wait polls against a generous deadline, so that a busy
 * machine only makes the test slower.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@AutoConfigureMetrics
@ActiveProfiles({ "e2e", "governor-e2e" })
class GovernorEndToEndTests {

    private static final String TOKEN = "test-operator-token";

    private static final int CLIENTS = 16;

    private static final Pattern DEPTH = Pattern.compile("\"depth\":(\\d+)");

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @LocalServerPort
    private int port;

    @Autowired
    private WebTestClient client;

    @Autowired
    private AdmissionQueue admission;

    private final byte[] clip = TestAudio.toneWav(4.0, 16000, 440);

    private ExecutorService load;

    @BeforeAll
    static void smokeModelIsThere() {
        SmokeModel.directory();
    }

    @AfterEach
    void stopLoad() throws InterruptedException {
        if (this.load != null) {
            this.load.shutdownNow();
            this.load.awaitTermination(30, TimeUnit.SECONDS);
        }
        this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("mode", "auto"))
            .exchange().expectStatus().isOk();
    }

    @Test
    void theExitFallsUnderLoadAndRecoversWhenItStops() {
        int deepest = deepest();
        assertThat(governorDepth()).isEqualTo(deepest);

        Set<Integer> servedDepths = ConcurrentHashMap.newKeySet();
        AtomicInteger answered = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        startLoad(running, servedDepths, answered);

        await("the governor's depth to fall under load").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
            .until(() -> governorDepth() < deepest);
        await("a response served below full depth").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
            .until(() -> servedDepths.stream().anyMatch((depth) -> depth < deepest));
        this.client.get().uri("/v1/governor").exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.mode").isEqualTo("auto")
            .jsonPath("$.lastChange.direction").isEqualTo("down")
            .jsonPath("$.lastChange.reason").value((reason) -> assertThat(reason).isIn("latency", "queue",
                    "overload", "utilisation"))
            .jsonPath("$.signals.arrivalsPerSecond").value((rate) -> assertThat(((Number) rate).doubleValue())
                .isPositive())
            .jsonPath("$.exits[0].offeredLoad").isNumber();
        String scrape = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(scrape).containsPattern("asr_governor_switches_changes_total\\{[^}]*direction=\"down\"")
            .contains("asr_governor_arrival_rate_requests_per_second")
            .containsPattern("asr_governor_exit_offered_load_ratio\\{[^}]*depth=\"2\"");

        running.set(false);
        this.load.shutdown();
        await("the governor to return to full depth").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
            .until(() -> governorDepth() == deepest);
        this.client.get().uri("/v1/governor").exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.lastChange.direction").isEqualTo("up")
            .jsonPath("$.lastChange.reason").isEqualTo("recovery")
            .jsonPath("$.exits[0].measured").isEqualTo(true);
        assertThat(answered.get()).isPositive();
        assertThat(recognizeDepth()).isEqualTo(deepest);
    }

    @Test
    void theQueueDeadlineIsHalfTheObjectiveByDefaultAndFollowsAChangeMadeAtRunTime() {
        assertThat(this.admission.maxQueueWait()).isEqualTo(Duration.ofMillis(75));
        this.client.get().uri("/v1/governor").exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.queue.capacity").isEqualTo(64)
            .jsonPath("$.queue.maxWaitMs").isEqualTo(75);

        this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("latencySlo", "400ms"))
            .exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.queue.maxWaitMs").isEqualTo(200);
        assertThat(this.admission.maxQueueWait()).isEqualTo(Duration.ofMillis(200));

        this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("latencySlo", "150ms"))
            .exchange().expectStatus().isOk();
        assertThat(this.admission.maxQueueWait()).isEqualTo(Duration.ofMillis(75));
    }

    @Test
    void aPinAppliesToTheNextRequestAndAutoHandsTheDepthBack() {
        int deepest = deepest();
        int shallowest = shallowest();
        this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("mode", "pinned", "depth", shallowest))
            .exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.depth").isEqualTo(shallowest)
            .jsonPath("$.mode").isEqualTo("pinned");
        assertThat(recognizeDepth()).isEqualTo(shallowest);

        this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("mode", "auto", "latencySlo", "5s"))
            .exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.mode").isEqualTo("auto")
            .jsonPath("$.settings.latencySlo").isEqualTo("5000ms");
        await("the governor to step back to full depth").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
            .until(() -> governorDepth() == deepest);
        assertThat(recognizeDepth()).isEqualTo(deepest);
        this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("latencySlo", "150ms"))
            .exchange().expectStatus().isOk();
    }

    @Test
    void anOperatorCanPinTheFastGearAndTheNextAnswerIsDecodedGreedily() {
        int shallowest = shallowest();
        this.client.get().uri("/v1/governor").exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.exits[0].depth").isEqualTo(shallowest)
            .jsonPath("$.exits[0].decoding").isEqualTo("fast")
            .jsonPath("$.exits[1].decoding").isEqualTo("full");
        this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("mode", "pinned", "depth", shallowest, "decoding", "fast"))
            .exchange().expectStatus().isOk().expectBody()
            .jsonPath("$.decoding").isEqualTo("fast");

        Map<String, Object> answer = this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(this.clip)
            .exchange()
            .expectStatus().isOk()
            .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
            }).returnResult().getResponseBody();

        assertThat(answer).containsEntry("depth", shallowest).containsEntry("decoding", "fast");
        String scrape = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(scrape).containsPattern("asr_governor_fast_decoding\\{[^}]*\\} 1\\.0")
            .containsPattern("asr_recognitions_seconds_count\\{[^}]*decoding=\"fast\"");
    }

    /** {@link #CLIENTS} closed-loop clients posting the clip until told to stop. */
    private void startLoad(AtomicBoolean running, Set<Integer> servedDepths, AtomicInteger answered) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/v1/recognize"))
            .header("Content-Type", "audio/wav")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(this.clip))
            .build();
        this.load = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            this.load.submit(() -> {
                while (running.get() && !Thread.currentThread().isInterrupted()) {
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            answered.incrementAndGet();
                            Matcher depth = DEPTH.matcher(response.body());
                            if (depth.find()) {
                                servedDepths.add(Integer.parseInt(depth.group(1)));
                            }
                        }
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    catch (Exception ex) {
                        // a dropped connection under load: keep going
                    }
                }
            });
        }
    }

    private int recognizeDepth() {
        Integer depth = this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(this.clip)
            .exchange()
            .expectStatus().isOk()
            .expectBody(Map.class).returnResult().getResponseBody().get("depth") instanceof Integer d ? d : null;
        assertThat(depth).isNotNull();
        return depth;
    }

    private int governorDepth() {
        Map<?, ?> body = this.client.get().uri("/v1/governor").exchange().expectStatus().isOk()
            .expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) body.get("depth")).intValue();
    }

    @SuppressWarnings("unchecked")
    private java.util.List<Map<String, Object>> exits() {
        Map<?, ?> body = this.client.get().uri("/v1/governor").exchange().expectStatus().isOk()
            .expectBody(Map.class).returnResult().getResponseBody();
        return (java.util.List<Map<String, Object>>) body.get("exits");
    }

    private int deepest() {
        java.util.List<Map<String, Object>> exits = exits();
        return ((Number) exits.get(exits.size() - 1).get("depth")).intValue();
    }

    private int shallowest() {
        return ((Number) exits().get(0).get("depth")).intValue();
    }

}
