package io.gearbox.asr.config;

import java.nio.file.Path;

/**
 * {@code asr.segmentation.vad-model} names no file, while long recordings are to be cut at speech pauses.
 */
class VoiceActivityModelNotFoundException extends IllegalStateException {

    private final Path file;

    VoiceActivityModelNotFoundException(Path file) {
        super("No voice activity model at " + file.toAbsolutePath());
        this.file = file;
    }

    /** @return the file that was looked for */
    Path file() {
        return this.file;
    }

}
