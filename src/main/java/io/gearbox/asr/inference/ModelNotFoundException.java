package io.gearbox.asr.inference;

import java.nio.file.Path;

/**
 * The model folder has no {@code manifest.json}: nothing to serve.
 */
public class ModelNotFoundException extends IllegalArgumentException {

    private final Path directory;

    ModelNotFoundException(Path directory) {
        super("No manifest.json in model folder " + directory.toAbsolutePath());
        this.directory = directory;
    }

    /** @return the folder that was searched */
    public Path directory() {
        return this.directory;
    }

}
