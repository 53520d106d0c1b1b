package io.gearbox.asr.web;

import io.gearbox.asr.audio.InvalidAudioException;
import io.gearbox.asr.audio.UnsupportedAudioException;
import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.RecognitionRequest;
import io.gearbox.asr.recognition.Recognizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

@WebFluxTest(controllers = RecognizeController.class, properties = "asr.limits.max-upload=1KB")
@Import(WebSliceConfiguration.class)
class RecognizeControllerTests {

    @Autowired
    private WebTestClient client;

    @MockitoBean
    private Recognizer recognizer;

    @BeforeEach
    void recognizeHelloWorld() {
        given(this.recognizer.recognize(any())).willReturn(Mono.just(Recognitions.helloWorld(6)));
    }

    @Test
    void answersWithTextDepthTimingsAndWords() {
        this.client.post().uri("/v1/recognize?depth=6").contentType(MediaType.parseMediaType("audio/flac"))
            .bodyValue(new byte[] { 1, 2, 3 })
            .exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.text").isEqualTo("hello world")
            .jsonPath("$.depth").isEqualTo(6)
            .jsonPath("$.model").isEqualTo("gearbox-en")
            .jsonPath("$.audioSeconds").isEqualTo(2.0)
            .jsonPath("$.processingMillis").isEqualTo(40.0)
            .jsonPath("$.rtf").isEqualTo(0.02)
            .jsonPath("$.words[0].word").isEqualTo("hello")
            .jsonPath("$.words[0].start").isEqualTo(0.16)
            .jsonPath("$.words[0].end").isEqualTo(0.56)
            .jsonPath("$.words[0].confidence").isEqualTo(0.9);
        ArgumentCaptor<RecognitionRequest> request = ArgumentCaptor.forClass(RecognitionRequest.class);
        verify(this.recognizer).recognize(request.capture());
        assertThat(request.getValue().mediaType()).isEqualTo("audio/flac");
        assertThat(request.getValue().depth()).isEqualTo(DepthRequest.pinned(6));
    }

    @Test
    void octetStreamIsSniffed() {
        this.client.post().uri("/v1/recognize").contentType(MediaType.APPLICATION_OCTET_STREAM)
            .bodyValue(new byte[] { 1, 2, 3 })
            .exchange()
            .expectStatus().isOk();
        ArgumentCaptor<RecognitionRequest> request = ArgumentCaptor.forClass(RecognitionRequest.class);
        verify(this.recognizer).recognize(request.capture());
        assertThat(request.getValue().mediaType()).isNull();
        assertThat(request.getValue().depth().isAuto()).isTrue();
    }

    @Test
    void emptyBodyIsABadRequestProblem() {
        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .exchange()
            .expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        verify(this.recognizer, never()).recognize(any());
    }

    @Test
    void bodyOverTheUploadLimitIsAContentTooLargeProblem() {
        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(new byte[2048])
            .exchange()
            .expectStatus().isEqualTo(413)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("upload_too_large");
        verify(this.recognizer, never()).recognize(any());
    }

    @Test
    void undecodableAudioIsABadRequestAndUnsupportedAudioAnUnsupportedMediaType() {
        given(this.recognizer.recognize(any())).willReturn(Mono.error(new InvalidAudioException("Truncated WAV")));
        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(new byte[] { 1 })
            .exchange()
            .expectStatus().isBadRequest()
            .expectBody().jsonPath("$.code").isEqualTo("invalid_audio");
        given(this.recognizer.recognize(any()))
            .willReturn(Mono.error(new UnsupportedAudioException("Media type text/plain is not supported")));
        this.client.post().uri("/v1/recognize").contentType(MediaType.TEXT_PLAIN)
            .bodyValue("hello")
            .exchange()
            .expectStatus().isEqualTo(415)
            .expectBody().jsonPath("$.code").isEqualTo("unsupported_media_type");
    }

    @Test
    void badLatencyHintIsABadRequest() {
        this.client.post().uri("/v1/recognize?max_latency_ms=soon").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(new byte[] { 1 })
            .exchange()
            .expectStatus().isBadRequest();
    }

}
