package io.gearbox.asr.e2e;

import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code asr.model.exits} loads a subset of the exits (the others are unknown depths), and
 * {@code asr.decoding.method=beam} decodes with prefix beam search.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.model.exits=2", "asr.decoding.method=beam", "asr.decoding.beam-width=4" })
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class ExitSubsetAndBeamSearchEndToEndTests {

    @Autowired
    private WebTestClient client;

    @BeforeAll
    static void smokeModelIsThere() {
        SmokeModel.directory();
    }

    @Test
    void servesOnlyTheConfiguredExits() {
        this.client.get().uri("/v1/models").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.exits.length()").isEqualTo(1)
            .jsonPath("$.exits[0].depth").isEqualTo(2)
            .jsonPath("$.deepest").isEqualTo(2)
            .jsonPath("$.decoding.method").isEqualTo("beam")
            .jsonPath("$.decoding.beamWidth").isEqualTo(4)
            .jsonPath("$.decoding.languageModel").isEmpty();
        this.client.post().uri("/v1/recognize?depth=4").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(TestAudio.toneWav(1.0, 16000, 440))
            .exchange()
            .expectStatus().isEqualTo(422);
    }

    @Test
    void autoDepthUsesTheDeepestLoadedExitWithBeamSearch() {
        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(TestAudio.toneWav(1.0, 16000, 440))
            .exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.depth").isEqualTo(2)
            .jsonPath("$.text").exists();
    }

}
