package io.gearbox.asr.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.gearbox.asr.config.LimitsProperties;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UploadLimitFilterTests {

    private static final DataSize LIMIT = DataSize.ofKilobytes(100);

    private final UploadLimitFilter filter = new UploadLimitFilter(
            new Uploads(new LimitsProperties(LIMIT, Duration.ofMinutes(10))));

    @Test
    void rejectsADeclaredLengthOverTheLimitWithoutCallingTheHandler() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/recognize")
            .contentType(MediaType.parseMediaType("audio/wav"))
            .contentLength(LIMIT.toBytes() + 1)
            .body(Flux.empty()));
        AtomicLong handled = new AtomicLong();
        WebFilterChain chain = (ex) -> {
            handled.incrementAndGet();
            return Mono.empty();
        };
        assertThatExceptionOfType(UploadTooLargeException.class).isThrownBy(() -> this.filter.filter(exchange, chain)
            .block());
        assertThat(handled).hasValue(0);
    }

    @Test
    void allowsMultipartFramingAroundAFileAtTheLimit() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest
            .post("/v1/audio/transcriptions")
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .contentLength(LIMIT.toBytes() + 1000)
            .body(Flux.empty()));
        this.filter.filter(exchange, (ex) -> Mono.empty()).block();
    }

    @Test
    void cutsOffAChunkedBodyOnceItPassesTheLimit() {
        Flux<DataBuffer> chunks = Flux.range(0, 100)
            .map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[8 * 1024]));
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/recognize")
            .contentType(MediaType.parseMediaType("audio/wav"))
            .body(chunks));
        AtomicLong read = new AtomicLong();
        WebFilterChain chain = (ex) -> ex.getRequest().getBody()
            .doOnNext((buffer) -> read.addAndGet(buffer.readableByteCount()))
            .then();
        assertThatExceptionOfType(UploadTooLargeException.class)
            .isThrownBy(() -> this.filter.filter(exchange, chain).block());
        assertThat(read.get()).isLessThanOrEqualTo(LIMIT.toBytes() + UploadLimitFilter.MULTIPART_OVERHEAD_BYTES);
    }

    @Test
    void passesABodyUnderTheLimitThrough() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/recognize")
            .contentType(MediaType.parseMediaType("audio/wav"))
            .body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[1000]))));
        AtomicLong read = new AtomicLong();
        this.filter.filter(exchange, (ex) -> ex.getRequest().getBody()
            .doOnNext((buffer) -> read.addAndGet(buffer.readableByteCount()))
            .then()).block();
        assertThat(read).hasValue(1000);
    }

}
