package io.gearbox.asr.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.gearbox.asr.audio.AudioException;
import io.gearbox.asr.audio.AudioTooLongException;
import io.gearbox.asr.audio.InvalidAudioException;
import io.gearbox.asr.audio.UnsupportedAudioException;
import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.ServiceStoppingException;
import io.gearbox.asr.recognition.UnknownDepthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.Order;
import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * The one place failures become HTTP responses: an RFC 9457 {@code application/problem+json} body with
 * {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance} and a short machine-readable
 * {@code code}. Ordered before Spring Boot's default handler, so it sees every failure (handlers, filters, codecs,
 * unknown routes). Details never carry stack traces, class names or file paths; unexpected failures are logged and
 * answered with a generic 500.
 *
 * <table>
 * <caption>Mapping</caption>
 * <tr><th>failure</th><th>status</th><th>code</th></tr>
 * <tr><td>{@link InvalidRequestException}, {@link InvalidAudioException}, undecodable body</td><td>400</td>
 * <td>invalid_request, invalid_audio</td></tr>
 * <tr><td>{@link UploadTooLargeException}, {@link DataBufferLimitException}, {@link AudioTooLongException}</td>
 * <td>413</td><td>upload_too_large, audio_too_long</td></tr>
 * <tr><td>{@link UnsupportedAudioException}, unsupported request media type</td><td>415</td>
 * <td>unsupported_media_type</td></tr>
 * <tr><td>{@link AdminAccessDeniedException}: no or malformed bearer token</td><td>401 +
 * {@code WWW-Authenticate: Bearer}</td><td>unauthorized</td></tr>
 * <tr><td>{@link AdminAccessDeniedException}: wrong token; no {@code asr.admin.token} configured</td><td>403</td>
 * <td>forbidden, admin_disabled</td></tr>
 * <tr><td>{@link UnknownModelException}</td><td>404</td><td>model_not_found</td></tr>
 * <tr><td>{@link UnknownDepthException}</td><td>422</td><td>unknown_depth</td></tr>
 * <tr><td>{@link ServiceStoppingException}: the service is draining to stop</td><td>503 + {@code Retry-After}</td>
 * <td>shutting_down</td></tr>
 * <tr><td>{@link OverloadedException}</td><td>503 + {@code Retry-After}</td><td>overloaded</td></tr>
 * <tr><td>Spring's {@link ErrorResponse}s (404, 405, 406, ...)</td><td>theirs</td><td>from the status</td></tr>
 * <tr><td>anything else</td><td>500</td><td>internal_error</td></tr>
 * </table>
 */
