package io.gearbox.asr.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.audio.Resampler;
import io.gearbox.asr.server.TlsListener;
import io.gearbox.asr.streaming.RecognitionStream;
import io.gearbox.asr.streaming.StreamOptions;
import io.gearbox.asr.streaming.StreamingRecognizer;
import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.NodeScripts;
import io.gearbox.asr.support.SelfSignedCertificate;
import io.gearbox.asr.support.StreamClient;
import io.gearbox.asr.support.StreamClient.Message;
import io.gearbox.asr.support.TestAudio;
import io.gearbox.asr.support.WordErrors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/realtime?intent=transcription} with the shipped model: OpenAI's official {@code OpenAIRealtimeWS}
 * client ({@code src/test/node/realtime.mjs}, over the TLS listener, which it insists on) transcribes a committed
 * clip sent at 24 kHz, once with server VAD and once committing the buffer itself, each transcript within two words
 * of the REST answer for the same clip; bad events over the plain port (Reactor Netty's client) are answered with
 * error events while the session goes on, and limits end it with an error event and their close code.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.model.path=" + ShippedModelEndToEndTests.MODEL, "asr.tls.port=0",
            "asr.tls.bundle=" + RealtimeEndToEndTests.BUNDLE, "asr.stream.max-frame=64KB",
            "asr.stream.max-sessions=4" })
@ActiveProfiles("e2e")
class RealtimeEndToEndTests {

    static final String BUNDLE = "realtime-e2e-tls";

    private static final Path CLIP = ShippedModelEndToEndTests.CLIPS.resolve("synth-synth0090.wav");

    private static final int RATE = 24_000;

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Path directory;

    private static SelfSignedCertificate certificate;

    @LocalServerPort
    private int port;

    @Autowired
    private TlsListener tls;

    @Autowired
    private StreamingRecognizer streams;

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

