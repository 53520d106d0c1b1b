package io.gearbox.asr.web;

import org.springframework.util.unit.DataSize;

/**
 * A request body is larger than {@code asr.limits.max-upload} (413).
 */
class UploadTooLargeException extends RuntimeException {

    UploadTooLargeException(DataSize limit) {
        super("Upload exceeds the limit of " + limit.toMegabytes() + " MB (" + limit.toBytes() + " bytes)", null,
                false, false);
    }

}
