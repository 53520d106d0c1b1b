package io.gearbox.asr.web;

import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Bounds every request body at the upload limit (plus room for multipart framing): a declared
 * {@code Content-Length} over it is rejected before any of it is read, and a body without one (chunked) fails with
 * {@link UploadTooLargeException} as soon as it has delivered more, whatever reads it (the multipart codec
 * included). {@link Uploads} and the codec limits in {@link UploadCodecs} bound the pieces.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class UploadLimitFilter implements WebFilter {

    /** Room for multipart boundaries, part headers and the small form fields around the file. */
    static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;

    private final DataSize maxUpload;

    UploadLimitFilter(Uploads uploads) {
        this.maxUpload = uploads.maxUpload();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > 0) {
            MediaType contentType = exchange.getRequest().getHeaders().getContentType();
            boolean multipart = contentType != null && MediaType.MULTIPART_FORM_DATA.includes(contentType);
            long limit = this.maxUpload.toBytes() + (multipart ? MULTIPART_OVERHEAD_BYTES : 0);
            if (length > limit) {
                return Mono.error(new UploadTooLargeException(this.maxUpload));
            }
        }
        long limit = this.maxUpload.toBytes() + MULTIPART_OVERHEAD_BYTES;
        ServerHttpRequest bounded = new ServerHttpRequestDecorator(exchange.getRequest()) {

            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong total = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (total.addAndGet(buffer.readableByteCount()) > limit) {
                        DataBufferUtils.release(buffer);
                        sink.error(new UploadTooLargeException(UploadLimitFilter.this.maxUpload));
                    }
                    else {
                        sink.next(buffer);
                    }
                });
            }

        };
        return chain.filter(exchange.mutate().request(bounded).build());
    }

}