    @Test
    void theOfficialClientGetsAnItemPerUtteranceWithServerVad() {
        List<JsonNode> events = realtime("server_vad");

        assertSessionCreatedFirst(events);
        JsonNode updated = first(events, "session.updated");
        assertThat(updated.at("/session/audio/input/format/rate").asInt()).isEqualTo(RATE);
        assertThat(updated.at("/session/audio/input/turn_detection/type").asText()).isEqualTo("server_vad");
        assertThat(updated.at("/session/audio/input/turn_detection/silence_duration_ms").asInt()).isEqualTo(1000);
        int started = index(events, "input_audio_buffer.speech_started");
        int stopped = index(events, "input_audio_buffer.speech_stopped");
        int committed = index(events, "input_audio_buffer.committed");
        int completed = index(events, "conversation.item.input_audio_transcription.completed");
        assertThat(started).isPositive().isLessThan(stopped);
        assertThat(stopped).isLessThan(committed);
        assertThat(committed).isLessThan(completed);
        String item = events.get(completed).get("item_id").asText();
        assertThat(item).startsWith("item_");
        assertThat(List.of(events.get(started), events.get(stopped), events.get(committed)))
            .allSatisfy((event) -> assertThat(event.get("item_id").asText()).isEqualTo(item));
        assertThat(events.get(committed).get("previous_item_id").isNull()).isTrue();
        long startMs = events.get(started).get("audio_start_ms").asLong();
        long endMs = events.get(stopped).get("audio_end_ms").asLong();
        assertThat(startMs).isGreaterThanOrEqualTo(0).isLessThan(endMs);
        assertThat(endMs).isLessThanOrEqualTo(Math.round(clipSeconds() * 1000) + 1500);
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            if ("conversation.item.input_audio_transcription.delta".equals(event.get("type").asText())) {
                assertThat(i).isGreaterThan(started).isLessThan(completed);
                assertThat(event.get("item_id").asText()).isEqualTo(item);
                assertThat(event.get("content_index").asInt()).isZero();
                assertThat(event.get("delta").asText()).isNotEmpty();
            }
        }
        assertCompletedMatchesTheRestAnswer(events.get(completed));
        assertUniqueEventIds(events);
    }

    @Test
    void theOfficialClientCommitsTheBufferItselfWithTurnDetectionOff() {
        List<JsonNode> events = realtime("none");

        assertSessionCreatedFirst(events);
        assertThat(first(events, "session.updated").at("/session/audio/input/turn_detection").isNull()).isTrue();
        assertThat(events).noneSatisfy((event) -> assertThat(event.get("type").asText())
            .startsWith("input_audio_buffer.speech_"));
        int committed = index(events, "input_audio_buffer.committed");
        int completed = index(events, "conversation.item.input_audio_transcription.completed");
        assertThat(committed).isPositive().isLessThan(completed);
        assertThat(events.get(committed).get("item_id").asText())
            .isEqualTo(events.get(completed).get("item_id").asText());
        assertCompletedMatchesTheRestAnswer(events.get(completed));
        assertUniqueEventIds(events);
    }

    @Test
    void twoUtterancesAt16kHzAreTwoItemsInOrder() {
        float[] audio = new JoinedSpeech().silence(0.3)
            .speech(JoinedSpeech.trimmedSentence("synth-synth0286.flac"))
            .silence(1.6)
            .speech(JoinedSpeech.trimmedSentence("synth-synth0238.flac"))
            .silence(1.6)
            .samples();
        List<Message> script = new ArrayList<>();
        script.add(Message.text(update("{\"type\":\"audio/pcm\",\"rate\":16000}", "{\"type\":\"server_vad\"}")));
        script.addAll(appends(audio, 16_000));

        List<JsonNode> events = events(StreamClient.converse(uri("?intent=transcription"), script,
                (texts) -> count(texts, "\"conversation.item.input_audio_transcription.completed\"") == 2, TIMEOUT));

        List<JsonNode> started = ofType(events, "input_audio_buffer.speech_started");
        List<JsonNode> committed = ofType(events, "input_audio_buffer.committed");
        List<JsonNode> completed = ofType(events, "conversation.item.input_audio_transcription.completed");
        assertThat(started).as("%s", events).hasSize(2);
        assertThat(committed).hasSize(2);
        assertThat(completed).extracting((event) -> event.get("item_id").asText())
            .containsExactly(started.get(0).get("item_id").asText(), started.get(1).get("item_id").asText())
            .doesNotHaveDuplicates();
        assertThat(committed.get(0).get("previous_item_id").isNull()).isTrue();
        assertThat(committed.get(1).get("previous_item_id").asText())
            .isEqualTo(committed.get(0).get("item_id").asText());
        long firstEnd = ofType(events, "input_audio_buffer.speech_stopped").get(0).get("audio_end_ms").asLong();
        assertThat(started.get(1).get("audio_start_ms").asLong()).isGreaterThan(firstEnd);
        assertThat(completed).allSatisfy((event) -> assertThat(event.get("transcript").asText()).isNotBlank());
        assertUniqueEventIds(events);
    }

    @Test
    void aClearDropsTheUncommittedAudioAndACommitAfterItDecodesOnlyWhatFollows() {
        float[] sentence = new JoinedSpeech().silence(0.2)
            .speech(JoinedSpeech.trimmedSentence("synth-synth0286.flac"))
            .silence(0.3)
            .samples();
        List<Message> script = new ArrayList<>();
        script.add(Message.text(update("{\"type\":\"audio/pcm\",\"rate\":16000}", "null")));
        script.addAll(appends(JoinedSpeech.trimmedSentence("synth-synth0238.flac"), 16_000));
        script.add(Message.text("{\"type\":\"input_audio_buffer.clear\"}"));
        script.add(Message.text("{\"type\":\"input_audio_buffer.commit\",\"event_id\":\"evt_empty\"}"));
        script.addAll(appends(sentence, 16_000));
        script.add(Message.text("{\"type\":\"input_audio_buffer.commit\"}"));

        List<JsonNode> events = events(StreamClient.converse(uri(""), script,
                (texts) -> count(texts, "\"conversation.item.input_audio_transcription.completed\"") == 1, TIMEOUT));

        int cleared = index(events, "input_audio_buffer.cleared");
        int error = index(events, "error");
        int committed = index(events, "input_audio_buffer.committed");
        int completed = index(events, "conversation.item.input_audio_transcription.completed");
        assertThat(cleared).isLessThan(error);
        assertThat(error).isLessThan(committed);
        assertThat(committed).isLessThan(completed);
        assertThat(events.get(error).at("/error/code").asText()).isEqualTo("input_audio_buffer_commit_empty");
        assertThat(events.get(error).at("/error/event_id").asText()).isEqualTo("evt_empty");
        String transcript = events.get(completed).get("transcript").asText();
        String rest = answer(sentence);
        assertThat(WordErrors.distance(WordErrors.words(rest), WordErrors.words(transcript)))
            .as("completed '%s' against REST '%s'", transcript, rest)
            .isLessThanOrEqualTo(2);
    }

    @Test
    void badEventsAreAnsweredWithErrorEventsAndTheSessionGoesOn() {
        List<Message> script = List.of(Message.text("sample_rate=24000"), Message.text("{\"type\":\"hello\"}"),
                Message.text("{\"type\":\"input_audio_buffer.append\",\"event_id\":\"evt_b64\",\"audio\":\"**\"}"),
                Message.text(update("{\"type\":\"audio/pcmu\"}", "{\"type\":\"server_vad\"}")),
                Message.text(update("{\"type\":\"audio/pcm\",\"rate\":44100}", "{\"type\":\"server_vad\"}")),
                Message.text(update("{\"type\":\"audio/pcm\",\"rate\":24000}", "{\"type\":\"semantic_vad\"}")),
                Message.text("{\"type\":\"response.create\"}"), Message.binary(new byte[480]),
                Message.text("{\"type\":\"input_audio_buffer.commit\"}"),
                Message.text(update("{\"type\":\"audio/pcm\",\"rate\":16000}", "null")));

        StreamClient.Transcript transcript = StreamClient.converse(uri("?intent=transcription&model=gearbox-en"),
                script, (texts) -> texts.stream().anyMatch((text) -> text.contains("\"session.updated\"")), TIMEOUT);

        List<JsonNode> events = events(transcript);
        assertThat(transcript.close()).as("the service closed: %s", events).isNull();
        assertSessionCreatedFirst(events);
        List<JsonNode> errors = ofType(events, "error");
        assertThat(errors).extracting((error) -> error.at("/error/code").asText())
            .containsExactly("invalid_json", "unknown_event_type", "invalid_audio", "unsupported_audio_format",
                    "unsupported_audio_format", "unsupported_turn_detection", "unsupported_event",
                    "binary_not_supported", "input_audio_buffer_commit_empty");
        assertThat(errors).allSatisfy((error) -> {
            assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.at("/error/message").asText()).isNotBlank();
        });
        assertThat(errors.get(2).at("/error/event_id").asText()).isEqualTo("evt_b64");
        JsonNode updated = events.get(events.size() - 1);
        assertThat(updated.get("type").asText()).isEqualTo("session.updated");
        assertThat(updated.at("/session/audio/input/format/rate").asInt()).isEqualTo(16_000);
        assertThat(updated.at("/session/audio/input/turn_detection").isNull()).isTrue();
        assertUniqueEventIds(events);
    }

    @Test
    void aFrameOverTheLimitIsAnErrorEventThenAPolicyClose() {
        String audio = Base64.getEncoder().encodeToString(new byte[72 * 1024]);
        StreamClient.Transcript transcript = StreamClient.run(uri(""),
                List.of(Message.text("{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + audio + "\"}")),
                Duration.ZERO, TIMEOUT);

        assertLastErrorThenClose(transcript, "frame_too_large", 1008);
    }

    @Test
    void anIntentOtherThanTranscriptionIsRefused() {
        StreamClient.Transcript transcript = StreamClient.run(uri("?intent=conversation"), List.of(), Duration.ZERO,
                TIMEOUT);

        assertLastErrorThenClose(transcript, "unsupported_intent", 1003);
        assertThat(events(transcript)).singleElement();
    }

    @Test
    void sessionsBeyondTheMostAllowedAreToldToTryAgainLater() {
        List<RecognitionStream> held = new ArrayList<>();
        try {
            while (this.streams.openStreams() < this.streams.settings().maxSessions()) {
                held.add(this.streams.open(new StreamOptions(null, true, this.streams.settings().endpoints())));
            }
            StreamClient.Transcript refused = StreamClient.run(uri(""), List.of(), Duration.ZERO, TIMEOUT);
            assertLastErrorThenClose(refused, "too_many_streams", 1013);
            assertThat(events(refused).get(0).at("/error/type").asText()).isEqualTo("server_error");
        }
        finally {
            held.forEach(RecognitionStream::close);
        }
        StreamClient.Transcript taken = StreamClient.converse(uri(""), List.of(),
                (texts) -> !texts.isEmpty(), TIMEOUT);
        assertSessionCreatedFirst(events(taken));
    }

    /** The audio as 100 ms {@code input_audio_buffer.append} events at {@code rate}. */
    private static List<Message> appends(float[] samples, int rate) {
        byte[] pcm = StreamClient.pcm16(samples);
        int chunk = rate / 10 * 2;
        List<Message> messages = new ArrayList<>();
        for (int from = 0; from < pcm.length; from += chunk) {
            byte[] bytes = Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + chunk));
            messages.add(Message.text("{\"type\":\"input_audio_buffer.append\",\"audio\":\""
                    + Base64.getEncoder().encodeToString(bytes) + "\"}"));
        }
        return messages;
    }

    private static long count(List<String> texts, String fragment) {
        return texts.stream().filter((text) -> text.contains(fragment)).count();
    }

    private static String update(String format, String turnDetection) {
        return "{\"type\":\"session.update\",\"session\":{\"type\":\"transcription\",\"audio\":{\"input\":{"
                + "\"format\":" + format + ",\"turn_detection\":" + turnDetection + "}}}}";
    }

    /** Runs {@code realtime.mjs} over the TLS listener on the clip at 24 kHz; every line but the last is an event. */
    private List<JsonNode> realtime(String turnDetection) {
        Map<String, String> environment = new HashMap<>();
        environment.put("OPENAI_BASE_URL", "https://localhost:" + this.tls.port() + "/v1");
        environment.put("OPENAI_API_KEY", "unused");
        environment.put("NODE_EXTRA_CA_CERTS", certificate().certificate().toString());
        environment.put("PCM_FILE", clipAt24kHz().toAbsolutePath().toString());
        environment.put("RATE", Integer.toString(RATE));
        environment.put("TURN_DETECTION", turnDetection);
        NodeScripts.Result result = NodeScripts.run("realtime.mjs", environment, SCRIPT_TIMEOUT);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<JsonNode> lines = result.jsonLines();
        assertThat(lines.get(lines.size() - 1).path("done").asBoolean()).as(result.toString()).isTrue();
        return lines.subList(0, lines.size() - 1).stream().map((line) -> {
            assertThat(line.has("event")).as(result.toString()).isTrue();
            return line.get("event");
        }).toList();
    }

    private void assertCompletedMatchesTheRestAnswer(JsonNode completed) {
        String rest = answer(CLIP);
        String transcript = completed.get("transcript").asText();
        assertThat(transcript).isNotBlank();
        assertThat(completed.get("content_index").asInt()).isZero();
        assertThat(WordErrors.distance(WordErrors.words(rest), WordErrors.words(transcript)))
            .as("completed '%s' against REST '%s'", transcript, rest)
            .isLessThanOrEqualTo(2);
    }

    private static void assertSessionCreatedFirst(List<JsonNode> events) {
        assertThat(events).isNotEmpty();
        JsonNode created = events.get(0);
        assertThat(created.get("type").asText()).isEqualTo("session.created");
        JsonNode session = created.get("session");
        assertThat(session.get("type").asText()).isEqualTo("transcription");
        assertThat(session.get("id").asText()).startsWith("sess_");
        assertThat(session.at("/audio/input/format/type").asText()).isEqualTo("audio/pcm");
        assertThat(session.at("/audio/input/format/rate").asInt()).isEqualTo(RATE);
        assertThat(session.at("/audio/input/turn_detection/type").asText()).isEqualTo("server_vad");
        assertThat(session.at("/audio/input/turn_detection/silence_duration_ms").asInt()).isEqualTo(1200);
    }

    private static void assertUniqueEventIds(List<JsonNode> events) {
        Set<String> ids = new HashSet<>();
        assertThat(events).allSatisfy((event) -> assertThat(ids.add(event.get("event_id").asText()))
            .as("event_id %s once", event.get("event_id"))
            .isTrue());
    }

    private static void assertLastErrorThenClose(StreamClient.Transcript transcript, String code, int close) {
        List<JsonNode> events = events(transcript);
        assertThat(events).as("events").isNotEmpty();
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("type").asText()).as("%s", events).isEqualTo("error");
        assertThat(last.at("/error/code").asText()).isEqualTo(code);
        assertThat(last.at("/error/message").asText()).isNotBlank();
        assertThat(transcript.closeCode()).isEqualTo(close);
    }

    private static List<JsonNode> events(StreamClient.Transcript transcript) {
        return transcript.messages().stream().map((message) -> JSON.readTree(message.text())).toList();
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter((event) -> type.equals(event.get("type").asText())).toList();
    }

    private static JsonNode first(List<JsonNode> events, String type) {
        return events.get(index(events, type));
    }

    private static int index(List<JsonNode> events, String type) {
        Predicate<JsonNode> ofType = (event) -> type.equals(event.get("type").asText());
        for (int i = 0; i < events.size(); i++) {
            if (ofType.test(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " in " + events);
    }

    /** The unstreamed JSON answer's text for the same 16 kHz audio. */
    private String answer(float[] samples) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767f)));
        }
        Path file = directory().resolve("sentence-" + System.nanoTime() + ".wav");
        try {
            Files.write(file, TestAudio.wav(pcm, 16_000));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return answer(file);
    }

    /** The unstreamed JSON answer's text for the same file, over the plain port. */
    private String answer(Path file) {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new FileSystemResource(file)).contentType(MediaType.parseMediaType("audio/wav"));
        form.part("model", "gearbox-en");
        return WebTestClient.bindToServer()
            .baseUrl("http://localhost:" + this.port)
            .responseTimeout(Duration.ofSeconds(120))
            .build()
            .post()
            .uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(form.build()))
            .exchange()
            .expectStatus().isOk()
            .expectBody(JsonNode.class).returnResult().getResponseBody().get("text").asText();
    }

    private URI uri(String query) {
        return URI.create("ws://localhost:" + this.port + "/v1/realtime" + query);
    }

    private static float[] clipSamples() {
        try {
            return new AudioLoader(16_000, Duration.ofMinutes(1)).load(Files.readAllBytes(CLIP), "audio/wav")
                .samples();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static double clipSeconds() {
        return clipSamples().length / 16_000.0;
    }

    /** The clip resampled to 24 kHz, as raw 16-bit little-endian PCM. */
    private static synchronized Path clipAt24kHz() {
        Path file = directory().resolve("clip-24k.pcm");
        if (!Files.exists(file)) {
            try {
                Files.write(file, StreamClient.pcm16(Resampler.resample(clipSamples(), 16_000, RATE)));
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return file;
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
                directory = Files.createTempDirectory("realtime-e2e");
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return directory;
    }

}
