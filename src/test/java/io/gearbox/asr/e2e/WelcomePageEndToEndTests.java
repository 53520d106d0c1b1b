package io.gearbox.asr.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page's files over HTTP, without a browser: {@code /} is the page, its scripts are JavaScript (a module script
 * or worklet of another type does not run), and the static files leave the service's own routes as they were: an
 * unknown path is still a {@code not_found} problem, the API and the actuator still answer. The page itself runs in
 * {@link PageEndToEndTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "asr.model.path=" + ShippedModelEndToEndTests.MODEL)
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class WelcomePageEndToEndTests {

    @Autowired
    private WebTestClient client;

    @BeforeAll
    static void shippedModelIsThere() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(ShippedModelEndToEndTests.MODEL, "manifest.json")),
                "no shipped model yet");
    }

    @Test
    void theRootServesThePage() {
        String page = this.client.get().uri("/").accept(MediaType.TEXT_HTML).exchange()
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("<title>Gearbox ASR</title>", "<script type=\"module\" src=\"app.js\"></script>");
    }

    @Test
    void thePagesScriptsAreServedAsJavaScript() {
        for (String script : new String[] { "/app.js", "/microphone.js", "/stream-client.js", "/upload.js",
                "/pcm-worklet.js", "/resampler.js" }) {
            this.client.get().uri(script).exchange()
                .expectStatus().isOk()
                .expectHeader().value("Content-Type", (type) -> assertThat(type).as(script)
                    .matches("(text|application)/javascript(;.*)?"));
        }
        this.client.get().uri("/style.css").exchange()
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/css"));
    }

    @Test
    void anUnknownPathIsStillANotFoundProblem() {
        for (String path : new String[] { "/no-such-page.html", "/v1/no-such-endpoint" }) {
            this.client.get().uri(path).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("not_found").jsonPath("$.instance").isEqualTo(path);
        }
    }

    @Test
    void theApiAndTheActuatorStillAnswerBesideThePage() {
        this.client.get().uri("/v1/models").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.name").isEqualTo("gearbox-en");
        this.client.get().uri("/actuator/health/liveness").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("UP");
        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(new byte[] { 1, 2, 3 })
            .exchange()
            .expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

}
