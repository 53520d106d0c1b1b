package io.gearbox.asr.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalDouble;

import io.gearbox.asr.config.AdminProperties;
import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.governor.GovernorMode;
import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.LoadProbe;
import io.gearbox.asr.governor.SignalSource;
import io.gearbox.asr.recognition.AdmissionQueue;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.annotation.DirtiesContext.ClassMode;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@WebFluxTest(controllers = GovernorController.class, properties = "asr.admin.token=s3cret",
        excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = AdmissionFilter.class))
@Import({ WebSliceConfiguration.class, GovernorControllerTests.GovernorSlice.class })
@DirtiesContext(classMode = ClassMode.AFTER_EACH_TEST_METHOD) // pins and settings changes must not leak between tests
class GovernorControllerTests {

    @Autowired
    private WebTestClient client;

    @Autowired
    private DepthGovernor governor;

    @Test
    void getShowsDepthModeSignalsExitsAndSettings() {
        this.client.get().uri("/v1/governor").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.depth").isEqualTo(6)
            .jsonPath("$.decoding").isEqualTo("full")
            .jsonPath("$.mode").isEqualTo("auto")
            .jsonPath("$.state").isNotEmpty()
            .jsonPath("$.lastChange").isEmpty()
            .jsonPath("$.signals.workers").isEqualTo(2)
            .jsonPath("$.signals.inFlight").isEqualTo(0)
            .jsonPath("$.signals.queued").isEqualTo(0)
            .jsonPath("$.signals.sources[1].name").isEqualTo("load")
            .jsonPath("$.exits.length()").isEqualTo(4)
            .jsonPath("$.exits[0].depth").isEqualTo(2)
            .jsonPath("$.exits[0].decoding").isEqualTo("fast")
            .jsonPath("$.exits[1].depth").isEqualTo(4)
            .jsonPath("$.exits[1].decoding").isEqualTo("fast")
            .jsonPath("$.exits[2].depth").isEqualTo(4)
            .jsonPath("$.exits[2].decoding").isEqualTo("full")
            .jsonPath("$.exits[0].costSecondsPerAudioSecond").isNumber()
            .jsonPath("$.exits[0].windowCostSecondsPerAudioSecond").isNumber()
            .jsonPath("$.exits[0].samples").isEqualTo(0)
            .jsonPath("$.exits[0].predictedLatencyMs").isNumber()
            .jsonPath("$.exits[0].measured").isEqualTo(false)
            .jsonPath("$.settings.latencySlo").isEqualTo("1000ms")
            .jsonPath("$.settings.utilisationHigh").isEqualTo(0.9)
            .jsonPath("$.settings.minSamples").isEqualTo(20)
            .jsonPath("$.queue.capacity").isEqualTo(8)
            .jsonPath("$.queue.maxWaitMs").isEqualTo(500);
    }

    @Test
    void putWithoutCredentialsIsUnauthorizedWithABearerChallenge() {
        put(null, "{\"mode\":\"pinned\",\"depth\":2}")
            .expectStatus().isUnauthorized()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*")
            .expectBody().jsonPath("$.code").isEqualTo("unauthorized");
        put("Basic czNjcmV0", "{\"mode\":\"auto\"}").expectStatus().isUnauthorized();
        put("Bearer ", "{\"mode\":\"auto\"}").expectStatus().isUnauthorized();
        assertThat(this.governor.mode()).isEqualTo(GovernorMode.AUTO);
    }

    @Test
    void putWithAnotherTokenIsForbidden() {
        put("Bearer s3cret2", "{\"mode\":\"pinned\",\"depth\":2}")
            .expectStatus().isForbidden()
            .expectBody().jsonPath("$.code").isEqualTo("forbidden");
        assertThat(this.governor.depth()).isEqualTo(6);
    }

