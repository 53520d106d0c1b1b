package io.gearbox.asr.web;

import io.gearbox.asr.config.LimitsProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Reads upload bodies into memory, never more than {@code asr.limits.max-upload} bytes.
 */
@Component
class Uploads {

    private final DataSize maxUpload;

    Uploads(LimitsProperties limits) {
        this.maxUpload = limits.maxUpload();
    }

    DataSize maxUpload() {
        return this.maxUpload;
    }

    /**
     * @param content the body
     * @return the bytes, failing with {@link UploadTooLargeException} past the limit and
     * {@link InvalidRequestException} for an empty body
     */
    Mono<byte[]> read(Flux<DataBuffer> content) {
        return DataBufferUtils.join(content, (int) this.maxUpload.toBytes())
            .onErrorMap(DataBufferLimitException.class, (ex) -> new UploadTooLargeException(this.maxUpload))
            .map((buffer) -> {
                try {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    return bytes;
                }
                finally {
                    DataBufferUtils.release(buffer);
                }
            })
            .filter((bytes) -> bytes.length > 0)
            .switchIfEmpty(Mono.error(() -> new InvalidRequestException("The audio is empty")));
    }

    /**
     * @param mediaType the client's media type for the audio, or {@code null}
     * @return the media type to pass on, or {@code null} when it says nothing about the audio (so it is sniffed)
     */
    static String audioMediaType(MediaType mediaType) {
        if (mediaType == null || mediaType.equals(MediaType.APPLICATION_OCTET_STREAM)
                || mediaType.isWildcardType()) {
            return null;
        }
        return mediaType.toString();
    }

}
