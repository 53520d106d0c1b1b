package io.gearbox.asr.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.gearbox.asr.web.WebAttributes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Times every request to the {@code /v1} endpoints, from arrival to the response being committed (so the error
 * mapper's responses count too), as {@code asr.requests} (seconds) tagged {@code endpoint}
 * ({@code transcriptions}, {@code recognize}, {@code models}), {@code outcome} ({@code success},
 * {@code client_error}, {@code overloaded}, {@code server_error}), {@code status} and {@code depth} (the exit that
 * served it, {@code none} if none did). Its Prometheus {@code _count} is the request count; the percentile
 * histogram is published.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestMetrics implements WebFilter {

    static final String METER = "asr.requests";

    private final MeterRegistry registry;

    private final LongSupplier nanoClock;

    @Autowired
    RequestMetrics(MeterRegistry registry) {
        this(registry, System::nanoTime);
    }

    RequestMetrics(MeterRegistry registry, LongSupplier nanoClock) {
        this.registry = registry;
        this.nanoClock = nanoClock;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String endpoint = WebAttributes.endpointOf(exchange.getRequest().getPath().pathWithinApplication().value());
        if (endpoint == null) {
            return chain.filter(exchange);
        }
        long start = this.nanoClock.getAsLong();
        exchange.getResponse().beforeCommit(() -> {
            record(exchange, endpoint, this.nanoClock.getAsLong() - start);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    private void record(ServerWebExchange exchange, String endpoint, long nanos) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int code = (status != null) ? status.value() : 200;
        Object depth = exchange.getAttribute(WebAttributes.DEPTH);
        Timer.builder(METER)
            .description("Requests to the /v1 endpoints, from arrival to response")
            .tag("endpoint", endpoint)
            .tag("outcome", outcome(code))
            .tag("status", Integer.toString(code))
            .tag("depth", (depth != null) ? depth.toString() : "none")
            .publishPercentileHistogram()
            .register(this.registry)
            .record(nanos, TimeUnit.NANOSECONDS);
    }

    static String outcome(int status) {
        if (status == 503) {
            return "overloaded";
        }
        if (status >= 500) {
            return "server_error";
        }
        if (status >= 400) {
            return "client_error";
        }
        return "success";
    }

}