    @Test
    void pinAppliesAtOnceAndAutoHandsTheDepthBack() {
        put("Bearer s3cret", "{\"mode\":\"pinned\",\"depth\":2}")
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.depth").isEqualTo(2)
            .jsonPath("$.decoding").isEqualTo("fast") // the ladder serves exit 2 only greedily
            .jsonPath("$.mode").isEqualTo("pinned")
            .jsonPath("$.lastChange.from").isEqualTo(6)
            .jsonPath("$.lastChange.to").isEqualTo(2)
            .jsonPath("$.lastChange.direction").isEqualTo("down")
            .jsonPath("$.lastChange.reason").isEqualTo("pin");
        assertThat(this.governor.depth()).isEqualTo(2);

        put("bearer s3cret", "{\"mode\":\"auto\"}")
            .expectStatus().isOk()
            .expectBody().jsonPath("$.mode").isEqualTo("auto");
        assertThat(this.governor.mode()).isEqualTo(GovernorMode.AUTO);
    }

    @Test
    void anOperatorCanPinTheFastGear() {
        put("Bearer s3cret", "{\"depth\":2,\"decoding\":\"fast\"}")
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.depth").isEqualTo(2)
            .jsonPath("$.decoding").isEqualTo("fast")
            .jsonPath("$.mode").isEqualTo("pinned")
            .jsonPath("$.lastChange.fromDecoding").isEqualTo("full")
            .jsonPath("$.lastChange.toDecoding").isEqualTo("fast");
        assertThat(this.governor.gear()).isEqualTo(Gear.fast(2));
    }

