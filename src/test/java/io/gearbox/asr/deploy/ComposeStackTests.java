package io.gearbox.asr.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker-compose.yml}'s service and Prometheus brought up by docker-compose on locally built images, and
 * Prometheus scraping the service's {@code asr_*} series ({@code deploy/compose-check.sh}, which asks Prometheus' HTTP
 * API). The service image is first rebuilt from the packaged jar ({@code deploy/images.sh}); the base images must
 * already exist ({@code deploy/images.sh --bases}, as {@code .ci/run} does). Grafana is not started: Debian has no
 * package for it and no registry is reachable. Skipped, with a message naming what is missing, without podman,
 * docker-compose or a Docker API socket.
 */
class ComposeStackTests {

    private static final Path LOG = Path.of("target/compose-check-test.log");

    @Test
    void prometheusScrapesTheServicesSeriesInTheComposeStack() throws Exception {
        Assumptions.assumeTrue(ContainerImageTests.engineAnswers(),
                "No container engine: neither Docker nor a Docker API socket (DOCKER_HOST, e.g. podman system service) "
                        + "answers, so the compose stack is not brought up");
        Assumptions.assumeTrue(onPath("podman") && onPath("docker-compose"),
                "podman or docker-compose is missing: the compose stack is not brought up");
        Assumptions.assumeTrue(succeeds(List.of("podman", "image", "exists", "localhost/gearbox-prometheus:bookworm")),
                "No localhost/gearbox-prometheus:bookworm (deploy/images.sh --bases): the compose stack is not brought up");

        Files.createDirectories(LOG.getParent());
        Files.deleteIfExists(LOG);
        assertThat(run(List.of("deploy/images.sh"))).as(tail()).isZero();
        assertThat(run(List.of("deploy/compose-check.sh"))).as(tail()).isZero();
        assertThat(Files.readString(LOG, StandardCharsets.UTF_8)).contains("Prometheus scrapes gearbox-asr: up=1");
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()))
            .start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static boolean succeeds(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(1, TimeUnit.MINUTES) && process.exitValue() == 0;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String tail() {
        try {
            String log = Files.readString(LOG, StandardCharsets.UTF_8);
            return log.substring(Math.max(0, log.length() - 4000));
        }
        catch (IOException ex) {
            return "(no log)";
        }
    }

}
