package io.gearbox.asr.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * Debian's {@code prometheus} binary run as a child process on a free local port, by default scraping one target's
 * {@code /actuator/prometheus} every second as job {@value Monitoring#JOB} and evaluating the given rules file every
 * second (or with a whole configuration of the caller's), its data in a directory of its own. {@link #close()} stops
 * it (SIGTERM, then SIGKILL after 10 s) and waits.
 */
final class PrometheusServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;

    private final Path log;

    private final URI base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * Starts Prometheus and waits (up to 60 s) until it reports ready.
     * @param binary the {@code prometheus} executable
     * @param directory an empty directory for its configuration, data and log
     * @param target {@code host:port} of the service
     * @param rules the rules file to load
     */
    static PrometheusServer start(Path binary, Path directory, String target, Path rules) throws IOException {
        return start(binary, directory, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: %s
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["%s"]
                """.formatted(rules.toAbsolutePath(), Monitoring.JOB, target));
    }

    /**
     * Starts Prometheus with a configuration of the caller's and waits (up to 60 s) until it reports ready.
     * @param binary the {@code prometheus} executable
     * @param directory an empty directory for its configuration, data and log
     * @param configuration the whole {@code prometheus.yml}
     */
    static PrometheusServer start(Path binary, Path directory, String configuration) throws IOException {
        int port = freePort();
        Path config = directory.resolve("prometheus.yml");
        Files.writeString(config, configuration);
        Path log = directory.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        PrometheusServer server = new PrometheusServer(process, log, URI.create("http://127.0.0.1:" + port));
        try {
            await("Prometheus ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(server::ready);
        }
        catch (RuntimeException ex) {
            server.close();
            throw new IllegalStateException("Prometheus did not start: " + server.log(), ex);
        }
        return server;
    }

    /**
     * Runs an instant query now.
     * @return the {@code data.result} array (a vector's samples), or empty if the query failed
     */
    Optional<JsonNode> query(String promql) {
        JsonNode answer = get("/api/v1/query?query=" + urlEncoded(promql));
        if (!"success".equals(answer.path("status").asText())) {
            return Optional.empty();
        }
        return Optional.of(answer.path("data").path("result"));
    }

    /** The answer of {@code GET /api/v1/rules}. */
    JsonNode rules() {
        return get("/api/v1/rules");
    }

    /** A failed query's error, for messages. */
    String error(String promql) {
        return get("/api/v1/query?query=" + urlEncoded(promql)).path("error").asText();
    }

    /** A scalar query's value, NaN when it returns no sample. */
    double value(String promql) {
        return query(promql).filter((result) -> result.size() > 0)
            .map((result) -> result.get(0).path("value").get(1).asDouble())
            .orElse(Double.NaN);
    }

    String log() {
        try {
            return Files.readString(this.log);
        }
        catch (IOException ex) {
            return "(no log: " + ex + ")";
        }
    }

    private boolean ready() {
        if (!this.process.isAlive()) {
            throw new IllegalStateException("Prometheus exited with " + this.process.exitValue());
        }
        try {
            return this.http.send(HttpRequest.newBuilder(this.base.resolve("/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static String urlEncoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        // Another process may take the port before Prometheus binds it; start() then fails with its log.
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        this.process.destroy();
        try {
            if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.process.destroyForcibly();
        }
    }

}
