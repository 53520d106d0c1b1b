package io.gearbox.asr.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.audio.Resampler;
import io.gearbox.asr.streaming.RecognitionStream;
import io.gearbox.asr.streaming.StreamOptions;
import io.gearbox.asr.streaming.StreamingRecognizer;
import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.StreamClient;
import io.gearbox.asr.support.StreamClient.Message;
import io.gearbox.asr.support.TestAudio;
import io.gearbox.asr.support.WordErrors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/stream} through the real HTTP and WebSocket stack with the shipped model: committed sentences sent in
 * 100 ms chunks get interim results, then a final per utterance that matches the REST answer for the same audio;
 * every malformed stream gets its error message and close code; the service stays healthy.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.model.path=" + ShippedModelEndToEndTests.MODEL, "asr.stream.max-frame=64KB",
                "asr.stream.idle-timeout=2s", "asr.stream.max-sessions=4", "asr.stream.max-duration=60s",
                "asr.stream.max-buffered-audio=5m" })
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class StreamingEndToEndTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final int CHUNK = 3200; // 100 ms of 16 kHz pcm_s16le

    private static final String CONFIG = "{\"type\":\"config\",\"sample_rate\":16000,\"encoding\":\"pcm_s16le\","
            + "\"interim_results\":true,\"depth\":\"auto\"}";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private WebTestClient client;

    @Autowired
    private StreamingRecognizer streams;

    @Test
    void aSentenceGetsInterimResultsBeforeItsFinal() {
        float[] sentence = JoinedSpeech.trimmedSentence("synth-synth0231.flac");
        float[] audio = new JoinedSpeech().silence(0.5).speech(sentence).silence(0.5).samples();
        List<Map<String, Object>> messages = messages(stream(CONFIG, audio, true));
        List<Map<String, Object>> finals = ofType(messages, "final");
        assertThat(finals).hasSize(1);
        int firstFinal = messages.indexOf(finals.get(0));
        assertThat(ofType(messages.subList(0, firstFinal), "partial")).isNotEmpty()
            .allSatisfy((partial) -> assertThat(partial.get("segment")).isEqualTo(0));
        Map<String, Object> last = finals.get(0);
        assertThat(last).containsKeys("segment", "text", "start", "end", "words", "depth");
        assertThat(last.get("segment")).isEqualTo(0);
        assertThat(last.get("depth")).isEqualTo(this.streams.depths().get(this.streams.depths().size() - 1));
        assertThat(((Number) last.get("start")).doubleValue()).isBetween(0.2, 0.6);
        assertThat((List<?>) last.get("words")).isNotEmpty();
    }

    @Test
    void eachCommittedClipsFinalMatchesTheRestAnswerWithinTwoWords() throws IOException {
        for (Path clip : committedSentences()) {
            float[] samples = new AudioLoader(16_000, Duration.ofMinutes(1)).load(Files.readAllBytes(clip),
                    "audio/wav").samples();
            float[] audio = new JoinedSpeech().silence(0.3).speech(samples).silence(0.3).samples();
            List<Map<String, Object>> finals = ofType(messages(stream(CONFIG, audio, true)), "final");
            String rest = rest(audio);
            assertThat(finals).as(clip.toString()).singleElement().satisfies((last) -> assertThat(
                    WordErrors.distance(WordErrors.words(rest), WordErrors.words((String) last.get("text"))))
                .as("%s: final '%s' against REST '%s'", clip, last.get("text"), rest)
                .isLessThanOrEqualTo(2));
        }
    }

    @Test
    void interimResultsOnlyGrowAndNeverTakeAWordBack() {
        float[] audio = new JoinedSpeech().speech(JoinedSpeech.trimmedSentence("synth-synth0231.flac"))
            .silence(0.3)
            .samples();
        List<Map<String, Object>> partials = ofType(messages(stream(CONFIG, audio, true)), "partial");
        assertThat(partials).isNotEmpty();
        String previous = "";
        for (Map<String, Object> partial : partials) {
            String text = (String) partial.get("text");
            assertThat(text).startsWith(previous);
            previous = text;
        }
    }

    @Test
    void aPauseLongerThanTheEndpointEndsAnUtterance() {
        float[] audio = new JoinedSpeech().speech(JoinedSpeech.trimmedSentence("synth-synth0286.flac"))
            .silence(1.6)
            .speech(JoinedSpeech.trimmedSentence("synth-synth0238.flac"))
            .silence(0.3)
            .samples();
        List<Map<String, Object>> finals = ofType(messages(stream(CONFIG, audio, true)), "final");
        assertThat(finals).extracting((m) -> m.get("segment")).containsExactly(0, 1);
        assertThat(((Number) finals.get(1).get("start")).doubleValue())
            .isGreaterThan(((Number) finals.get(0).get("end")).doubleValue());
    }

    @Test
    void float32At48kHzIsResampledToTheModelsRate() {
        float[] sentence = JoinedSpeech.trimmedSentence("synth-synth0286.flac");
        float[] at48k = Resampler.resample(new JoinedSpeech().speech(sentence).silence(0.3).samples(), 16_000,
                48_000);
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(at48k.length * 4)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float sample : at48k) {
            bytes.putFloat(sample);
        }
        String config = "{\"type\":\"config\",\"sample_rate\":48000,\"encoding\":\"pcm_f32le\","
                + "\"interim_results\":false}";
        List<Message> script = new ArrayList<>();
        script.add(Message.text(config));
        script.addAll(StreamClient.chunks(bytes.array(), 19_200));
        script.add(Message.text("{\"type\":\"end\"}"));
        StreamClient.Transcript transcript = StreamClient.run(uri(), script, Duration.ZERO, TIMEOUT);
        List<Map<String, Object>> messages = messages(transcript);
        assertThat(ofType(messages, "partial")).isEmpty();
        assertThat(ofType(messages, "final")).singleElement()
            .satisfies((m) -> assertThat(WordErrors.distance(WordErrors.words("have been tied up himself"),
                    WordErrors.words((String) m.get("text")))).isLessThanOrEqualTo(2));
        assertThat(transcript.closeCode()).isEqualTo(1000);
    }

    @Test
    void silenceGivesNoResultsAndAnEndClosesNormally() {
        StreamClient.Transcript transcript = stream(CONFIG, new float[16_000 * 3], true);
        assertThat(transcript.messages()).isEmpty();
        assertThat(transcript.closeCode()).isEqualTo(1000);
    }

    @Test
    void audioBeforeTheConfigIsUnsupportedData() {
        assertError(List.of(Message.binary(new byte[CHUNK])), "config_expected", 1003);
    }

    @Test
    void aConfigThatIsNotJsonIsAnInvalidPayload() {
        assertError(List.of(Message.text("sample_rate=16000")), "invalid_json", 1007);
    }

    @Test
    void anInvalidConfigIsAnInvalidPayload() {
        assertError(List.of(Message.text("{\"type\":\"config\",\"sample_rate\":5}")), "invalid_config", 1007);
        assertError(List.of(Message.text("{\"type\":\"hello\"}")), "invalid_config", 1007);
        assertError(List.of(Message.text("{\"type\":\"config\",\"sampel_rate\":16000}")), "invalid_config", 1007);
        assertError(List.of(Message.text("{\"type\":\"config\",\"endpointing\":{\"max_segment\":600}}")),
                "invalid_config", 1007);
    }

    @Test
    void anEncodingTheServiceCannotTakeIsUnsupportedData() {
        assertError(List.of(Message.text("{\"type\":\"config\",\"encoding\":\"mulaw\"}")), "unsupported_encoding",
                1003);
    }

    @Test
    void aDepthTheModelLacksIsAnInvalidPayload() {
        assertError(List.of(Message.text("{\"type\":\"config\",\"depth\":7}")), "unknown_depth", 1007);
    }

    @Test
    void aMessageAfterTheConfigThatIsNotAudioOrEndIsAnInvalidPayload() {
        assertError(List.of(Message.text(CONFIG), Message.text("{\"type\":\"config\"}")), "unexpected_message",
                1007);
    }

    @Test
    void aFrameOverTheLimitIsAPolicyViolation() {
        assertError(List.of(Message.text(CONFIG), Message.binary(new byte[100 * 1024])), "frame_too_large", 1008);
    }

    @Test
    void aStreamThatSendsNothingIsClosedWhenIdle() {
        assertError(List.of(Message.text(CONFIG)), "idle_timeout", 1008);
    }

    @Test
    void aStreamLongerThanTheLimitIsAPolicyViolation() {
        List<Message> script = new ArrayList<>();
        script.add(Message.text(CONFIG));
        script.addAll(StreamClient.chunks(new byte[16_000 * 2 * 61], 32_000));
        assertError(script, "limit_exceeded", 1008);
    }

    @Test
    void streamsBeyondTheMostAllowedAreToldToTryAgainLater() {
        List<RecognitionStream> held = new ArrayList<>();
        try {
            while (this.streams.openStreams() < this.streams.settings().maxSessions()) {
                held.add(this.streams.open(new StreamOptions(null, true,
                        this.streams.settings().endpoints())));
            }
            assertError(List.of(Message.text(CONFIG)), "too_many_streams", 1013);
        }
        finally {
            held.forEach(RecognitionStream::close);
        }
        assertThat(stream(CONFIG, new float[1600], true).closeCode()).isEqualTo(1000);
    }

    @Test
    void theServiceIsHealthyAfterMalformedStreams() {
        assertError(List.of(Message.binary(new byte[7])), "config_expected", 1003);
        assertError(List.of(Message.text("{")), "invalid_json", 1007);
        this.client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        assertThat(rest(JoinedSpeech.trimmedSentence("synth-synth0286.flac"))).isNotBlank();
        assertThat(this.streams.openStreams()).isZero();
    }

    private static List<Path> committedSentences() throws IOException {
        try (var clips = Files.list(ShippedModelEndToEndTests.CLIPS)) {
            return clips.filter((p) -> p.getFileName().toString().startsWith("synth-")).sorted().toList();
        }
    }

    private void assertError(List<Message> script, String code, int closeCode) {
        StreamClient.Transcript transcript = StreamClient.run(uri(), script, Duration.ZERO, TIMEOUT);
        List<Map<String, Object>> errors = ofType(messages(transcript), "error");
        assertThat(errors).as("messages %s", transcript.messages()).singleElement().satisfies((error) -> {
            assertThat(error.get("code")).isEqualTo(code);
            assertThat((String) error.get("message")).isNotBlank();
        });
        assertThat(transcript.closeCode()).isEqualTo(closeCode);
    }

    private StreamClient.Transcript stream(String config, float[] audio, boolean end) {
        List<Message> script = new ArrayList<>();
        script.add(Message.text(config));
        script.addAll(StreamClient.chunks(StreamClient.pcm16(audio), CHUNK));
        if (end) {
            script.add(Message.text("{\"type\":\"end\"}"));
        }
        StreamClient.Transcript transcript = StreamClient.run(uri(), script, Duration.ZERO, TIMEOUT);
        assertThat(transcript.closeCode()).as("messages %s", transcript.messages()).isEqualTo(1000);
        return transcript;
    }

    private String rest(float[] audio) {
        byte[] wav = TestAudio.wav(toShorts(audio), 16_000);
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new ByteArrayResource(wav) {
            @Override
            public String getFilename() {
                return "clip.wav";
            }
        }).contentType(MediaType.parseMediaType("audio/wav"));
        Map<?, ?> body = this.client.post()
            .uri("/v1/audio/transcriptions")
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .body(BodyInserters.fromMultipartData(form.build()))
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
        return (String) body.get("text");
    }

    private static short[] toShorts(float[] samples) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767f)));
        }
        return pcm;
    }

    private URI uri() {
        return URI.create("ws://localhost:" + this.port + "/v1/stream");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(StreamClient.Transcript transcript) {
        return transcript.messages().stream().map((m) -> (Map<String, Object>) JSON.readValue(m.text(), Map.class))
            .toList();
    }

    private static List<Map<String, Object>> ofType(List<Map<String, Object>> messages, String type) {
        return messages.stream().filter((m) -> type.equals(m.get("type"))).toList();
    }

}
