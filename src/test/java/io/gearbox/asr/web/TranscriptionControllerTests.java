package io.gearbox.asr.web;

import java.time.Duration;

import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.RecognitionRequest;
import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.recognition.UnknownDepthException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

@WebFluxTest(controllers = TranscriptionController.class)
@Import(WebSliceConfiguration.class)
class TranscriptionControllerTests {

    @Autowired
    private WebTestClient client;

    @MockitoBean
    private Recognizer recognizer;

    @BeforeEach
    void recognizeHelloWorld() {
        given(this.recognizer.recognize(any())).willReturn(Mono.just(Recognitions.helloWorld(12)));
    }

    @Test
    void jsonIsTheDefaultFormatWithDepthAndModel() {
        post(form()).expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody()
            .jsonPath("$.text").isEqualTo("hello world")
            .jsonPath("$.depth").isEqualTo(12)
            .jsonPath("$.model").isEqualTo("gearbox-en");
    }

    @Test
    void verboseJsonHasOpenAisShapeAndWordsWhenAskedFor() {
        MultipartBodyBuilder form = form();
        form.part("response_format", "verbose_json");
        form.part("timestamp_granularities[]", "word");
        form.part("timestamp_granularities[]", "segment");
        post(form).expectStatus().isOk()
            .expectBody()
            .jsonPath("$.task").isEqualTo("transcribe")
            .jsonPath("$.language").isEqualTo("english")
            .jsonPath("$.duration").isEqualTo(2.0)
            .jsonPath("$.text").isEqualTo("hello world")
            .jsonPath("$.segments[0].id").isEqualTo(0)
            .jsonPath("$.segments[0].seek").isEqualTo(0)
            .jsonPath("$.segments[0].start").isEqualTo(0.16)
            .jsonPath("$.segments[0].end").isEqualTo(1.2)
            .jsonPath("$.segments[0].tokens").isArray()
            .jsonPath("$.segments[0].temperature").isEqualTo(0.0)
            .jsonPath("$.segments[0].avg_logprob").isNumber()
            .jsonPath("$.segments[0].compression_ratio").isNumber()
            .jsonPath("$.segments[0].no_speech_prob").isNumber()
            .jsonPath("$.words[1].word").isEqualTo("world")
            .jsonPath("$.words[1].start").isEqualTo(0.64)
            .jsonPath("$.words[1].end").isEqualTo(1.2)
            .jsonPath("$.depth").isEqualTo(12)
            .jsonPath("$.model").isEqualTo("gearbox-en");
    }

    @Test
    void verboseJsonLeavesWordsOutUnlessAskedFor() {
        MultipartBodyBuilder form = form();
        form.part("response_format", "verbose_json");
        post(form).expectStatus().isOk().expectBody().jsonPath("$.words").doesNotExist()
            .jsonPath("$.segments[0].text").isEqualTo("hello world");
    }

    @Test
    void textIsThePlainTranscript() {
        MultipartBodyBuilder form = form();
        form.part("response_format", "text");
        post(form).expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
            .expectBody(String.class).isEqualTo("hello world\n");
    }

    @Test
    void srtHasNumberedCuesWithCommaMilliseconds() {
        MultipartBodyBuilder form = form();
        form.part("response_format", "srt");
        post(form).expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
            .expectBody(String.class).isEqualTo("1\n00:00:00,160 --> 00:00:01,200\nhello world\n\n");
    }

    @Test
    void vttHasAHeaderAndDotMilliseconds() {
        MultipartBodyBuilder form = form();
        form.part("response_format", "vtt");
        post(form).expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/vtt"))
            .expectBody(String.class).isEqualTo("WEBVTT\n\n00:00:00.160 --> 00:00:01.200\nhello world\n\n");
    }