    @Test
    void settingsChangeAtOnceFromDurationsOrMilliseconds() {
        put("Bearer s3cret", "{\"latencySlo\":\"800ms\",\"utilisationHigh\":0.85,\"dwell\":2000}")
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.settings.latencySlo").isEqualTo("800ms")
            .jsonPath("$.settings.utilisationHigh").isEqualTo(0.85)
            .jsonPath("$.settings.dwell").isEqualTo("2000ms")
            .jsonPath("$.queue.maxWaitMs").isEqualTo(400);
        assertThat(this.governor.settings().latencySlo()).isEqualTo(Duration.ofMillis(800));
        assertThat(this.governor.settings().dwell()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void unknownDepthIsUnprocessable() {
        put("Bearer s3cret", "{\"mode\":\"pinned\",\"depth\":5}")
            .expectStatus().isEqualTo(422)
            .expectBody().jsonPath("$.code").isEqualTo("unknown_depth");
        assertThat(this.governor.mode()).isEqualTo(GovernorMode.AUTO);
    }

    @Test
    void badBodiesAreBadRequestsAndChangeNothing() {
        for (String body : List.of("{}", "not json", "[1,2]", "{\"mode\":\"sometimes\"}", "{\"mode\":\"pinned\"}",
                "{\"mode\":\"auto\",\"depth\":2}", "{\"depth\":\"two\"}", "{\"latencySlo\":\"soon\"}",
                "{\"latencySlo\":\"-1s\"}", "{\"latencySlo\":\"106752d\"}", "{\"dwell\":9223372036854775807}", "{\"utilisationLow\":0.95}", "{\"minSamples\":2.5}",
                "{\"mode\":\"auto\",\"colour\":\"red\"}", "{\"latencySlo\":\"800ms\",\"depth\":\"x\"}",
                "{\"mode\":null}", "{\"depth\":null}", "{\"decoding\":\"fast\"}",
                "{\"depth\":6,\"decoding\":\"fast\"}", "{\"depth\":2,\"decoding\":\"quick\"}", "{\"latencySlo\":null,\"mode\":\"auto\"}", "",
                "{\"maximise\":\"words\"}", "{\"maximise\":1}",
                "{\"window\":\"" + "9".repeat(300_000) + "s\"}")) {
            put("Bearer s3cret", body)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("invalid_request");
        }
        assertThat(this.governor.settings()).isEqualTo(GovernorSettings.defaults());
        assertThat(this.governor.mode()).isEqualTo(GovernorMode.AUTO);
    }

    @Test
    void maximisingCorrectAnswersIsRefusedForAModelThatDoesNotRateEveryGear() {
        put("Bearer s3cret", "{\"maximise\":\"correct-answers\",\"latencySlo\":\"800ms\"}")
            .expectStatus().isBadRequest()
            .expectBody()
            .jsonPath("$.code").isEqualTo("invalid_request")
            .jsonPath("$.detail").value((detail) -> assertThat(detail.toString())
                .contains("needs the word error rate of every gear").contains("[2 fast, 4 fast, 4, 6]"));
        assertThat(this.governor.settings()).as("nothing applied").isEqualTo(GovernorSettings.defaults());
        this.client.get().uri("/v1/governor").exchange()
            .expectBody().jsonPath("$.settings.maximise").isEqualTo("answers")
            .jsonPath("$.exits[0].wordErrorRate").doesNotExist();
    }

    @Test
    void aBodyThatIsNotJsonIsUnsupportedMediaType() {
        this.client.put().uri("/v1/governor")
            .contentType(MediaType.TEXT_PLAIN)
            .header(HttpHeaders.AUTHORIZATION, "Bearer s3cret")
            .bodyValue("mode=auto")
            .exchange()
            .expectStatus().isEqualTo(415)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(this.governor.mode()).isEqualTo(GovernorMode.AUTO);
    }

    @Test
    void credentialsAreCheckedBeforeTheBody() {
        put(null, "not json").expectStatus().isUnauthorized();
        put("Bearer s3cret2", "{\"mode\":null}").expectStatus().isForbidden();
    }

    @Test
    void aFailingSignalShowsItsMessageOnlyToOperators() {
        for (String authorization : new String[] { null, "Bearer s3cret2" }) {
            WebTestClient.RequestHeadersSpec<?> get = this.client.get().uri("/v1/governor");
            if (authorization != null) {
                get.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            get.exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.signals.sources[0].name").isEqualTo("gpu-utilisation")
                .jsonPath("$.signals.sources[0].state").isEqualTo("failing")
                .jsonPath("$.signals.sources[0].lastError").isEqualTo("IllegalStateException");
        }
        this.client.get().uri("/v1/governor").header(HttpHeaders.AUTHORIZATION, "Bearer s3cret").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.signals.sources[0].lastError")
            .isEqualTo("IllegalStateException: libnvidia-ml.so.1: cannot open shared object file: /usr/lib/x86_64");
    }

    private WebTestClient.ResponseSpec put(String authorization, String body) {
        WebTestClient.RequestBodySpec request = this.client.put().uri("/v1/governor")
            .contentType(MediaType.APPLICATION_JSON);
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return request.bodyValue(body).exchange();
    }

    /** A GPU signal on a host without the NVIDIA library: shown to operators, never steering. */
    static final class MissingGpu implements SignalSource {

        @Override
        public String name() {
            return "gpu-utilisation";
        }

        @Override
        public OptionalDouble read() {
            throw new IllegalStateException("libnvidia-ml.so.1: cannot open shared object file: /usr/lib/x86_64");
        }

        @Override
        public boolean steersDepth() {
            return false;
        }

    }

    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AdminProperties.class)
    @Import(AdminToken.class)
    static class GovernorSlice {

        @Bean
        DepthGovernor depthGovernor() {
            DepthGovernor governor = new DepthGovernor(
                    List.of(new ExitPrior(2, 0.01), new ExitPrior(4, 0.02), new ExitPrior(6, 0.03)), true,
                    GovernorSettings.defaults(), () -> LoadProbe.Load.idle(2), List.of(new MissingGpu()),
                    Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
            governor.evaluate();
            return governor;
        }

        /** Its deadline half the objective in force, as {@code asr.governor.queue-deadline=0.5} sets it. */
        @Bean
        AdmissionQueue admissionQueue(DepthGovernor governor) {
            AdmissionQueue admission = new AdmissionQueue(2, 8, Duration.ofSeconds(1));
            admission.limitQueueWait(() -> governor.settings().latencySlo().toNanos() / 2);
            return admission;
        }

    }

}
