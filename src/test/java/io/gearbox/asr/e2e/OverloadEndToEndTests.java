package io.gearbox.asr.e2e;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.recognition.DepthSelector;
import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With room for one utterance and no queue, a second request while the first is held inside the service is turned
 * away at once with 503 and {@code Retry-After}; once the first finishes, requests are served again.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.recognition.workers=1", "asr.recognition.queue-capacity=0",
                "asr.recognition.retry-after=3s" })
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
@Import(OverloadEndToEndTests.GateConfiguration.class)
class OverloadEndToEndTests {

    @Autowired
    private WebTestClient client;

    @Autowired
    private Gate gate;

    @BeforeAll
    static void smokeModelIsThere() {
        SmokeModel.directory();
    }

    @Test
    void aFullServiceAnswers503WithRetryAfterAndRecovers() throws InterruptedException {
        byte[] audio = TestAudio.toneWav(1.0, 16000, 440);
        this.gate.close();
        Mono<EntityExchangeResult<byte[]>> held = Mono.fromCallable(() -> recognize(audio).expectBody().returnResult())
            .cache();
        held.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()).subscribe();
        assertThat(this.gate.awaitEntered()).isTrue();

        recognize(audio).expectStatus().isEqualTo(503)
            .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "3")
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("overloaded");

        this.gate.open();
        assertThat(held.block(Duration.ofSeconds(30)).getStatus().value()).isEqualTo(200);
        recognize(audio).expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec recognize(byte[] audio) {
        return this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(audio)
            .exchange();
    }

    /**
     * A depth selector that can hold requests inside the service until the test lets them go.
     */
    static final class Gate implements DepthSelector {

        private volatile CountDownLatch release = new CountDownLatch(0);

        private final CountDownLatch entered = new CountDownLatch(1);

        void close() {
            this.release = new CountDownLatch(1);
        }

        void open() {
            this.release.countDown();
        }

        boolean awaitEntered() throws InterruptedException {
            return this.entered.await(30, TimeUnit.SECONDS);
        }

        @Override
        public Gear selectGear(DepthQuery query) {
            this.entered.countDown();
            try {
                this.release.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return Gear.full(query.depths().get(query.depths().size() - 1));
        }

    }

    @TestConfiguration(proxyBeanMethods = false)
    static class GateConfiguration {

        @Bean
        @Primary
        Gate gate() {
            return new Gate();
        }

    }

}
