package io.gearbox.asr.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Programs on the {@code PATH} (Debian's {@code prometheus} package installs {@code prometheus} and
 * {@code promtool}) and running one to completion.
 */
final class Executables {

    private Executables() {
    }

    /** The first {@code name} on the {@code PATH} that can be executed. */
    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory).resolve(name);
            if (!directory.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static boolean promtoolIsInstalled() {
        return find("promtool").isPresent();
    }

    /** The exit status and the output (stdout and stderr together) of a finished program. */
    record Result(int exitCode, String output) {
    }

    /**
     * Runs {@code program} with {@code arguments} in the working directory and waits for it.
     * @throws IllegalStateException if it runs longer than {@code timeoutSeconds} (it is killed)
     */
    static Result run(Path program, long timeoutSeconds, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            // Read before waiting: a program that fills the pipe would otherwise block forever.
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " ran longer than " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

}
