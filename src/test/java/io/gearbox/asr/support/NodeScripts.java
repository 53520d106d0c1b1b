package io.gearbox.asr.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the Node scripts of {@code src/test/node} ({@code node script.mjs}, in that folder, with the given
 * environment added to this process's) and hands back what they printed. The scripts call the service with
 * OpenAI's official client, installed there by {@code npm ci}; a test that needs them is skipped, with one message
 * saying how to install them, when {@code node} or that installation is missing.
 *
 * <p>Standard output and error go to files rather than pipes, so that a script that prints a lot can never block
 * on a full pipe while this class waits for it to end.
 */
public final class NodeScripts {

    /** The scripts' folder, with {@code package.json} and {@code package-lock.json}. */
    public static final Path HARNESS = Path.of("src/test/node");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Boolean available;

    private NodeScripts() {
    }

    /** Skips the calling test unless {@code node} runs and {@code npm ci} has installed the scripts' packages. */
    public static synchronized void assumeAvailable() {
        if (available == null) {
            available = Files.isRegularFile(HARNESS.resolve("node_modules/openai/package.json"))
                    && Files.isRegularFile(HARNESS.resolve("node_modules/ws/package.json")) && nodeRuns();
        }
        Assumptions.assumeTrue(available, "Node client scripts unavailable: needs `node` on the PATH and "
                + "`npm ci --prefix " + HARNESS + "` (.ci/run does it)");
    }

    /**
     * Runs one script to its end. Skips the calling test when the scripts are unavailable.
     * @param script a file in {@link #HARNESS}, e.g. {@code transcribe-stream.mjs}
     * @param environment variables added to this process's environment for the script
     * @param timeout how long the script may run; past it, it is killed and this fails
     * @return its exit code and output
     */
    public static Result run(String script, Map<String, String> environment, Duration timeout) {
        assumeAvailable();
        try {
            Path stdout = Files.createTempFile("node-stdout", ".txt");
            Path stderr = Files.createTempFile("node-stderr", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder("node", script).directory(HARNESS.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("node " + script + " ran past " + timeout + "; it printed:\n"
                            + Files.readString(stdout) + Files.readString(stderr));
                }
                return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8));
            }
            finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while node " + script + " ran", ex);
        }
    }

    private static boolean nodeRuns() {
        try {
            Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * What a script did.
     * @param exitCode its exit code
     * @param stdout what it printed on standard output
     * @param stderr what it printed on standard error
     */
    public record Result(int exitCode, String stdout, String stderr) {

        /** @return each non-blank line of standard output, parsed as JSON */
        public List<JsonNode> jsonLines() {
            return this.stdout.lines().filter((line) -> !line.isBlank()).map(JSON::readTree).toList();
        }

        @Override
        public String toString() {
            return "exit " + this.exitCode + "\nstdout:\n" + this.stdout + "\nstderr:\n" + this.stderr;
        }

    }

}
