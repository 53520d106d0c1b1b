package io.gearbox.asr.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.gearbox.asr.web.WebAttributes;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class RequestMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final AtomicLong nanos = new AtomicLong();

    private final RequestMetrics metrics = new RequestMetrics(this.registry, this.nanos::get);

    @Test
    void timesARequestByEndpointOutcomeStatusAndDepth() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/recognize"));
        this.metrics.filter(exchange, (ex) -> {
            this.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
            ex.getAttributes().put(WebAttributes.DEPTH, 6);
            ex.getResponse().setStatusCode(HttpStatus.OK);
            return ex.getResponse().setComplete();
        }).block();
        Timer timer = this.registry.get("asr.requests")
            .tags("endpoint", "recognize", "outcome", "success", "status", "200", "depth", "6")
            .timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    }

    @Test
    void countsRejectedRequestsAsOverloadedWithoutADepth() {
        MockServerWebExchange exchange = MockServerWebExchange
            .from(MockServerHttpRequest.post("/v1/audio/transcriptions"));
        this.metrics.filter(exchange, (ex) -> {
            ex.getResponse().setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
            return ex.getResponse().setComplete();
        }).block();
        assertThat(this.registry.get("asr.requests")
            .tags("endpoint", "transcriptions", "outcome", "overloaded", "depth", "none")
            .timer()
            .count()).isEqualTo(1);
    }

    @Test
    void ignoresPathsOutsideTheApi() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health"));
        this.metrics.filter(exchange, (ex) -> ex.getResponse().setComplete()).block();
        assertThat(this.registry.find("asr.requests").timers()).isEmpty();
    }

    @Test
    void outcomeFollowsTheStatusClass() {
        assertThat(RequestMetrics.outcome(200)).isEqualTo("success");
        assertThat(RequestMetrics.outcome(413)).isEqualTo("client_error");
        assertThat(RequestMetrics.outcome(503)).isEqualTo("overloaded");
        assertThat(RequestMetrics.outcome(500)).isEqualTo("server_error");
    }

    @Test
    void filterPassesTheChainsResultThrough() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models"));
        assertThat(this.metrics.filter(exchange, (ex) -> Mono.empty()).blockOptional()).isEmpty();
    }

}