    @Test
    void depthLatencyHintAndFileTypeReachTheRecognizer() {
        MultipartBodyBuilder form = form();
        form.part("depth", "4");
        form.part("max_latency_ms", "300");
        form.part("model", "whisper-1");
        form.part("language", "en");
        form.part("prompt", "ignored");
        form.part("temperature", "0");
        post(form).expectStatus().isOk();
        ArgumentCaptor<RecognitionRequest> request = ArgumentCaptor.forClass(RecognitionRequest.class);
        verify(this.recognizer).recognize(request.capture());
        assertThat(request.getValue().depth()).isEqualTo(DepthRequest.pinned(4));
        assertThat(request.getValue().maxLatencyMillis()).isEqualTo(300);
        assertThat(request.getValue().mediaType()).isEqualTo("audio/wav");
        assertThat(request.getValue().audio()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void missingFileIsABadRequestProblem() {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("model", "whisper-1");
        post(form).expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.status").isEqualTo(400).jsonPath("$.code").isEqualTo("invalid_request");
        verify(this.recognizer, never()).recognize(any());
    }

    @Test
    void emptyFileIsABadRequestProblem() {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new NamedBytes(new byte[0], "empty.wav")).contentType(MediaType.parseMediaType("audio/wav"));
        post(form).expectStatus().isBadRequest().expectBody().jsonPath("$.detail").isEqualTo("The audio is empty");
    }

    @Test
    void unknownResponseFormatGranularityTemperatureOrLatencyAreBadRequests() {
        String[][] cases = { { "response_format", "xml" }, { "timestamp_granularities[]", "char" },
                { "temperature", "hot" }, { "temperature", "3" }, { "max_latency_ms", "-5" } };
        for (String[] field : cases) {
            MultipartBodyBuilder form = form();
            form.part(field[0], field[1]);
            post(form).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    @Test
    void depthThatIsNoNumberIsAnUnprocessableProblem() {
        MultipartBodyBuilder form = form();
        form.part("depth", "deepest");
        post(form).expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("unknown_depth");
    }

    @Test
    void depthTheModelLacksIsAnUnprocessableProblem() {
        given(this.recognizer.recognize(any())).willReturn(Mono.error(new UnknownDepthException("7",
                java.util.List.of(2, 12))));
        MultipartBodyBuilder form = form();
        form.part("depth", "7");
        post(form).expectStatus().isEqualTo(422).expectBody()
            .jsonPath("$.detail").isEqualTo("Unknown depth '7'; available depths are [2, 12] or 'auto'");
    }

    @Test
    void saturationIsAServiceUnavailableProblemWithRetryAfter() {
        given(this.recognizer.recognize(any()))
            .willReturn(Mono.error(new OverloadedException(8, Duration.ofMillis(1500))));
        post(form()).expectStatus().isEqualTo(503)
            .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "2")
            .expectBody().jsonPath("$.code").isEqualTo("overloaded");
    }

    @Test
    void aFullQueueTurnsTheRequestAwayBeforeItsFormIsRead() {
        willThrow(new OverloadedException(8, Duration.ofSeconds(2))).given(this.recognizer)
            .rejectEarly(any(DepthRequest.class));
        // not a form at all: read, it would be a 400; the admission filter answers before anything reads it
        this.client.post().uri("/v1/audio/transcriptions")
            .contentType(MediaType.parseMediaType("multipart/form-data; boundary=gearbox"))
            .bodyValue("this is not a multipart body")
            .exchange()
            .expectStatus().isEqualTo(503)
            .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "2")
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("overloaded");
        verify(this.recognizer, never()).recognize(any());
    }

    @Test
    void aBodyThatIsNoFormIsAnUnsupportedMediaTypeProblem() {
        this.client.post().uri("/v1/audio/transcriptions").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
            .exchange()
            .expectStatus().isEqualTo(415)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private MultipartBodyBuilder form() {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new NamedBytes(new byte[] { 1, 2, 3, 4 }, "clip.wav"))
            .contentType(MediaType.parseMediaType("audio/wav"));
        return form;
    }

    private WebTestClient.ResponseSpec post(MultipartBodyBuilder form) {
        return this.client.post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(form.build()))
            .exchange();
    }

    static final class NamedBytes extends ByteArrayResource {

        private final String filename;

        NamedBytes(byte[] bytes, String filename) {
            super(bytes);
            this.filename = filename;
        }

        @Override
        public String getFilename() {
            return this.filename;
        }

    }

}
