package io.gearbox.asr.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.gearbox.asr.server.TlsListener;
import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.NodeScripts;
import io.gearbox.asr.support.SelfSignedCertificate;
import io.gearbox.asr.support.TestAudio;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI surface as OpenAI's official Node client uses it ({@code src/test/node}, run by {@link NodeScripts}),
 * against the shipped model on a random port with the TLS listener on as well: streamed transcriptions
 * ({@code stream=true}) of a committed clip and of a long recording cut into spans, {@code models.retrieve}, and the
 * same stream over TLS trusting a certificate made for the test. The event-stream body itself, and the TLS port's
 * routes (HTTP and WebSocket), are also checked without Node.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.model.path=" + ShippedModelEndToEndTests.MODEL, "asr.limits.max-audio-duration=90s",
            "asr.tls.port=0", "asr.tls.bundle=" + OpenAiClientEndToEndTests.BUNDLE })
@ActiveProfiles("e2e")
class OpenAiClientEndToEndTests {

    static final String BUNDLE = "e2e-tls";

    private static final Path CLIP = ShippedModelEndToEndTests.CLIPS.resolve("synth-synth0090.wav");

    /** Six committed sentences with pauses between them: over the 10 s past which a recording is cut. */
    private static final int SENTENCES = 6;

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Path directory;

    private static SelfSignedCertificate certificate;

    @LocalServerPort
    private int port;

    @Autowired
    private TlsListener tls;

    @DynamicPropertySource
    static void tlsBundle(DynamicPropertyRegistry registry) {
        registry.add("spring.ssl.bundle.jks." + BUNDLE + ".keystore.location",
                () -> certificate().keyStore().toUri().toString());
        registry.add("spring.ssl.bundle.jks." + BUNDLE + ".keystore.password", () -> SelfSignedCertificate.PASSWORD);
        registry.add("spring.ssl.bundle.jks." + BUNDLE + ".keystore.type", () -> "PKCS12");
    }

