package io.gearbox.asr.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * The tiny model that {@code models/recipe/smoke.py} writes into {@code target/recipe-smoke} before the tests run
 * (Maven's {@code generate-test-resources} phase).
 */
public final class SmokeModel {

    private SmokeModel() {
    }

    /** @return the smoke model's folder; skips the calling test when the smoke run was skipped */
    public static Path directory() {
        Path directory = Path.of(System.getProperty("smoke.model.dir", "target/recipe-smoke"));
        Assumptions.assumeTrue(Files.isRegularFile(directory.resolve("manifest.json")),
                "No smoke model in " + directory + " (built with -Dsmoke.skip?)");
        return directory;
    }

}
