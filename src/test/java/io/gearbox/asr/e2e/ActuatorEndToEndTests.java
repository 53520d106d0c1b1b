package io.gearbox.asr.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health probes, build info and the Prometheus scrape, and nothing else of the actuator.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@AutoConfigureMetrics
@ActiveProfiles("e2e")
class ActuatorEndToEndTests {

    @Autowired
    private WebTestClient client;

    @LocalServerPort
    private int port;

    @BeforeAll
    static void smokeModelIsThere() {
        SmokeModel.directory();
    }

    @Test
    void aKeepAliveConnectionGetsAnAnswerToEveryRequest() throws Exception {
        // Prometheus and other clients reuse their connections. On one connection, requests that alternate between
        // endpoints went unanswered about once in fifty with Reactor Netty 1.3.7, and the client waited forever
        // (see pom.xml); a request that times out here fails the test.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String[] paths = { "/actuator/health/liveness", "/actuator/health", "/v1/models", "/actuator/prometheus" };
        for (int i = 0; i < 400; i++) {
            String path = paths[i % paths.length];
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());

            assertThat(response.statusCode()).as("request %d, %s", i, path).isEqualTo(200);
        }
    }

    @Test
    void readinessIsUpOnceEveryExitIsLoadedAndWarmedUp() {
        this.client.get().uri("/actuator/health/readiness").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("UP");
        this.client.get().uri("/actuator/health/liveness").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void infoCarriesTheBuild() {
        this.client.get().uri("/actuator/info").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.build.artifact").isEqualTo("gearbox-asr");
    }

    @Test
    void prometheusScrapeHasTheRequestAndRecognitionMetrics() {
        this.client.post().uri("/v1/recognize?depth=2").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(TestAudio.toneWav(1.0, 16000, 440))
            .exchange()
            .expectStatus().isOk();
        this.client.post().uri("/v1/recognize?depth=99").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(TestAudio.toneWav(1.0, 16000, 440))
            .exchange()
            .expectStatus().isEqualTo(422);
        String scrape = this.client.get().uri("/actuator/prometheus").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(scrape)
            .containsPattern("asr_requests_seconds_count\\{[^}]*depth=\"2\",endpoint=\"recognize\",outcome=\"success\"")
            .containsPattern("asr_requests_seconds_count\\{[^}]*depth=\"none\",endpoint=\"recognize\",outcome=\"client_error\",status=\"422\"")
            .contains("asr_requests_seconds_bucket{")
            .containsPattern("asr_audio_seconds_total\\{[^}]*depth=\"2\"")
            .contains("asr_recognitions_seconds_bucket{")
            .contains("asr_admission_waiting_requests")
            .contains("asr_admission_in_flight_requests");
    }

    @Test
    void exposesNoOtherActuatorEndpoint() {
        for (String endpoint : new String[] { "env", "beans", "metrics", "configprops", "heapdump", "loggers" }) {
            this.client.get().uri("/actuator/" + endpoint).exchange().expectStatus().isNotFound();
        }
    }

}
