package io.gearbox.asr.web;

import java.util.Set;

import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.Recognizer;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Turns a recognition request away with 503 before anything reads it when the admission queue is full: the body,
 * a multipart form for {@code /v1/audio/transcriptions}, is never parsed, and the answer goes straight to the one
 * error mapper ({@link ProblemDetailsExceptionHandler}) rather than through the handler and the reactive error
 * path. Under overload most requests are turned away, so what each of them costs is what the service has left
 * for the ones it serves; a JFR recording of a 2x load run showed the error path (Reactor's error operators and
 * checkpoints) compiled at the start of the overload, when the cores were needed most. The controllers still check
 * again ({@link Recognizer#rejectEarly}), and admission itself is the final word: this is only the cheap path.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20) // after UploadLimitFilter, inside the HTTP server observation
class AdmissionFilter implements WebFilter {

    /** The endpoints that recognise speech, by {@link WebAttributes#endpointOf} name. */
    private static final Set<String> RECOGNITION = Set.of("recognize", "transcriptions");

    private final Recognizer recognizer;

    private final ProblemDetailsExceptionHandler problems;

    AdmissionFilter(Recognizer recognizer, ProblemDetailsExceptionHandler problems) {
        this.recognizer = recognizer;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String endpoint = WebAttributes.endpointOf(exchange.getRequest().getPath().pathWithinApplication().value());
        boolean recognition = endpoint != null && RECOGNITION.contains(endpoint);
        if (!recognition || exchange.getRequest().getMethod() != HttpMethod.POST) {
            return chain.filter(exchange);
        }
        try {
            this.recognizer.rejectEarly(DepthRequest.auto());
        }
        catch (OverloadedException ex) {
            return this.problems.handle(exchange, ex);
        }
        return chain.filter(exchange);
    }

}
