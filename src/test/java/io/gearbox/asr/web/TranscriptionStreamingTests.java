package io.gearbox.asr.web;

import java.time.Duration;
import java.util.List;

import io.gearbox.asr.audio.InvalidAudioException;
import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.Recognition;
import io.gearbox.asr.recognition.RecognitionProgress;
import io.gearbox.asr.recognition.Recognizer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * {@code stream=true} on {@code POST /v1/audio/transcriptions}: the {@code text/event-stream} body, and the
 * errors before and after it starts, with the recognizer's progress canned.
 */
@WebFluxTest(controllers = TranscriptionController.class)
@Import(WebSliceConfiguration.class)
class TranscriptionStreamingTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private WebTestClient client;

    @MockitoBean
    private Recognizer recognizer;

    @Test
    void aLongRecordingStreamsADeltaPerSpanThenTheWholeText() {
        Recognition whole = Recognitions.helloWorld(12);
        given(this.recognizer.recognizeProgressively(any())).willReturn(Flux.just(
                span(0, "hello", 0.16), span(1, "", 0), span(2, " world", 0.64),
                new RecognitionProgress.Finished(whole)));

        List<JsonNode> events = events(stream(form()));

        assertThat(events).extracting((event) -> event.get("type").asText())
            .containsExactly("transcript.text.delta", "transcript.text.delta", "transcript.text.done");
        assertThat(events.get(0).get("delta").asText()).isEqualTo("hello");
        assertThat(events.get(1).get("delta").asText()).isEqualTo(" world");
        assertThat(events.get(0).has("logprobs")).isFalse();
        JsonNode done = events.get(2);
        assertThat(done.get("text").asText()).isEqualTo("hello world");
        assertThat(done.get("depth").asInt()).isEqualTo(12);
        assertThat(done.get("decoding").asText()).isEqualTo("full");
        assertThat(done.get("model").asText()).isEqualTo("gearbox-en");
        verify(this.recognizer, never()).recognize(any());
    }

    @Test
    void aRecordingRecognisedWholeStreamsItsTranscriptOnceThenDone() {
        given(this.recognizer.recognizeProgressively(any()))
            .willReturn(Flux.just(new RecognitionProgress.Finished(Recognitions.helloWorld(6))));

        List<JsonNode> events = events(stream(form()));

        assertThat(events).extracting((event) -> event.get("type").asText())
            .containsExactly("transcript.text.delta", "transcript.text.done");
        assertThat(events.get(0).get("delta").asText()).isEqualTo("hello world");
        assertThat(events.get(1).get("text").asText()).isEqualTo("hello world");
        assertThat(events.get(1).get("depth").asInt()).isEqualTo(6);
    }

    @Test
    void logprobsAreTheWordsConfidencesWhenIncluded() {
        given(this.recognizer.recognizeProgressively(any()))
            .willReturn(Flux.just(new RecognitionProgress.Finished(Recognitions.helloWorld(12))));
        MultipartBodyBuilder form = form();
        form.part("include[]", "logprobs");

        List<JsonNode> events = events(stream(form));

        JsonNode logprobs = events.get(1).get("logprobs");
        assertThat(logprobs.size()).isEqualTo(2);
        assertThat(logprobs.get(0).get("token").asText()).isEqualTo("hello");
        assertThat(logprobs.get(0).get("bytes").size()).isEqualTo(5);
        assertThat(logprobs.get(0).get("bytes").get(0).asInt()).isEqualTo('h');
        assertThat(logprobs.get(0).get("logprob").asDouble()).isCloseTo(Math.log(0.9),
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(events.get(0).get("logprobs").size()).isEqualTo(2);
    }

    @Test
    void aFailureBeforeTheFirstEventIsTheUsualProblemResponse() {
        given(this.recognizer.recognizeProgressively(any()))
            .willReturn(Flux.error(new InvalidAudioException("The audio could not be decoded")));

        post(streaming(form())).expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("invalid_audio");
    }

    @Test
    void saturationBeforeTheFirstEventIsServiceUnavailableWithRetryAfter() {
        given(this.recognizer.recognizeProgressively(any()))
            .willReturn(Flux.error(new OverloadedException("The service is saturated", Duration.ofSeconds(2))));

        post(streaming(form())).expectStatus().isEqualTo(503)
            .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "2")
            .expectBody().jsonPath("$.code").isEqualTo("overloaded");
    }

    @Test
    void aFailureAfterTheFirstEventEndsTheStreamWithAnErrorEvent() {
        given(this.recognizer.recognizeProgressively(any())).willReturn(Flux.concat(
                Flux.just(span(0, "hello", 0.16)), Flux.error(new IllegalStateException("exit failed"))));

        String body = stream(form());

        assertThat(body).doesNotContain("transcript.text.done").doesNotContain("exit failed");
        List<String> blocks = List.of(body.strip().split("\n\n"));
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0)).startsWith("data:").contains("transcript.text.delta");
        assertThat(blocks.get(1)).startsWith("event:error\n").contains("data:");
        JsonNode error = JSON.readTree(blocks.get(1).substring(blocks.get(1).indexOf("data:") + 5)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("code").asText()).isEqualTo("internal_error");
        assertThat(error.get("message").asText()).isEqualTo("The service failed to handle the request");
    }

    @Test
    void streamingSubtitlesOrVerboseJsonOrAStreamThatIsNoBooleanIsABadRequest() {
        for (String format : new String[] { "srt", "vtt", "verbose_json" }) {
            MultipartBodyBuilder form = streaming(form());
            form.part("response_format", format);
            post(form).expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("invalid_request");
        }
        MultipartBodyBuilder form = form();
        form.part("stream", "yes");
        post(form).expectStatus().isBadRequest();
        MultipartBodyBuilder include = streaming(form());
        include.part("include[]", "everything");
        post(include).expectStatus().isBadRequest();
        verify(this.recognizer, never()).recognizeProgressively(any());
    }

    @Test
    void streamFalseIsTheOneJsonBody() {
        given(this.recognizer.recognize(any())).willReturn(reactor.core.publisher.Mono.just(Recognitions.helloWorld(12)));
        MultipartBodyBuilder form = form();
        form.part("stream", "false");

        post(form).expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody().jsonPath("$.text").isEqualTo("hello world");
        verify(this.recognizer, never()).recognizeProgressively(any());
    }

    private static RecognitionProgress span(int index, String delta, double start) {
        String text = delta.strip();
        Transcript transcript = text.isEmpty() ? Transcript.empty()
                : new Transcript(text, List.of(new Word(text, start, start + 0.4, 0.9)), 0.9);
        return new RecognitionProgress.SpanRecognized(index, delta, transcript, 12, Gear.Decoding.FULL);
    }

    /** Posts the form with {@code stream=true}; expects 200 {@code text/event-stream} and returns the body. */
    private String stream(MultipartBodyBuilder form) {
        return post(streaming(form)).expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
            .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-cache")
            .expectBody(String.class).returnResult().getResponseBody();
    }

    /** The {@code data:} lines of an event-stream body, parsed; fails on any other kind of event. */
    private static List<JsonNode> events(String body) {
        return List.of(body.strip().split("\n\n")).stream().map((block) -> {
            assertThat(block).startsWith("data:").doesNotContain("\n");
            return JSON.readTree(block.substring("data:".length()));
        }).toList();
    }

    private static MultipartBodyBuilder streaming(MultipartBodyBuilder form) {
        form.part("stream", "true");
        return form;
    }

    private static MultipartBodyBuilder form() {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new TranscriptionControllerTests.NamedBytes(new byte[] { 1, 2, 3, 4 }, "clip.wav"))
            .contentType(MediaType.parseMediaType("audio/wav"));
        return form;
    }

    private WebTestClient.ResponseSpec post(MultipartBodyBuilder form) {
        return this.client.post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(form.build()))
            .exchange();
    }

}
