package io.gearbox.asr.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Rejects a body whose declared {@code Content-Length} is over the upload limit before any of it is read. Bodies
 * without a length (chunked) are bounded while they are read ({@link Uploads}, and the codec limits in
 * {@link UploadCodecs}).
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
        return chain.filter(exchange);
    }

}