    @BeforeAll
    static void shippedModelIsThere() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(ShippedModelEndToEndTests.MODEL, "manifest.json")),
                "no shipped model yet");
    }

    @AfterAll
    static void deleteTheFiles() throws IOException {
        if (directory != null) {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
    }

    private static synchronized SelfSignedCertificate certificate() {
        if (certificate == null) {
            certificate = SelfSignedCertificate.create(directory());
        }
        return certificate;
    }

    private static synchronized Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("openai-client-e2e");
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return directory;
    }

    @Test
    void theOfficialClientStreamsAClipsTranscriptEndingWithTheUnstreamedAnswer() {
        List<JsonNode> events = stream(plainBaseUrl(), CLIP, Map.of());

        assertDeltasThenDone(events, answer(CLIP));
        assertThat(deltas(events)).hasSize(1);
    }

    @Test
    void theOfficialClientStreamsALongRecordingSpanBySpan() {
        Path recording = longRecording();

        List<JsonNode> events = stream(plainBaseUrl(), recording, Map.of());

        assertDeltasThenDone(events, answer(recording));
        assertThat(deltas(events)).hasSizeGreaterThan(1);
    }

    @Test
    void theOfficialClientRetrievesTheModelAndRaisesNotFoundForAnUnknownOne() {
        NodeScripts.Result result = NodeScripts.run("models.mjs", Map.of("OPENAI_BASE_URL", plainBaseUrl(),
                "OPENAI_API_KEY", "unused", "MODEL", "gearbox-en", "UNKNOWN_MODEL", "whisper-1"), SCRIPT_TIMEOUT);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<JsonNode> lines = result.jsonLines();
        assertThat(lines).hasSize(2);
        JsonNode model = lines.get(0).get("model");
        assertThat(model.get("id").asText()).isEqualTo("gearbox-en");
        assertThat(model.get("object").asText()).isEqualTo("model");
        assertThat(model.get("owned_by").asText()).isEqualTo("gearbox");
        assertThat(model.has("created")).isTrue();
        JsonNode error = lines.get(1).get("error");
        assertThat(error.get("class").asText()).isEqualTo("NotFoundError");
        assertThat(error.get("notFound").asBoolean()).isTrue();
        assertThat(error.get("status").asInt()).isEqualTo(404);
    }

    @Test
    void theOfficialClientStreamsOverTheTlsListenerTrustingTheTestsCertificate() {
        List<JsonNode> events = stream("https://localhost:" + this.tls.port() + "/v1", CLIP,
                Map.of("NODE_EXTRA_CA_CERTS", certificate().certificate().toString()));

        assertDeltasThenDone(events, answer(CLIP));
    }

    @Test
    void theTlsListenerServesTheSameRoutesWhileThePlainPortStays() throws IOException {
        Http11SslContextSpec trusting = Http11SslContextSpec.forClient()
            .configure((builder) -> builder.trustManager(certificate().certificate().toFile()));
        WebTestClient overTls = WebTestClient
            .bindToServer(new ReactorClientHttpConnector(HttpClient.create().secure((spec) -> spec
                .sslContext(trusting))))
            .baseUrl("https://localhost:" + this.tls.port())
            .responseTimeout(Duration.ofSeconds(60))
            .build();

        assertThat(this.tls.port()).isPositive().isNotEqualTo(this.port);
        overTls.get().uri("/v1/models/gearbox-en").exchange()
            .expectStatus().isOk()
            .expectBody().jsonPath("$.id").isEqualTo("gearbox-en").jsonPath("$.object").isEqualTo("model");
        overTls.get().uri("/v1/models/whisper-1").exchange()
            .expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("model_not_found");
        String overTlsText = overTls.post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(form(CLIP).build()))
            .exchange()
            .expectStatus().isOk()
            .expectBody(JsonNode.class).returnResult().getResponseBody().get("text").asText();
        assertThat(overTlsText).isEqualTo(answer(CLIP));
        plain().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        // a client that does not trust the certificate is refused
        WebTestClient untrusting = WebTestClient
            .bindToServer(new ReactorClientHttpConnector(HttpClient.create().secure((spec) -> spec
                .sslContext(Http11SslContextSpec.forClient()))))
            .baseUrl("https://localhost:" + this.tls.port())
            .build();
        org.assertj.core.api.Assertions.assertThatException()
            .isThrownBy(() -> untrusting.get().uri("/v1/models").exchange());
    }

    @Test
    void theTlsListenerServesWebSocketRoutes() {
        Http11SslContextSpec trusting = Http11SslContextSpec.forClient()
            .configure((builder) -> builder.trustManager(certificate().certificate().toFile()));
        ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(
                HttpClient.create().secure((spec) -> spec.sslContext(trusting)));
        AtomicReference<String> answer = new AtomicReference<>();

        client.execute(URI.create("wss://localhost:" + this.tls.port() + EchoRoute.PATH),
                (session) -> session.send(Mono.just(session.textMessage("hello")))
                    .thenMany(session.receive().take(1).map(WebSocketMessage::getPayloadAsText))
                    .doOnNext(answer::set)
                    .then())
            .block(Duration.ofSeconds(30));

        assertThat(answer.get()).isEqualTo("echo: hello");
    }

    @Test
    void theEventStreamBodyHasADeltaThenDoneAndAnUndecodableUploadIsAProblem() throws IOException {
        MultipartBodyBuilder form = form(CLIP);
        form.part("stream", "true");
        String body = plain().post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(form.build()))
            .exchange()
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
            .expectBody(String.class).returnResult().getResponseBody();
        List<JsonNode> events = new ArrayList<>();
        for (String block : body.strip().split("\n\n")) {
            assertThat(block).startsWith("data:");
            events.add(JSON.readTree(block.substring("data:".length())));
        }
        assertDeltasThenDone(events, answer(CLIP));

        MultipartBodyBuilder junk = new MultipartBodyBuilder();
        junk.part("file", new org.springframework.core.io.ByteArrayResource(new byte[] { 'R', 'I', 'F', 'F', 1, 2 }) {

            @Override
            public String getFilename() {
                return "junk.wav";
            }

        }).contentType(MediaType.parseMediaType("audio/wav"));
        junk.part("stream", "true");
        plain().post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(junk.build()))
            .exchange()
            .expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("invalid_audio");
    }

    /**
     * A WebSocket route of the test's own (the service's WebSocket endpoints are served by the same handler), to show
     * that the TLS listener upgrades connections as the plain port does.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class EchoRoute {

        static final String PATH = "/test/echo";

        @Bean
        SimpleUrlHandlerMapping echoMapping() {
            WebSocketHandler echo = (session) -> session.send(session.receive()
                .map((message) -> session.textMessage("echo: " + message.getPayloadAsText())));
            return new SimpleUrlHandlerMapping(Map.of(PATH, echo), -1);
        }

    }

    /** Deltas first, then one done event last whose text is the deltas joined and the unstreamed answer. */
    private static void assertDeltasThenDone(List<JsonNode> events, String answer) {
        assertThat(events).isNotEmpty();
        List<JsonNode> deltas = deltas(events);
        assertThat(deltas).isNotEmpty();
        assertThat(events.subList(0, events.size() - 1)).isEqualTo(deltas);
        JsonNode done = events.get(events.size() - 1);
        assertThat(done.get("type").asText()).isEqualTo("transcript.text.done");
        assertThat(done.get("text").asText()).isEqualTo(answer).isNotBlank();
        StringBuilder joined = new StringBuilder();
        deltas.forEach((delta) -> joined.append(delta.get("delta").asText()));
        assertThat(joined.toString()).isEqualTo(answer);
    }

    private static List<JsonNode> deltas(List<JsonNode> events) {
        return events.stream().filter((event) -> "transcript.text.delta".equals(event.get("type").asText())).toList();
    }

    /** Runs the streaming script on {@code file}; every line it prints must be an event. */
    private static List<JsonNode> stream(String baseUrl, Path file, Map<String, String> extra) {
        Map<String, String> environment = new java.util.HashMap<>(extra);
        environment.put("OPENAI_BASE_URL", baseUrl);
        environment.put("OPENAI_API_KEY", "unused");
        environment.put("AUDIO_FILE", file.toAbsolutePath().toString());
        NodeScripts.Result result = NodeScripts.run("transcribe-stream.mjs", environment, SCRIPT_TIMEOUT);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.jsonLines().stream().map((line) -> {
            assertThat(line.has("event")).as(result.toString()).isTrue();
            return line.get("event");
        }).toList();
    }

    /** The unstreamed JSON answer's text for the same file, over the plain port. */
    private String answer(Path file) {
        return plain().post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(form(file).build()))
            .exchange()
            .expectStatus().isOk()
            .expectBody(JsonNode.class).returnResult().getResponseBody().get("text").asText();
    }

    private static MultipartBodyBuilder form(Path file) {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new FileSystemResource(file)).contentType(MediaType.parseMediaType("audio/wav"));
        form.part("model", "gearbox-en");
        return form;
    }

    private WebTestClient plain() {
        return WebTestClient.bindToServer()
            .baseUrl("http://localhost:" + this.port)
            .responseTimeout(Duration.ofSeconds(120))
            .build();
    }

    private String plainBaseUrl() {
        return "http://localhost:" + this.port + "/v1";
    }

    /** The first committed sentences joined with pauses, written as 16 kHz WAV. */
    private static Path longRecording() {
        JoinedSpeech joined = new JoinedSpeech().silence(0.5);
        for (String name : JoinedSpeech.sentences().subList(0, SENTENCES)) {
            joined.speech(JoinedSpeech.trimmedSentence(name)).silence(0.9);
        }
        float[] samples = joined.samples();
        assertThat(samples.length / (double) JoinedSpeech.SAMPLE_RATE).isGreaterThan(12);
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            pcm[i] = (short) Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767);
        }
        Path file = directory().resolve("long.wav");
        try {
            Files.write(file, TestAudio.wav(pcm, JoinedSpeech.SAMPLE_RATE));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return file;
    }

}