@Component
@Order(-2)
class ProblemDetailsExceptionHandler implements WebExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(ProblemDetailsExceptionHandler.class);

    private static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private final JsonMapper jsonMapper;

    ProblemDetailsExceptionHandler(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        Problem problem = toProblem(failure);
        if (problem.status().is5xxServerError() && problem.status().value() != 503) {
            logger.error("Request {} {} failed", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                    failure);
        }
        else {
            logger.debug("Request {} {} answered {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(), problem.status().value(), problem.detail());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title(problem.status()));
        body.put("status", problem.status().value());
        body.put("detail", problem.detail());
        body.put("instance", exchange.getRequest().getPath().value());
        body.put("code", problem.code());
        byte[] bytes = this.jsonMapper.writeValueAsBytes(body);
        response.setStatusCode(problem.status());
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(PROBLEM_JSON);
        headers.setContentLength(bytes.length);
        if (problem.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
        }
        if (problem.status() == HttpStatus.UNAUTHORIZED) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gearbox-asr\"");
        }
        if (failure instanceof ErrorResponse errorResponse) {
            errorResponse.getHeaders().forEach((name, values) -> {
                if (!headers.containsHeader(name)) {
                    headers.addAll(name, values);
                }
            });
        }
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }

    /**
     * Maps a failure to its status, client-facing detail and code.
     * @param failure what went wrong
     * @return the problem to answer with
     */
    static Problem toProblem(Throwable failure) {
        if (failure instanceof InvalidRequestException) {
            return new Problem(HttpStatus.BAD_REQUEST, failure.getMessage(), "invalid_request", 0);
        }
        if (failure instanceof UploadTooLargeException) {
            return new Problem(HttpStatus.CONTENT_TOO_LARGE, failure.getMessage(), "upload_too_large", 0);
        }
        if (failure instanceof DataBufferLimitException) {
            return new Problem(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than the service accepts",
                    "upload_too_large", 0);
        }
        if (failure instanceof AudioTooLongException) {
            return new Problem(HttpStatus.CONTENT_TOO_LARGE, failure.getMessage(), "audio_too_long", 0);
        }
        if (failure instanceof UnsupportedAudioException) {
            return new Problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, failure.getMessage(), "unsupported_media_type", 0);
        }
        if (failure instanceof InvalidAudioException || failure instanceof AudioException) {
            return new Problem(HttpStatus.BAD_REQUEST, failure.getMessage(), "invalid_audio", 0);
        }
        if (failure instanceof AdminAccessDeniedException denied) {
            return switch (denied.kind()) {
                case UNAUTHENTICATED -> new Problem(HttpStatus.UNAUTHORIZED, failure.getMessage(), "unauthorized", 0);
                case FORBIDDEN -> new Problem(HttpStatus.FORBIDDEN, failure.getMessage(), "forbidden", 0);
                case DISABLED -> new Problem(HttpStatus.FORBIDDEN, failure.getMessage(), "admin_disabled", 0);
            };
        }
        if (failure instanceof UnknownModelException) {
            return new Problem(HttpStatus.NOT_FOUND, failure.getMessage(), "model_not_found", 0);
        }
        if (failure instanceof UnknownDepthException) {
            return new Problem(HttpStatus.UNPROCESSABLE_CONTENT, failure.getMessage(), "unknown_depth", 0);
        }
        if (failure instanceof OverloadedException overloaded) {
            long seconds = Math.max(1, (overloaded.retryAfter().toMillis() + 999) / 1000);
            String code = (failure instanceof ServiceStoppingException) ? "shutting_down" : "overloaded";
            return new Problem(HttpStatus.SERVICE_UNAVAILABLE, failure.getMessage(), code, seconds);
        }
        if (failure instanceof ErrorResponse errorResponse) {
            return fromErrorResponse(errorResponse, failure);
        }
        if (failure instanceof CodecException) {
            return new Problem(HttpStatus.BAD_REQUEST, "The request body could not be read", "invalid_request", 0);
        }
        return new Problem(HttpStatus.INTERNAL_SERVER_ERROR, "The service failed to handle the request",
                "internal_error", 0);
    }

    private static Problem fromErrorResponse(ErrorResponse errorResponse, Throwable failure) {
        HttpStatusCode status = errorResponse.getStatusCode();
        Throwable cause = failure.getCause();
        if (cause instanceof DataBufferLimitException) {
            return toProblem(cause);
        }
        HttpStatus resolved = HttpStatus.resolve(status.value());
        HttpStatus effective = (resolved != null) ? resolved : HttpStatus.INTERNAL_SERVER_ERROR;
        String detail = switch (effective) {
            case NOT_FOUND -> "No such resource";
            case METHOD_NOT_ALLOWED -> "Method not allowed for this resource";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported content type";
            case NOT_ACCEPTABLE -> "None of the acceptable media types can be produced";
            case CONTENT_TOO_LARGE -> "The request body is larger than the service accepts";
            default -> effective.is5xxServerError() ? "The service failed to handle the request"
                    : "The request could not be processed";
        };
        String code = switch (effective) {
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case NOT_ACCEPTABLE -> "not_acceptable";
            case CONTENT_TOO_LARGE -> "upload_too_large";
            default -> effective.is5xxServerError() ? "internal_error" : "invalid_request";
        };
        return new Problem(effective, detail, code, 0);
    }

    private static String title(HttpStatusCode status) {
        HttpStatus resolved = HttpStatus.resolve(status.value());
        return (resolved != null) ? resolved.getReasonPhrase() : "Error";
    }

    /**
     * A mapped failure.
     * @param status the response status
     * @param detail the client-facing explanation
     * @param code a short machine-readable code
     * @param retryAfterSeconds {@code Retry-After} seconds, or {@code 0} for none
     */
    record Problem(HttpStatus status, String detail, String code, long retryAfterSeconds) {
    }

}
