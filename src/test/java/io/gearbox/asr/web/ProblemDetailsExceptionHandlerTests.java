package io.gearbox.asr.web;

import java.time.Duration;
import java.util.List;

import io.gearbox.asr.audio.AudioTooLongException;
import io.gearbox.asr.audio.InvalidAudioException;
import io.gearbox.asr.audio.UnsupportedAudioException;
import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.ServiceStoppingException;
import io.gearbox.asr.recognition.UnknownDepthException;
import io.gearbox.asr.web.ProblemDetailsExceptionHandler.Problem;
import org.junit.jupiter.api.Test;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ServerWebInputException;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemDetailsExceptionHandlerTests {

    @Test
    void mapsEachFailureToItsStatusAndCode() {
        assertProblem(new InvalidRequestException("bad"), HttpStatus.BAD_REQUEST, "invalid_request");
        assertProblem(new InvalidAudioException("Truncated"), HttpStatus.BAD_REQUEST, "invalid_audio");
        assertProblem(new UploadTooLargeException(DataSize.ofMegabytes(25)), HttpStatus.CONTENT_TOO_LARGE,
                "upload_too_large");
        assertProblem(new DataBufferLimitException("limit"), HttpStatus.CONTENT_TOO_LARGE, "upload_too_large");
        assertProblem(new AudioTooLongException(Duration.ofMinutes(10)), HttpStatus.CONTENT_TOO_LARGE,
                "audio_too_long");
        assertProblem(new UnsupportedAudioException("nope"), HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type");
        assertProblem(new UnknownDepthException("7", List.of(2, 12)), HttpStatus.UNPROCESSABLE_CONTENT,
                "unknown_depth");
        assertProblem(new OverloadedException(4, Duration.ofSeconds(1)), HttpStatus.SERVICE_UNAVAILABLE, "overloaded");
        assertProblem(new ServiceStoppingException(Duration.ofSeconds(1)), HttpStatus.SERVICE_UNAVAILABLE,
                "shutting_down");
        assertProblem(new MethodNotAllowedException("PUT", List.of()), HttpStatus.METHOD_NOT_ALLOWED,
                "method_not_allowed");
        assertProblem(new ServerWebInputException("Failed to read /secret/path"), HttpStatus.BAD_REQUEST,
                "invalid_request");
        assertProblem(new DecodingException("JSON decoding error"), HttpStatus.BAD_REQUEST, "invalid_request");
    }

    @Test
    void overloadSuggestsWholeSecondsToRetryRoundedUp() {
        assertThat(ProblemDetailsExceptionHandler.toProblem(new OverloadedException(4, Duration.ofMillis(200)))
            .retryAfterSeconds()).isEqualTo(1);
        assertThat(ProblemDetailsExceptionHandler.toProblem(new OverloadedException(4, Duration.ofMillis(2100)))
            .retryAfterSeconds()).isEqualTo(3);
        assertThat(ProblemDetailsExceptionHandler.toProblem(new ServiceStoppingException(Duration.ofMillis(4500)))
            .retryAfterSeconds()).as("a stopping service suggests a retry too").isEqualTo(5);
    }

    @Test
    void unexpectedFailuresRevealNothingInternal() {
        Problem problem = ProblemDetailsExceptionHandler
            .toProblem(new IllegalStateException("/opt/models/secret.onnx exploded"));
        assertThat(problem.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(problem.detail()).doesNotContain("/opt").doesNotContain("Exception");
    }

    @Test
    void springInputErrorsKeepTheirStatusButNotTheirMessage() {
        Problem problem = ProblemDetailsExceptionHandler
            .toProblem(new ServerWebInputException("Failed to read /secret/path"));
        assertThat(problem.detail()).doesNotContain("/secret");
    }

    private static void assertProblem(Throwable failure, HttpStatus status, String code) {
        Problem problem = ProblemDetailsExceptionHandler.toProblem(failure);
        assertThat(problem.status()).as(failure.getClass().getSimpleName()).isEqualTo(status);
        assertThat(problem.code()).as(failure.getClass().getSimpleName()).isEqualTo(code);
    }

}
