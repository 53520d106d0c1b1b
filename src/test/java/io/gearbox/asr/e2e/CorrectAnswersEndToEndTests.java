package io.gearbox.asr.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.inference.ModelManifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The shipped model started as an operator who wants correct answers starts it,
 * {@code asr.governor.maximise=correct-answers}: its manifest rates every gear on the ladder, greedy gears by their
 * exit's greedy WER and the others by the WER with the language model, operators see those rates, and the choice
 * can be changed at run time.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "asr.model.path=" + ShippedModelEndToEndTests.MODEL, "asr.governor.enabled=true",
        "asr.governor.maximise=correct-answers", "asr.admin.token=" + CorrectAnswersEndToEndTests.TOKEN })
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class CorrectAnswersEndToEndTests {

    static final String TOKEN = "test-operator-token";

    @Autowired
    private WebTestClient client;

    @BeforeAll
    static void shippedModelIsThere() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(ShippedModelEndToEndTests.MODEL, "manifest.json")),
                "no shipped model yet");
    }

    @Test
    void theGovernorRatesEveryGearWithTheShippedManifestsWordErrorRates() {
        ModelManifest manifest = ModelManifest.load(Path.of(ShippedModelEndToEndTests.MODEL));
        Map<?, ?> view = governor();
        assertThat(((Map<?, ?>) view.get("settings")).get("maximise")).isEqualTo("correct-answers");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> exits = (List<Map<String, Object>>) view.get("exits");
        assertThat(exits).hasSize(8).allSatisfy((gear) -> {
            ModelManifest.Exit exit = manifest.exit((Integer) gear.get("depth")).orElseThrow();
            Map<String, Double> rates = "fast".equals(gear.get("decoding")) ? exit.devWer() : exit.devWerLm();
            assertThat(((Number) gear.get("wordErrorRate")).doubleValue()).as("gear %s %s", gear.get("depth"),
                    gear.get("decoding")).isEqualTo(rates.get("synth"));
        });
    }

    @Test
    void anOperatorSwitchesBetweenAnswersAndCorrectAnswersAtRunTime() {
        put("{\"maximise\":\"answers\"}").expectStatus().isOk().expectBody()
            .jsonPath("$.settings.maximise").isEqualTo("answers");
        put("{\"maximise\":\"correct-answers\"}").expectStatus().isOk().expectBody()
            .jsonPath("$.settings.maximise").isEqualTo("correct-answers");
    }

    private Map<?, ?> governor() {
        return this.client.get().uri("/v1/governor").exchange().expectStatus().isOk().expectBody(Map.class)
            .returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec put(String body) {
        return this.client.put().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
            .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

}
