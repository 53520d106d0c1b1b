package io.gearbox.asr.web;

import java.util.concurrent.TimeoutException;

import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.UnknownDepthException;
import io.gearbox.asr.streaming.StreamLimitExceededException;
import io.gearbox.asr.streaming.StreamRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.reactive.socket.CloseStatus;

/**
 * How a live stream ends on a failure: the error's short code and message for the client, and the WebSocket close
 * status. The streams' counterpart of {@link ProblemDetailsExceptionHandler}, and like it the one place that maps
 * failures, for every streaming protocol: 1003 for data the service cannot take, 1007 for an invalid message,
 * 1008 for a limit, 1013 when saturated, 1001 when the service is stopping, 1011 for anything else (logged).
 *
 * @param code the short code, such as {@code invalid_config}
 * @param message for the client
 * @param status the close status
 */
record StreamFailure(String code, String message, CloseStatus status) {

    private static final Logger logger = LoggerFactory.getLogger(StreamFailure.class);

    /** The close status of data the service cannot take (RFC 6455 1003). */
    static final CloseStatus UNSUPPORTED_DATA = CloseStatus.NOT_ACCEPTABLE;

    /** An invalid message (1007). */
    static final CloseStatus INVALID_PAYLOAD = CloseStatus.BAD_DATA;

    /** A limit (1008). */
    static final CloseStatus POLICY = CloseStatus.POLICY_VIOLATION;

    /** The service is stopping (1001). */
    static final CloseStatus GOING_AWAY = CloseStatus.GOING_AWAY;

    /** Saturated (1013). */
    static final CloseStatus TRY_AGAIN_LATER = CloseStatus.SERVICE_OVERLOAD;

    /**
     * A client mistake or limit found by the adapter itself.
     */
    static final class StreamProtocolException extends RuntimeException {

        private final String code;

        private final CloseStatus status;

        StreamProtocolException(String code, CloseStatus status, String message) {
            super(message, null, false, false);
            this.code = code;
            this.status = status;
        }

    }

    static StreamProtocolException unsupported(String code, String message) {
        return new StreamProtocolException(code, UNSUPPORTED_DATA, message);
    }

    static StreamProtocolException invalid(String code, String message) {
        return new StreamProtocolException(code, INVALID_PAYLOAD, message);
    }

    static StreamProtocolException limit(String code, String message) {
        return new StreamProtocolException(code, POLICY, message);
    }

    /**
     * @return whether a protocol that answers a bad message without ending the session (OpenAI's Realtime) goes
     * on after this failure: the client's message was invalid or asked for what the service does not take (1007,
     * 1003); limits, saturation and the service's own failures end every stream
     */
    boolean recoverable() {
        int code = this.status.getCode();
        return code == INVALID_PAYLOAD.getCode() || code == UNSUPPORTED_DATA.getCode();
    }

    /**
     * @param failure what ended the stream
     * @return how to tell the client
     */
    static StreamFailure of(Throwable failure) {
        if (failure instanceof StreamProtocolException protocol) {
            return new StreamFailure(protocol.code, protocol.getMessage(), protocol.status);
        }
        if (failure instanceof StreamRefusedException refused
                && refused.reason() == StreamRefusedException.Reason.STOPPING) {
            return new StreamFailure("shutting_down", refused.getMessage(), GOING_AWAY);
        }
        if (failure instanceof StreamRefusedException refused) {
            String code = (refused.reason() == StreamRefusedException.Reason.TOO_MANY_STREAMS) ? "too_many_streams"
                    : "overloaded";
            return new StreamFailure(code, refused.getMessage() + " (retry after "
                    + refused.retryAfter().toSeconds() + " s)", TRY_AGAIN_LATER);
        }
        if (failure instanceof OverloadedException overloaded) {
            return new StreamFailure("overloaded", overloaded.getMessage(), TRY_AGAIN_LATER);
        }
        if (failure instanceof UnknownDepthException unknown) {
            return new StreamFailure("unknown_depth", unknown.getMessage(), INVALID_PAYLOAD);
        }
        if (failure instanceof StreamLimitExceededException limit) {
            return new StreamFailure("limit_exceeded", limit.getMessage(), POLICY);
        }
        if (failure instanceof TimeoutException) {
            return new StreamFailure("idle_timeout", "The stream sent nothing for too long", POLICY);
        }
        logger.error("A stream failed", failure);
        return new StreamFailure("internal_error", "The service failed to process the stream", CloseStatus.SERVER_ERROR);
    }

}
