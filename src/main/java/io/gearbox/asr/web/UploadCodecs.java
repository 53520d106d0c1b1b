package io.gearbox.asr.web;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.MultipartHttpMessageReader;
import org.springframework.stereotype.Component;

/**
 * Caps what the codecs buffer: any body decoded in memory, and each multipart part, at
 * {@code asr.limits.max-upload}; parts never spill to disk, and a form may not have more than a few dozen parts.
 * Runs after Spring Boot's own codec customizers so these limits win.
 */
@Component
class UploadCodecs implements CodecCustomizer, Ordered {

    static final int MAX_PARTS = 32;

    private final int maxUploadBytes;

    UploadCodecs(Uploads uploads) {
        this.maxUploadBytes = (int) uploads.maxUpload().toBytes();
    }

    @Override
    public void customize(CodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(this.maxUploadBytes);
        DefaultPartHttpMessageReader parts = new DefaultPartHttpMessageReader();
        parts.setMaxInMemorySize(this.maxUploadBytes);
        parts.setMaxDiskUsagePerPart(0);
        parts.setMaxParts(MAX_PARTS);
        configurer.defaultCodecs().multipartReader(new MultipartHttpMessageReader(parts));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

}
