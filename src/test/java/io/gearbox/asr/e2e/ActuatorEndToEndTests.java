package io.gearbox.asr.e2e;

import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
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

    @BeforeAll
    static void smokeModelIsThere() {
        SmokeModel.directory();
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
