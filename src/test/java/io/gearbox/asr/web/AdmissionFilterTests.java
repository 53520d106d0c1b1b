package io.gearbox.asr.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.Recognizer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

class AdmissionFilterTests {

    private final Recognizer recognizer = mock(Recognizer.class);

    private final AdmissionFilter filter = new AdmissionFilter(this.recognizer,
            new ProblemDetailsExceptionHandler(JsonMapper.builder().build()));

    private final AtomicInteger handled = new AtomicInteger();

    private final WebFilterChain chain = (exchange) -> {
        this.handled.incrementAndGet();
        return Mono.empty();
    };

    @Test
    void aRecognitionPostThatFindsTheQueueFullIsAnswered503WithoutReachingTheHandler() {
        willThrow(new OverloadedException(8, Duration.ofSeconds(2))).given(this.recognizer)
            .rejectEarly(any(DepthRequest.class));
        for (String path : new String[] { "/v1/recognize", "/v1/audio/transcriptions" }) {
            MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post(path));

            this.filter.filter(exchange, this.chain).block();

            assertThat(exchange.getResponse().getStatusCode()).as(path).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).as(path).isEqualTo("2");
        }
        assertThat(this.handled).hasValue(0);
    }

    @Test
    void otherRoutesAndMethodsPassWithoutAskingTheQueue() {
        for (MockServerHttpRequest request : new MockServerHttpRequest[] { MockServerHttpRequest.get("/v1/models")
            .build(), MockServerHttpRequest.put("/v1/governor").build(),
                MockServerHttpRequest.get("/v1/recognize").build(), MockServerHttpRequest.post("/v1/unknown").build() }) {
            this.filter.filter(MockServerWebExchange.from(request), this.chain).block();
        }
        assertThat(this.handled).hasValue(4);
        verify(this.recognizer, never()).rejectEarly(any());
    }

}
