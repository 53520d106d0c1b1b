package io.gearbox.asr.deploy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.gearbox.asr.deploy.kubernetes.HelmChart;
import io.gearbox.asr.deploy.kubernetes.RenderedValues;
import io.gearbox.asr.deploy.kubernetes.StrictManifests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service's image run as a kubelet would run the pod the Helm chart renders (its defaults with
 * {@code ci/monitoring-values.yaml}), without a cluster: the Deployment, its ConfigMap, Service and ServiceMonitor are
 * rendered by Helm (helm-java) and parsed strictly into fabric8's model, and the container is created through the
 * Docker API (Docker, or podman's socket in {@code DOCKER_HOST}) from what they say alone: the container's command,
 * arguments, literal environment and ports; the user and group of its security context, the pod's
 * {@code fsGroup} as a supplementary group, no capabilities, no privilege escalation, a read-only root; a tmpfs (as
 * large as its {@code sizeLimit}) for each {@code emptyDir} mount, the ConfigMap's files bound read-only at its
 * mount; the memory and CPU limits. The startup, readiness and liveness probes are then asked by their own paths,
 * ports, periods and thresholds, in the kubelet's order, until each passes.
 *
 * <p>Checked on the running pod: the chart's assumptions about the image (the preStop command runs, the model paths
 * of the ConfigMap exist, the image's environment shadows none of the ConfigMap's properties, the heap is the chart's
 * share of the memory limit), a committed clip transcribed through the mapped port, and a real Prometheus scraping
 * it with a scrape configuration made from the ServiceMonitor's endpoint (the Service port it names resolved to the
 * container's port, its path, interval and timeout) until {@code up} is 1 and {@code asr_*} series are stored.
 *
 * <p>One image build (the name {@link ContainerImageTests} builds, so the engine's layer cache serves both) and one
 * container for the class. Skipped, with a message saying so, where no engine answers or the jar is missing; the
 * Prometheus check is skipped where Debian's {@code prometheus} binary is not on the {@code PATH}.
 */
class PodRunTests {

    private static final Path JAR = Path.of(System.getProperty("deploy.jar", "target/gearbox-asr.jar"));

    private static final Path VALUES = HelmChart.CHART.resolve("ci").resolve("monitoring-values.yaml");

    private static final Path CLIPS = Path.of("src/test/resources/clips");

    private static final String CLIP = "synth-synth0090.wav";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path workDir;

    private static RenderedValues rendered;

    private static Container spec;

    private static GenericContainer<?> pod;

    /** Why the tests are skipped, or {@code null} when the pod runs. */
    private static String missing;

    @BeforeAll
    static void startThePodAsTheKubeletWould() throws IOException {
        rendered = RenderedValues.chart(VALUES);
        spec = rendered.container();
        if (!ContainerImageTests.engineAnswers()) {
            missing = "No container engine: neither Docker nor a Docker API socket (DOCKER_HOST, e.g. podman system "
                    + "service) answers, so the chart's pod is not run";
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
        pod = new GenericContainer<>(image)
            // The probes below are the wait, as they are the kubelet's.
            .waitingFor(new AbstractWaitStrategy() {
                @Override
                protected void waitUntilReady() {
                }
            })
            .withCreateContainerCmdModifier(PodRunTests::asTheDeploymentSays);
        spec.getPorts().forEach((port) -> pod.addExposedPort(port.getContainerPort()));
        for (EnvVar variable : spec.getEnv()) {
            // The rendered values put no Secret in the environment; a valueFrom would need the API server.
            assertThat(variable.getValueFrom()).as("env %s comes from a reference", variable.getName()).isNull();
            pod.withEnv(variable.getName(), variable.getValue());
        }
        pod.start();
        long started = System.nanoTime();
        // The kubelet's order: liveness and readiness are asked only once the startup probe has passed.
        await("startup probe").atMost(budget(spec.getStartupProbe()))
            .pollInterval(Duration.ofSeconds(spec.getStartupProbe().getPeriodSeconds()))
            .until(() -> passes(spec.getStartupProbe()));
        long afterStartup = System.nanoTime();
        await("readiness probe").atMost(budget(spec.getStartupProbe()))
            .pollInterval(Duration.ofSeconds(spec.getReadinessProbe().getPeriodSeconds()))
            .until(() -> passes(spec.getReadinessProbe()));
        long afterReadiness = System.nanoTime();
        await("liveness probe").atMost(budget(spec.getLivenessProbe()))
            .pollInterval(Duration.ofSeconds(spec.getLivenessProbe().getPeriodSeconds()))
            .until(() -> passes(spec.getLivenessProbe()));
        System.out.printf("pod: startup probe passed after %.1f s, readiness after %.1f s%n",
                (afterStartup - started) / 1e9, (afterReadiness - started) / 1e9);
    }

    /** Skips each test, with the reason in its report, where the class could not run the pod. */
    @BeforeEach
    void needsThePod() {
        Assumptions.assumeTrue(missing == null, missing);
    }

    @AfterAll
    static void stop() {
        if (pod != null) {
            pod.stop();
        }
    }

    /** The create call of the container, from the rendered Deployment's pod template alone. */
    private static void asTheDeploymentSays(CreateContainerCmd create) {
        PodSpec podSpec = rendered.deployment().getSpec().getTemplate().getSpec();
        // Kubernetes: command replaces the image's ENTRYPOINT and drops its CMD; args alone replace the CMD.
        if (spec.getCommand() != null && !spec.getCommand().isEmpty()) {
            create.withEntrypoint(spec.getCommand());
            create.withCmd(spec.getArgs() != null ? spec.getArgs() : List.of());
        }
        else if (spec.getArgs() != null && !spec.getArgs().isEmpty()) {
            create.withCmd(spec.getArgs());
        }
        SecurityContext security = spec.getSecurityContext();
        PodSecurityContext podSecurity = podSpec.getSecurityContext();
        Long user = (security.getRunAsUser() != null) ? security.getRunAsUser() : podSecurity.getRunAsUser();
        Long group = (security.getRunAsGroup() != null) ? security.getRunAsGroup() : podSecurity.getRunAsGroup();
        create.withUser(user + ":" + group);
        HostConfig host = create.getHostConfig();
        if (podSecurity.getFsGroup() != null) {
            host.withGroupAdd(List.of(String.valueOf(podSecurity.getFsGroup())));
        }
        host.withReadonlyRootfs(Boolean.TRUE.equals(security.getReadOnlyRootFilesystem()));
        if (security.getCapabilities() != null && security.getCapabilities().getDrop().contains("ALL")) {
            host.withCapDrop(Capability.ALL);
        }
        if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
            host.withSecurityOpts(List.of("no-new-privileges"));
        }
        Map<String, String> tmpfs = new LinkedHashMap<>();
        List<Bind> binds = new ArrayList<>();
        for (VolumeMount mount : spec.getVolumeMounts()) {
            io.fabric8.kubernetes.api.model.Volume volume = podSpec.getVolumes().stream()
                .filter((candidate) -> candidate.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
            if (volume.getEmptyDir() != null) {
                // An emptyDir is writable by anyone and may hold programs (ONNX Runtime loads its library from it).
                Quantity size = volume.getEmptyDir().getSizeLimit();
                tmpfs.put(mount.getMountPath(), "rw,exec,mode=1777"
                        + ((size != null) ? ",size=" + size.getNumericalAmount().toBigInteger() : ""));
            }
            else if (volume.getConfigMap() != null) {
                binds.add(new Bind(configMapFiles(volume.getConfigMap().getName()).toString(),
                        new Volume(mount.getMountPath()),
                        Boolean.TRUE.equals(mount.getReadOnly()) ? AccessMode.ro : AccessMode.rw));
            }
            else {
                throw new AssertionError("a volume this run does not model: " + volume.getName());
            }
        }
        host.withTmpFs(tmpfs);
        host.withBinds(binds);
        Map<String, Quantity> limits = spec.getResources().getLimits();
        if (limits != null && limits.containsKey("memory")) {
            host.withMemory(limits.get("memory").getNumericalAmount().longValueExact());
        }
        if (limits != null && limits.containsKey("cpu")) {
            host.withNanoCPUs(limits.get("cpu").getNumericalAmount().multiply(BigDecimal.valueOf(1_000_000_000L))
                .longValueExact());
        }
    }

    /** Writes the ConfigMap's keys as files, as the kubelet projects them (mode 0644), into a folder of their own. */
    private static Path configMapFiles(String name) {
        ConfigMap configMap = StrictManifests.all(rendered.objects(), ConfigMap.class).stream()
            .filter((candidate) -> candidate.getMetadata().getName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
        try {
            Path folder = Files.createDirectories(workDir.resolve("configmap-" + name));
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (Map.Entry<String, String> file : configMap.getData().entrySet()) {
                Path written = Files.writeString(folder.resolve(file.getKey()), file.getValue());
                Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return folder;
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** @return the longest a probe may fail before the kubelet gives up on the container */
    private static Duration budget(Probe probe) {
        return Duration.ofSeconds((long) probe.getPeriodSeconds() * probe.getFailureThreshold());
    }

    /** One probe as the kubelet asks it: an HTTP GET within its timeout, passing on a status from 200 to 399. */
    private static boolean passes(Probe probe) {
        if (!pod.isRunning()) {
            throw new IllegalStateException("the container exited: " + pod.getLogs());
        }
        URI uri = URI.create(base(containerPort(probe.getHttpGet().getPort())) + probe.getHttpGet().getPath());
        try {
            int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(probe.getTimeoutSeconds()))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 400;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return the container's port a probe or a Service names, by number or by the container port's name */
    private static int containerPort(IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return spec.getPorts().stream().filter((declared) -> port.getStrVal().equals(declared.getName()))
            .map(ContainerPort::getContainerPort).findFirst()
            .orElseThrow(() -> new AssertionError("the container has no port named " + port.getStrVal()));
    }

    private static String base(int containerPort) {
        return "http://" + pod.getHost() + ":" + pod.getMappedPort(containerPort);
    }

    private static ExecResult exec(String... command) throws IOException, InterruptedException {
        return pod.execInContainer(command);
    }

    /** @return the ConfigMap's application.yml as Spring Boot reads it, one property a key */
    private static EnumerablePropertySource<?> mountedConfiguration() throws IOException {
        List<PropertySource<?>> loaded = new YamlPropertySourceLoader().load("configmap",
                new ByteArrayResource(rendered.applicationYml().getBytes(StandardCharsets.UTF_8)));
        assertThat(loaded).singleElement().isInstanceOf(EnumerablePropertySource.class);
        return (EnumerablePropertySource<?>) loaded.get(0);
    }

    @Test
    void runsAsTheSecurityContextsUserWithOnlyTheEmptyDirWritable() throws Exception {
        SecurityContext security = spec.getSecurityContext();
        assertThat(exec("id", "-u").getStdout().trim()).isEqualTo(String.valueOf(security.getRunAsUser()));
        assertThat(exec("id", "-g").getStdout().trim()).isEqualTo(String.valueOf(security.getRunAsGroup()));
        assertThat(exec("touch", "/app/written").getExitCode()).as("the application folder").isNotZero();
        assertThat(exec("touch", "/written").getExitCode()).as("the root").isNotZero();
        for (VolumeMount mount : spec.getVolumeMounts()) {
            ExecResult touch = exec("touch", mount.getMountPath() + "/written");
            assertThat(touch.getExitCode()).as("%s, mounted read-only: %s", mount.getMountPath(), mount.getReadOnly())
                .isEqualTo(Boolean.TRUE.equals(mount.getReadOnly()) ? 1 : 0);
        }
        assertThat(pod.getContainerInfo().getHostConfig().getReadonlyRootfs()).isTrue();
        assertThat(pod.getContainerInfo().getHostConfig().getMemory())
            .isEqualTo(spec.getResources().getLimits().get("memory").getNumericalAmount().longValueExact());
    }

    @Test
    void thePreStopCommandRunsInTheImage() throws Exception {
        List<String> preStop = spec.getLifecycle().getPreStop().getExec().getCommand();
        ExecResult result = exec(preStop.toArray(String[]::new));
        assertThat(result.getExitCode()).as("%s: %s", preStop, result.getStderr()).isZero();
    }

    @Test
    void theModelPathsOfTheConfigMapExistInTheImage() throws Exception {
        EnumerablePropertySource<?> mounted = mountedConfiguration();
        String model = String.valueOf(mounted.getProperty("asr.model.path"));
        String vad = String.valueOf(mounted.getProperty("asr.segmentation.vad-model"));
        assertThat(exec("test", "-f", model + "/manifest.json").getExitCode()).as(model).isZero();
        assertThat(exec("test", "-f", vad).getExitCode()).as(vad).isZero();
    }

    @Test
    void theImagesEnvironmentOverridesNoPropertyOfTheConfigMap() throws Exception {
        // Spring Boot ranks environment variables above every configuration file, the mounted one included: a
        // variable the image sets (and the pod does not) would silently win over the chart's value.
        Set<String> podVariables = spec.getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
        Map<String, Object> imageOnly = new LinkedHashMap<>();
        for (String variable : pod.getContainerInfo().getConfig().getEnv()) {
            String name = variable.substring(0, variable.indexOf('='));
            if (!podVariables.contains(name)) {
                imageOnly.put(name, variable.substring(name.length() + 1));
            }
        }
        ConfigurationPropertySource image = ConfigurationPropertySource.from(
                new SystemEnvironmentPropertySource("image", imageOnly));
        List<String> shadowed = new ArrayList<>();
        for (String property : mountedConfiguration().getPropertyNames()) {
            Optional.ofNullable(image.getConfigurationProperty(ConfigurationPropertyName.of(property)))
                .ifPresent((found) -> shadowed.add(property + " (" + found.getOrigin() + ")"));
        }
        assertThat(shadowed).as("the ConfigMap's properties that the image's environment overrides").isEmpty();
    }

    @Test
    void theHeapIsTheChartsShareOfTheMemoryLimit() throws Exception {
        String options = rendered.literalEnvironment().get("JAVA_TOOL_OPTIONS");
        assertThat(options).contains("-XX:MaxRAMPercentage=");
        double percent = Double.parseDouble(options.replaceAll(".*-XX:MaxRAMPercentage=([0-9.]+).*", "$1"));
        long limit = spec.getResources().getLimits().get("memory").getNumericalAmount().longValueExact();
        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(URI.create(base(spec.getPorts().get(0)
            .getContainerPort()) + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        // The largest heap pool's maximum is the heap's (G1's old generation may take all of it).
        double heap = scrape.body().lines()
            .filter((line) -> line.startsWith("jvm_memory_max_bytes{") && line.contains("area=\"heap\""))
            .mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .max().orElseThrow();
        assertThat(heap / limit * 100).as("the heap's maximum in percent of the memory limit, %s", options)
            .isBetween(percent - 5, percent);
    }

    @Test
    void transcribesACommittedClipThroughTheMappedPort() throws Exception {
        String expected = Files.readAllLines(CLIPS.resolve("transcripts.tsv")).stream()
            .filter((line) -> line.startsWith(CLIP + "\t")).map((line) -> line.substring(CLIP.length() + 1))
            .findFirst().orElseThrow();
        URI uri = URI.create(base(spec.getPorts().get(0).getContainerPort()) + "/v1/recognize");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri)
            .header("Content-Type", "audio/wav")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(CLIPS.resolve(CLIP))))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("text").asText()).isEqualTo(expected);
    }

    @Test
    void prometheusScrapesThePodAsTheServiceMonitorSays() throws Exception {
        Optional<Path> binary = Executables.find("prometheus");
        Assumptions.assumeTrue(binary.isPresent(), "No prometheus on the PATH (Debian's prometheus package)");
        ServiceMonitor monitor = StrictManifests.only(rendered.objects(), ServiceMonitor.class);
        Service service = StrictManifests.only(rendered.objects(), Service.class);
        assertThat(service.getSpec().getSelector())
            .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
        Endpoint endpoint = monitor.getSpec().getEndpoints().get(0);
        // The endpoint names a port of the Service, whose target is a port of the container, by name or number.
        ServicePort servicePort = service.getSpec().getPorts().stream()
            .filter((port) -> endpoint.getPort().equals(port.getName())).findFirst()
            .orElseThrow(() -> new AssertionError("the Service has no port named " + endpoint.getPort()));
        int port = containerPort(servicePort.getTargetPort());
        String job = service.getMetadata().getName();
        String configuration = """
                scrape_configs:
                  - job_name: %s
                    scrape_interval: %s
                    scrape_timeout: %s
                    metrics_path: %s
                    static_configs:
                      - targets: ["%s:%d"]
                """.formatted(job, endpoint.getInterval(), endpoint.getScrapeTimeout(), endpoint.getPath(),
                pod.getHost(), pod.getMappedPort(port));
        Path directory = Files.createDirectories(workDir.resolve("prometheus"));
        try (PrometheusServer prometheus = PrometheusServer.start(binary.get(), directory, configuration)) {
            // The first scrape comes within one interval of the start; allow three.
            Duration deadline = Duration.parse("PT" + endpoint.getInterval().toUpperCase()).multipliedBy(3);
            await("up == 1").atMost(deadline).pollInterval(Duration.ofSeconds(1))
                .until(() -> prometheus.value("up{job=\"" + job + "\"}") == 1);
            Optional<JsonNode> series = prometheus.query("count({__name__=~\"asr_.+\", job=\"" + job + "\"})");
            assertThat(series).as(prometheus.log()).isPresent();
            assertThat(series.get().path(0).path("value").path(1).asDouble()).as("asr_* series").isPositive();
        }
    }

}
