package io.gearbox.asr.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.model.ContainerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's {@code Dockerfile} built and run by a real container engine through the Docker API (Docker, or
 * podman's socket: {@code DOCKER_HOST}, with {@code TESTCONTAINERS_RYUK_DISABLED=true} where Ryuk's image cannot be
 * pulled): the container runs as uid 10001 on a read-only root filesystem with only {@code /tmp} writable, becomes
 * ready, passes its own {@code HEALTHCHECK} command, and transcribes a committed clip through the mapped port.
 *
 * <p>One image build and one container for the whole class. The base image is {@code GEARBOX_BASE_IMAGE} (the CI
 * passes {@code localhost/gearbox-jre-base:bookworm}, made by {@code deploy/images.sh}), else the Dockerfile's own
 * default, which the engine must be able to pull. Skipped, with a message saying so, where no engine answers.
 */
class ContainerImageTests {

    private static final Path JAR = Path.of(System.getProperty("deploy.jar", "target/gearbox-asr.jar"));

    private static final Path CLIP = Path.of("src/test/resources/clips/synth-synth0090.wav");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static GenericContainer<?> service;

    /** Why the tests are skipped, or {@code null} when an engine answers and the jar is there. */
    private static String missing;

    @BeforeAll
    static void buildTheImageAndStartOneContainer() {
        if (!engineAnswers()) {
            missing = "No container engine: neither Docker nor a Docker API socket (DOCKER_HOST, e.g. podman system "
                    + "service) answers, so the image is not built or tested";
            return;
        }
        if (!Files.isRegularFile(JAR)) {
            missing = "No packaged jar at " + JAR + " (these tests run after 'package')";
            return;
        }
        ImageFromDockerfile image = new ImageFromDockerfile("localhost/gearbox-asr-test", false)
            .withDockerfile(Path.of("Dockerfile").toAbsolutePath());
        String base = System.getenv("GEARBOX_BASE_IMAGE");
        if (base != null && !base.isBlank()) {
            image.withBuildArg("BASE_IMAGE", base);
        }
        service = new GenericContainer<>(image)
            .withExposedPorts(8080)
            .withCreateContainerCmdModifier((create) -> create.getHostConfig()
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,size=512m")))
            .waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200)
                .withStartupTimeout(Duration.ofMinutes(5)));
        service.start();
    }

    /** Skips each test, with the reason in its report, where the class could not start the container. */
    @BeforeEach
    void needsTheContainer() {
        Assumptions.assumeTrue(missing == null, missing);
    }

    /** @return whether a Docker API (Docker's, or podman's socket in {@code DOCKER_HOST}) answers */
    static boolean engineAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        }
        catch (RuntimeException | LinkageError ex) {
            return false;
        }
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void runsAsUid10001OnAReadOnlyRootWithOnlyTmpWritable() throws Exception {
        assertThat(exec("id", "-u").getStdout().trim()).isEqualTo("10001");
        assertThat(exec("touch", "/app/written").getExitCode()).as("the application folder").isNotZero();
        assertThat(exec("touch", "/written").getExitCode()).as("the root").isNotZero();
        assertThat(exec("touch", "/tmp/written").getExitCode()).as("/tmp").isZero();
        assertThat(service.getContainerInfo().getHostConfig().getReadonlyRootfs()).isTrue();
    }

    @Test
    void theImagesOwnHealthCheckPassesOnceReadyWithoutCurl() throws Exception {
        // the container's configuration, which it takes from the image: podman's Docker API leaves the health check
        // out of an image's inspection, not out of a container's
        ContainerConfig config = service.getContainerInfo().getConfig();
        assertThat(config.getHealthcheck()).as("the image's HEALTHCHECK").isNotNull();
        List<String> test = config.getHealthcheck().getTest();
        assertThat(test).isNotEmpty();
        assertThat(test.get(0)).isEqualTo("CMD");
        assertThat(config.getUser()).isEqualTo("10001:0");
        // The heap's share where a deployment's JAVA_TOOL_OPTIONS can replace it; no ASR_* variable that would
        // override a mounted configuration file (the image's defaults are in /app/config/application.yml).
        assertThat(config.getEnv()).contains("JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=60")
            .noneMatch((variable) -> variable.startsWith("ASR_") || variable.startsWith("SERVER_"));
        assertThat(exec("grep", "-x", "    path: /app/models/gearbox-en", "/app/config/application.yml").getExitCode())
            .as("the image's default model path").isZero();
        // podman runs health checks from systemd timers, which a CI machine may lack: run the command itself
        ExecResult check = exec(test.subList(1, test.size()).toArray(String[]::new));
        assertThat(check.getExitCode()).as(check.getStderr()).isZero();
    }

    @Test
    void transcribesACommittedClipThroughTheMappedPort() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://" + service.getHost() + ":" + service.getMappedPort(8080) + "/v1/recognize");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
            .header("Content-Type", "audio/wav")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(CLIP)))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("text").asText()).isEqualTo("i know who he was");
    }

    private static ExecResult exec(String... command) throws IOException, InterruptedException {
        return service.execInContainer(command);
    }

}
