package io.gearbox.asr.web;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.gearbox.asr.audio.PcmEncoding;
import io.gearbox.asr.audio.Resampler;
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.streaming.RecognitionStream;
import io.gearbox.asr.streaming.StreamRefusedException;
import io.gearbox.asr.streaming.StreamResult;
import io.gearbox.asr.streaming.StreamSettings;
import io.gearbox.asr.streaming.StreamingRecognizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * {@code /v1/stream}, the native streaming protocol. The client sends a config text message first
 * ({@link StreamConfigMessage}), then binary audio chunks of any size, and may end with {@code {"type":"end"}}; the
 * service sends {@code partial} and {@code final} results as text ({@link #json(StreamResult)}), and on a failure an
 * {@code error} message then a close ({@link StreamFailure}). After {@code end} the last final is flushed and the
 * service closes with 1000. The stream's resources are released however the connection ends.
 */
final class StreamSocketHandler implements WebSocketHandler {

    private static final Logger logger = LoggerFactory.getLogger(StreamSocketHandler.class);

    private final StreamingRecognizer streams;

    private final JsonMapper jsonMapper;

    StreamSocketHandler(StreamingRecognizer streams, JsonMapper jsonMapper) {
        this.streams = streams;
        this.jsonMapper = jsonMapper;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        Connection connection = new Connection(session);
        return connection.run();
    }

    /** One client's connection. Messages are handled one at a time, in order. */
    private final class Connection {

        private final WebSocketSession session;

        private final StreamSettings settings;

        private final AtomicReference<CloseStatus> closeWith = new AtomicReference<>(CloseStatus.NORMAL);

        /** Audio bytes received and not yet processed. */
        private final AtomicLong unprocessed = new AtomicLong();

        /** Set once by the config; read by {@link #read} on the connection's event loop. */
        private volatile RecognitionStream stream;

        private final Sinks.Many<String> replies = Sinks.many().unicast().onBackpressureBuffer();

        /** Set once the stream is over (ended or failed): later messages are ignored. */
        private volatile boolean finished;

        /** Set once the replies are complete. */
        private boolean completed;

        private volatile Disposable idle;

        /** The most audio bytes that may wait, once the config has said how many bytes a second holds. */
        private volatile long maxUnprocessed = Long.MAX_VALUE;

        private PcmEncoding.Chunks decoder;

        private Resampler.Stream resampler;

        Connection(WebSocketSession session) {
            this.session = session;
            this.settings = StreamSocketHandler.this.streams.settings();
        }

        /**
         * Reads the client's messages one at a time and sends what they produce. The inbound side is never
         * cancelled before the service closes (Reactor Netty closes a WebSocket whose inbound is cancelled,
         * before an error message could go out): after an {@code end} or a failure the remaining messages are
         * read and ignored, the replies are completed, and the close goes out with its status.
         */
        Mono<Void> run() {
            // The service's stop arrives as one more message, until the client's messages end.
            Sinks.One<Boolean> inboundDone = Sinks.one();
            Flux<Inbound> messages = this.session.receive()
                .map(this::readSafely)
                .doFinally((signal) -> inboundDone.tryEmitValue(true));
            Flux<Inbound> stop = StreamSocketHandler.this.streams.stopping()
                .thenReturn((Inbound) new Inbound.Stop())
                .flux()
                .takeUntilOther(inboundDone.asMono());
            Mono<Void> receiving = Flux.merge(messages, stop)
                .concatMap((inbound) -> this.finished ? Flux.<String>empty()
                        : Flux.defer(() -> handle(inbound)).onErrorResume((failure) -> {
                            fail(failure);
                            return Mono.empty();
                        }))
                .doOnNext(this::emit)
                .doOnComplete(this::release)
                .then();
            Mono<Void> sending = this.session.send(this.replies.asFlux().map(this.session::textMessage))
                .then(Mono.defer(() -> this.session.close(this.closeWith.get())));
            restartIdleTimer();
            return Mono.when(receiving, sending)
                .onErrorResume((ex) -> {
                    logger.debug("Stream connection ended: {}", ex.toString());
                    return Mono.empty();
                })
                .doFinally((signal) -> {
                    this.idle.dispose();
                    release();
                });
        }

        private synchronized void emit(String reply) {
            if (!this.completed) {
                this.replies.emitNext(reply, Sinks.EmitFailureHandler.FAIL_FAST);
            }
        }

        /** Closes with 1000 once the replies so far have gone. */
        private synchronized void complete() {
            this.finished = true;
            if (!this.completed) {
                this.completed = true;
                this.replies.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
            }
        }

        private void restartIdleTimer() {
            Disposable previous = this.idle;
            if (previous != null) {
                previous.dispose();
            }
            this.idle = Mono.delay(this.settings.idleTimeout())
                .subscribe((tick) -> {
                    fail(new TimeoutException("idle"));
                });
        }

        private Inbound readSafely(WebSocketMessage message) {
            restartIdleTimer();
            try {
                return read(message);
            }
            catch (RuntimeException ex) {
                return new Inbound.Failure(ex);
            }
        }

        /** Copies a message out of its buffer, which is released after this call, and checks the frame limit. */
        private Inbound read(WebSocketMessage message) {
            int size = message.getPayload().readableByteCount();
            if (size > this.settings.maxFrameBytes()) {
                throw StreamFailure.limit("frame_too_large", "A message of " + size + " bytes is larger than the "
                        + this.settings.maxFrameBytes() + " allowed (asr.stream.max-frame)");
            }
            if (message.getType() == WebSocketMessage.Type.TEXT) {
                return new Inbound.Text(message.getPayloadAsText());
            }
            if (message.getType() != WebSocketMessage.Type.BINARY) {
                return new Inbound.Control();
            }
            byte[] bytes = new byte[size];
            message.getPayload().read(bytes);
            if (this.unprocessed.addAndGet(size) > this.maxUnprocessed) {
                throw StreamFailure.limit("buffer_full", "More than " + this.settings.maxBufferedAudio().toMillis()
                        / 1000.0 + " s of audio is waiting to be processed (asr.stream.max-buffered-audio): send "
                        + "audio no faster than real time");
            }
            return new Inbound.Audio(ByteBuffer.wrap(bytes));
        }

        private Flux<String> handle(Inbound inbound) {
            if (inbound instanceof Inbound.Failure failure) {
                throw failure.failure();
            }
            if (inbound instanceof Inbound.Stop) {
                return stop();
            }
            if (inbound instanceof Inbound.Control) {
                return Flux.empty();
            }
            if (this.stream == null) {
                if (inbound instanceof Inbound.Audio) {
                    throw StreamFailure.unsupported("config_expected",
                            "The first message must be a config text message, not audio");
                }
                open(((Inbound.Text) inbound).text());
                return Flux.empty();
            }
            Map<?, ?> message = (inbound instanceof Inbound.Text text) ? parseObject(text.text()) : null;
            if (message != null && "end".equals(message.get("type"))) {
                float[] rest = (this.resampler != null) ? this.resampler.flush() : new float[0];
                return this.stream.accept(rest)
                    .concatWith(this.stream.finish())
                    .map(this::json)
                    .doOnComplete(this::complete);
            }
            if (message != null) {
                throw StreamFailure.invalid("unexpected_message", "Unexpected message type '" + message.get("type")
                        + "' after the config; send audio as binary messages and {\"type\":\"end\"} to finish");
            }
            ByteBuffer bytes = ((Inbound.Audio) inbound).bytes();
            this.unprocessed.addAndGet(-bytes.remaining());
            float[] samples = this.decoder.accept(bytes);
            if (this.resampler != null) {
                samples = this.resampler.accept(samples);
            }
            return this.stream.accept(samples).map(this::json);
        }

        /**
         * The service is stopping: the open utterance is finished as on {@code end}, then the error
         * {@code shutting_down} and 1001 tell the client to connect again.
         */
        private Flux<String> stop() {
            StreamRefusedException stopping = new StreamRefusedException(StreamRefusedException.Reason.STOPPING,
                    "The service is stopping; connect again", Duration.ZERO);
            if (this.stream == null) {
                return Flux.error(stopping);
            }
            float[] rest = (this.resampler != null) ? this.resampler.flush() : new float[0];
            return this.stream.accept(rest)
                .concatWith(this.stream.finish())
                .map(this::json)
                .concatWith(Flux.error(stopping));
        }

        private void open(String text) {
            StreamConfigMessage config = StreamConfigMessage.parse(parseObject(text),
                    this.settings.endpoints());
            this.decoder = config.encoding().chunks();
            this.maxUnprocessed = this.settings.maxBufferedAudio().toMillis() * config.sampleRate()
                    * config.encoding().bytesPerSample() / 1000;
            int modelRate = StreamSocketHandler.this.streams.sampleRate();
            this.resampler = (config.sampleRate() == modelRate) ? null
                    : Resampler.stream(config.sampleRate(), modelRate);
            this.stream = StreamSocketHandler.this.streams.open(config.options());
        }

        private Map<?, ?> parseObject(String text) {
            Object parsed;
            try {
                parsed = StreamSocketHandler.this.jsonMapper.readValue(text, Object.class);
            }
            catch (JacksonException ex) {
                throw StreamFailure.invalid("invalid_json", "The message is not JSON: " + ex.getOriginalMessage());
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw StreamFailure.invalid("invalid_json", "The message must be a JSON object");
            }
            return map;
        }

        /**
         * Ends the stream on a failure: its error message goes out after the replies so far, then the close with
         * the failure's status. Only the first failure counts.
         */
        private void fail(Throwable failure) {
            RecognitionStream open = this.stream;
            if (!this.session.isOpen() || (open != null && open.isClosed())) {
                // the client has gone (a chunk still being processed found its stream closed): nobody to tell
                logger.debug("Stream ended after its client went: {}", failure.toString());
                release();
                return;
            }
            StreamFailure mapped = StreamFailure.of(failure);
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("type", "error");
            error.put("code", mapped.code());
            error.put("message", mapped.message());
            String json = StreamSocketHandler.this.jsonMapper.writeValueAsString(error);
            synchronized (this) {
                if (this.finished) {
                    return;
                }
                this.closeWith.set(mapped.status());
                emit(json);
                complete();
            }
            release();
        }

        private String json(StreamResult result) {
            return StreamSocketHandler.this.jsonMapper.writeValueAsString(StreamSocketHandler.json(result));
        }

        private void release() {
            RecognitionStream open = this.stream;
            if (open != null) {
                open.close();
            }
        }

    }

    /**
     * @param result a stream's result
     * @return its wire form: {@code type} ({@code partial} or {@code final}), {@code segment}, {@code text},
     * {@code start}, {@code end}, {@code words} and {@code depth}
     */
    static Map<String, Object> json(StreamResult result) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", (result.kind() == StreamResult.Kind.FINAL) ? "final" : "partial");
        message.put("segment", result.segment());
        message.put("text", result.text());
        message.put("start", round(result.start()));
        message.put("end", round(result.end()));
        List<Map<String, Object>> words = result.words().stream().map(StreamSocketHandler::json).toList();
        message.put("words", words);
        message.put("depth", result.depth());
        return message;
    }

    private static Map<String, Object> json(Word word) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("word", word.word());
        json.put("start", round(word.start()));
        json.put("end", round(word.end()));
        json.put("confidence", Math.round(word.confidence() * 1000) / 1000.0);
        return json;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** A client message, copied out of its buffer. */
    private sealed interface Inbound {

        record Text(String text) implements Inbound {
        }

        record Audio(ByteBuffer bytes) implements Inbound {
        }

        record Control() implements Inbound {
        }

        record Failure(RuntimeException failure) implements Inbound {
        }

        record Stop() implements Inbound {
        }

    }

}
