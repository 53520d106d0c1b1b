package io.gearbox.asr.e2e;

import io.gearbox.asr.support.SmokeModel;
import io.gearbox.asr.support.TestAudio;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.Recognizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * Every endpoint, response format and error status against the running service. The facts about the model come
 * from the one it serves, so these tests check shapes and statuses whichever model the {@code e2e} profile names;
 * {@code ShippedModelEndToEndTests} checks the words.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.limits.max-upload=512KB", "asr.limits.max-audio-duration=5s" })
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class TranscriptionEndToEndTests {

    private static final MediaType AUDIO_WAV = MediaType.parseMediaType("audio/wav");

    @Autowired
    private WebTestClient client;

    @Autowired
    private Recognizer recognizer;

    private ModelManifest manifest;

    private int deepest;

    private int shallowest;

    @BeforeAll
    static void smokeModelIsThere() {
        SmokeModel.directory();
    }

    @BeforeEach
    void readServedModel() {
        this.manifest = this.recognizer.manifest();
        this.deepest = this.recognizer.depths().get(this.recognizer.depths().size() - 1);
        this.shallowest = this.recognizer.depths().get(0);
    }

    @Test
    void transcribesAnUploadAsJsonWithTheDeepestExitByDefault() {
        transcribe(form(TestAudio.toneWav(1.0, 16000, 440), "tone.wav", AUDIO_WAV))
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody()
            .jsonPath("$.text").exists()
            .jsonPath("$.depth").isEqualTo(this.deepest)
            .jsonPath("$.model").isEqualTo(this.manifest.name());
    }

    @Test
    void transcribesAsVerboseJsonWithWordsAndSegments() {
        MultipartBodyBuilder form = form(TestAudio.toneWav(1.5, 44100, 300), "tone.wav", null);
        form.part("response_format", "verbose_json");
        form.part("timestamp_granularities[]", "word");
        form.part("timestamp_granularities[]", "segment");
        form.part("model", "whisper-1");
        form.part("language", "en");
        form.part("temperature", "0.2");
        form.part("prompt", "a tone");
        transcribe(form).expectStatus().isOk()
            .expectBody()
            .jsonPath("$.task").isEqualTo("transcribe")
            .jsonPath("$.language").isEqualTo("english")
            .jsonPath("$.duration").isEqualTo(1.5)
            .jsonPath("$.text").exists()
            .jsonPath("$.segments").isArray()
            .jsonPath("$.words").isArray()
            .jsonPath("$.depth").isEqualTo(this.deepest)
            .jsonPath("$.model").isEqualTo(this.manifest.name());
    }

    @Test
    void transcribesAsTextSrtAndVtt() {
        byte[] wav = TestAudio.toneWav(1.0, 16000, 440);
        for (String format : new String[] { "text", "srt" }) {
            MultipartBodyBuilder form = form(wav, "tone.wav", AUDIO_WAV);
            form.part("response_format", format);
            transcribe(form).expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN);
        }
        MultipartBodyBuilder form = form(wav, "tone.wav", AUDIO_WAV);
        form.part("response_format", "vtt");
        transcribe(form).expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/vtt"))
            .expectBody(String.class).value((body) -> org.assertj.core.api.Assertions.assertThat(body)
                .startsWith("WEBVTT\n"));
    }

    @Test
    void pinsTheDepthAskedFor() {
        MultipartBodyBuilder form = form(TestAudio.toneWav(1.0, 16000, 440), "tone.wav", AUDIO_WAV);
        form.part("depth", Integer.toString(this.shallowest));
        form.part("max_latency_ms", "500");
        transcribe(form).expectStatus().isOk().expectBody().jsonPath("$.depth").isEqualTo(this.shallowest);
    }

    @Test
    void recognizesARawBody() {
        this.client.post().uri("/v1/recognize?depth=" + this.shallowest).contentType(AUDIO_WAV)
            .bodyValue(TestAudio.toneWav(2.0, 8000, 440))
            .exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.text").exists()
            .jsonPath("$.depth").isEqualTo(this.shallowest)
            .jsonPath("$.model").isEqualTo(this.manifest.name())
            .jsonPath("$.audioSeconds").isEqualTo(2.0)
            .jsonPath("$.processingMillis").isNumber()
            .jsonPath("$.rtf").isNumber()
            .jsonPath("$.words").isArray();
    }

    @Test
    void listsTheModelAndItsExits() {
        this.client.get().uri("/v1/models").exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.name").isEqualTo(this.manifest.name())
            .jsonPath("$.sampleRate").isEqualTo(this.manifest.sampleRate())
            .jsonPath("$.exits.length()").isEqualTo(this.manifest.exits().size())
            .jsonPath("$.exits[0].depth").isEqualTo(this.shallowest)
            .jsonPath("$.exits[0].file").isEqualTo(this.manifest.exits().get(0).file())
            .jsonPath("$.exits[0].parameters").isNumber()
            .jsonPath("$.exits[0].devWer").exists()
            .jsonPath("$.deepest").isEqualTo(this.deepest)
            .jsonPath("$.data[0].id").isEqualTo(this.manifest.name())
            .jsonPath("$.data[0].object").isEqualTo("model");
    }

    @Test
    void junkBytesAreAProblemNotAFailure() {
        transcribe(form(TestAudio.junk(), "junk.wav", AUDIO_WAV)).expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("invalid_audio");
        transcribe(form(TestAudio.junk(), "junk.bin", MediaType.APPLICATION_OCTET_STREAM))
            .expectStatus().value((status) -> org.assertj.core.api.Assertions.assertThat(status).isBetween(400, 415))
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        this.client.post().uri("/v1/recognize").contentType(AUDIO_WAV).bodyValue(TestAudio.junk())
            .exchange()
            .expectStatus().isBadRequest();
    }

    @Test
    void anEmptyFileIsABadRequest() {
        transcribe(form(new byte[0], "empty.wav", AUDIO_WAV)).expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aMediaTypeThatIsNoAudioIsUnsupported() {
        this.client.post().uri("/v1/recognize").contentType(MediaType.TEXT_PLAIN)
            .bodyValue("this is not audio")
            .exchange()
            .expectStatus().isEqualTo(415)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("unsupported_media_type");
        this.client.post().uri("/v1/audio/transcriptions").contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"file\": \"x\"}")
            .exchange()
            .expectStatus().isEqualTo(415);
    }

    @Test
    void anUploadOverTheLimitIsContentTooLarge() {
        byte[] big = TestAudio.toneWav(20.0, 16000, 440);
        transcribe(form(big, "big.wav", AUDIO_WAV)).expectStatus().isEqualTo(413)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("upload_too_large");
        this.client.post().uri("/v1/recognize").contentType(AUDIO_WAV).bodyValue(big)
            .exchange()
            .expectStatus().isEqualTo(413);
    }

    @Test
    void audioOverTheDurationLimitIsContentTooLarge() {
        this.client.post().uri("/v1/recognize").contentType(AUDIO_WAV)
            .bodyValue(TestAudio.toneWav(6.0, 8000, 440))
            .exchange()
            .expectStatus().isEqualTo(413)
            .expectBody().jsonPath("$.code").isEqualTo("audio_too_long");
    }

    @Test
    void anUnknownDepthIsUnprocessable() {
        MultipartBodyBuilder form = form(TestAudio.toneWav(1.0, 16000, 440), "tone.wav", AUDIO_WAV);
        form.part("depth", Integer.toString(this.deepest + 1));
        transcribe(form).expectStatus().isEqualTo(422)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("unknown_depth");
        this.client.post().uri("/v1/recognize?depth=twelve").contentType(AUDIO_WAV)
            .bodyValue(TestAudio.toneWav(1.0, 16000, 440))
            .exchange()
            .expectStatus().isEqualTo(422);
    }

    @Test
    void problemsRevealNoInternals() {
        this.client.get().uri("/v1/nowhere").exchange()
            .expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody(String.class).value((body) -> org.assertj.core.api.Assertions.assertThat(body)
                .doesNotContain("Exception").doesNotContain("/work/").doesNotContain("at io."));
    }

    private WebTestClient.ResponseSpec transcribe(MultipartBodyBuilder form) {
        return this.client.post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(form.build()))
            .exchange();
    }

    static MultipartBodyBuilder form(byte[] audio, String filename, MediaType type) {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        var part = form.part("file", new ByteArrayResource(audio) {

            @Override
            public String getFilename() {
                return filename;
            }

        });
        if (type != null) {
            part.contentType(type);
        }
        return form;
    }

}
