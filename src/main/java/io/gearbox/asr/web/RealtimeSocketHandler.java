package io.gearbox.asr.web;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.gearbox.asr.audio.PcmEncoding;
import io.gearbox.asr.audio.Resampler;
import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.streaming.RecognitionStream;
import io.gearbox.asr.streaming.StreamLimitExceededException;
import io.gearbox.asr.streaming.StreamOptions;
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
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code /v1/realtime?intent=transcription}: OpenAI's Realtime API for transcription sessions, as its official
 * clients ({@code OpenAIRealtimeWS}) speak it, over the service's live streams ({@link StreamingRecognizer}).
 *
 * <p>On connect the service sends {@code session.created} (a {@link RealtimeSessionConfig transcription session}:
 * {@code audio/pcm} at 24 kHz, {@code server_vad} with the service's endpointing). The client sends JSON text
 * events: {@code session.update} (answered by {@code session.updated}), {@code input_audio_buffer.append}
 * (base64 16-bit little-endian PCM at the session's rate, 24000 or 16000 Hz), {@code input_audio_buffer.commit} and
 * {@code input_audio_buffer.clear} (answered by {@code input_audio_buffer.cleared}).
 *
 * <p>With {@code server_vad} each utterance that the stream's endpointer closes is one item: the first interim
 * or final result of an utterance sends {@code input_audio_buffer.speech_started} (its {@code audio_start_ms}), each
 * interim result that agrees on new words a {@code conversation.item.input_audio_transcription.delta} (those words,
 * so that the deltas concatenate), and its final result {@code input_audio_buffer.speech_stopped},
 * {@code input_audio_buffer.committed} and {@code conversation.item.input_audio_transcription.completed} (the final
 * result's text, decoded whole). With {@code turn_detection: null} audio accumulates until a commit, which decodes
 * it as one item ({@code committed}, then {@code completed}). A commit in either mode ends the stream's audio
 * there and a fresh stream takes what follows; a clear drops the uncommitted audio the same way. Times are in
 * milliseconds of all audio appended to the session.
 *
 * <p>A bad event (not JSON, an unknown or unsupported type, invalid base64, an unsupported format) is answered by
 * an {@code error} event and the session goes on, as OpenAI's does; limits, saturation and the service's failures
 * send the {@code error} event and then close the connection with {@link StreamFailure}'s status (1008 for limits,
 * 1013 when saturated or at {@code asr.stream.max-sessions}, 1011 for a failure). Every server event has a
 * unique {@code event_id}; an error names the client's {@code event_id} that caused it. The stream's resources are
 * released however the connection ends. Conversations and responses (model-generated replies) are not served.
 */
final class RealtimeSocketHandler implements WebSocketHandler {

    /** The endpoint's path. */
    static final String PATH = "/v1/realtime";

    private static final Logger logger = LoggerFactory.getLogger(RealtimeSocketHandler.class);

    /** OpenAI refuses to commit less than 100 ms of audio; so does this service. */
    private static final int MIN_COMMIT_MILLIS = 100;

    /** Client events of OpenAI's conversation sessions, which are not served here. */
    private static final Set<String> CONVERSATION_EVENTS = Set.of("response.create", "response.cancel",
            "conversation.item.create", "conversation.item.delete", "conversation.item.retrieve",
            "conversation.item.truncate", "output_audio_buffer.clear");

    private final StreamingRecognizer streams;

    private final JsonMapper jsonMapper;

    RealtimeSocketHandler(StreamingRecognizer streams, JsonMapper jsonMapper) {
        this.streams = streams;
        this.jsonMapper = jsonMapper;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        return new Connection(session).run();
    }

    /** One client's session. Events are handled one at a time, in order. */
    private final class Connection {

        private final WebSocketSession session;

        private final StreamSettings settings;

        private final int modelRate;

        private final AtomicReference<CloseStatus> closeWith = new AtomicReference<>(CloseStatus.NORMAL);

        /** Audio bytes received in append events and not yet processed. */
        private final AtomicLong unprocessed = new AtomicLong();

        private final Sinks.Many<String> replies = Sinks.many().unicast().onBackpressureBuffer();

        /** Makes the session's ids unique: a random part per session, a counter within it. */
        private final String idPrefix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

        private final AtomicLong ids = new AtomicLong();

        private final String sessionId = "sess_" + this.idPrefix;

        /** Set once the session is over (failed or closed): later events are ignored. */
        private volatile boolean finished;

        /** Set once the replies are complete. */
        private boolean completed;

        /** Set once the connection's resources are released: a stream opened after it is closed at once. */
        private volatile boolean released;

        private volatile Disposable idle;

        /** The most audio bytes that may wait, at the session's rate. */
        private volatile long maxUnprocessed;

        // The rest is touched by one event's handling at a time (events are concatenated).

        private RealtimeSessionConfig config;

        private PcmEncoding.Chunks decoder = PcmEncoding.S16LE.chunks();

        private Resampler.Stream resampler;

        /** The stream that takes the audio until the next commit or clear. */
        private volatile RecognitionStream stream;

        /** Where the stream starts, in model-rate samples of all the session's audio. */
        private long streamStart;

        /** Samples fed to the stream. */
        private long fed;

        /** Samples appended since the last item was committed, or the buffer cleared. */
        private long uncommitted;

        /** The item of the utterance under way (server VAD), once its speech has started. */
        private String openItem;

        /** The open item's words sent as deltas so far. */
        private String agreed = "";

        private String previousItem;

        /** With manual commits: the finals of the uncommitted audio (more than one only past the longest segment). */
        private final List<String> held = new ArrayList<>();

        /** Whether a final committed an item during the commit being handled. */
        private boolean committedByFinal;

        Connection(WebSocketSession session) {
            this.session = session;
            this.settings = RealtimeSocketHandler.this.streams.settings();
            this.modelRate = RealtimeSocketHandler.this.streams.sampleRate();
            configure(RealtimeSessionConfig.defaults(this.settings.endpoints()));
        }

        /**
         * Opens the session, then reads the client's events one at a time and sends what they produce. As in
         * {@link StreamSocketHandler}, the inbound side is never cancelled before the service closes: after a fatal
         * failure the remaining messages are read and ignored, the replies are completed, and the close goes out
         * with the failure's status.
         */
        Mono<Void> run() {
            try {
                start();
            }
            catch (RuntimeException ex) {
                fatal(ex, null);
            }
            Mono<Void> receiving = this.session.receive()
                .map(this::readSafely)
                .concatMap((inbound) -> this.finished ? Flux.<Map<String, Object>>empty()
                        : Flux.defer(() -> handle(inbound)).onErrorResume((failure) -> failed(failure, inbound)))
                .doOnNext(this::emit)
                .doOnComplete(() -> {
                    complete();
                    release();
                })
                .then();
            Mono<Void> sending = this.session.send(this.replies.asFlux().map(this.session::textMessage))
                .then(Mono.defer(() -> this.session.close(this.closeWith.get())));
            restartIdleTimer();
            return Mono.when(receiving, sending)
                .onErrorResume((ex) -> {
                    logger.debug("Realtime connection ended: {}", ex.toString());
                    return Mono.empty();
                })
                .doFinally((signal) -> {
                    this.idle.dispose();
                    release();
                });
        }

        private void start() {
            var query = UriComponentsBuilder.fromUri(this.session.getHandshakeInfo().getUri()).build()
                .getQueryParams();
            String intent = query.getFirst("intent");
            if (intent != null && !"transcription".equals(intent)) {
                throw StreamFailure.unsupported("unsupported_intent", "Only transcription sessions are served "
                        + "(/v1/realtime?intent=transcription), not intent '" + intent + "'");
            }
            openStream();
            Map<String, Object> created = event("session.created");
            created.put("session", sessionJson());
            emit(created);
        }

        private synchronized void emit(Map<String, Object> event) {
            if (!this.completed) {
                this.replies.emitNext(RealtimeSocketHandler.this.jsonMapper.writeValueAsString(event),
                        Sinks.EmitFailureHandler.FAIL_FAST);
            }
        }

        /** Closes, with {@link #closeWith}, once the replies so far have gone. */
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
                .subscribe((tick) -> fatal(new TimeoutException("idle"), null));
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

        /** Parses a message before its buffer is released, and checks the frame and buffered-audio limits. */
        private Inbound read(WebSocketMessage message) {
            int size = message.getPayload().readableByteCount();
            if (size > this.settings.maxFrameBytes()) {
                throw StreamFailure.limit("frame_too_large", "A message of " + size + " bytes is larger than the "
                        + this.settings.maxFrameBytes() + " allowed (asr.stream.max-frame)");
            }
            if (message.getType() == WebSocketMessage.Type.BINARY) {
                return new Inbound.Binary();
            }
            if (message.getType() != WebSocketMessage.Type.TEXT) {
                return new Inbound.Control();
            }
            Map<?, ?> event = parseObject(message.getPayloadAsText());
            String eventId = (event.get("event_id") instanceof String id) ? id : null;
            long audioBytes = (event.get("audio") instanceof String audio) ? audio.length() * 3L / 4 : 0;
            if (this.unprocessed.addAndGet(audioBytes) > this.maxUnprocessed) {
                throw StreamFailure.limit("buffer_full", "More than " + this.settings.maxBufferedAudio().toMillis()
                        / 1000.0 + " s of audio is waiting to be processed (asr.stream.max-buffered-audio): append "
                        + "audio no faster than real time");
            }
            return new Inbound.Event(event, eventId, audioBytes);
        }

        private Map<?, ?> parseObject(String text) {
            Object parsed;
            try {
                parsed = RealtimeSocketHandler.this.jsonMapper.readValue(text, Object.class);
            }
            catch (JacksonException ex) {
                throw StreamFailure.invalid("invalid_json", "The event is not JSON: " + ex.getOriginalMessage());
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw StreamFailure.invalid("invalid_json", "An event must be a JSON object");
            }
            return map;
        }

        private Flux<Map<String, Object>> handle(Inbound inbound) {
            if (inbound instanceof Inbound.Failure failure) {
                throw failure.failure();
            }
            if (inbound instanceof Inbound.Control) {
                return Flux.empty();
            }
            if (inbound instanceof Inbound.Binary) {
                throw StreamFailure.invalid("binary_not_supported", "Send events as JSON text messages; audio goes "
                        + "base64-encoded in input_audio_buffer.append");
            }
            Inbound.Event event = (Inbound.Event) inbound;
            this.unprocessed.addAndGet(-event.audioBytes());
            Object type = event.event().get("type");
            if (!(type instanceof String name)) {
                throw StreamFailure.invalid("invalid_event", "An event needs a string 'type'");
            }
            return switch (name) {
                case "session.update" -> update(event.event().get("session"));
                case "input_audio_buffer.append" -> append(event.event().get("audio"));
                case "input_audio_buffer.commit" -> commit();
                case "input_audio_buffer.clear" -> clear();
                default -> {
                    if (CONVERSATION_EVENTS.contains(name)) {
                        throw StreamFailure.invalid("unsupported_event", "'" + name + "' is not served: this "
                                + "service transcribes (intent=transcription) and generates no responses");
                    }
                    throw StreamFailure.invalid("unknown_event_type", "Unknown event type '" + name + "'; a "
                            + "transcription session takes session.update and input_audio_buffer.append, .commit "
                            + "and .clear");
                }
            };
        }

        private Flux<Map<String, Object>> update(Object session) {
            RealtimeSessionConfig next = this.config.update(session, this.settings.endpoints());
            if (!next.equals(this.config)) {
                boolean speechUnderway = this.config.serverVad() ? this.openItem != null : this.uncommitted > 0;
                if (speechUnderway) {
                    throw StreamFailure.invalid("session_update_with_uncommitted_audio", "The audio format and "
                            + "turn detection may change only while no speech is uncommitted; commit or clear the "
                            + "input audio buffer first");
                }
                configure(next);
                restartStream();
            }
            Map<String, Object> updated = event("session.updated");
            updated.put("session", sessionJson());
            return Flux.just(updated);
        }

        private Flux<Map<String, Object>> append(Object audio) {
            if (!(audio instanceof String base64)) {
                throw StreamFailure.invalid("invalid_value", "input_audio_buffer.append needs 'audio': base64 of "
                        + "16-bit little-endian PCM at the session's rate");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(base64);
            }
            catch (IllegalArgumentException ex) {
                throw StreamFailure.invalid("invalid_audio", "'audio' is not valid base64: " + ex.getMessage());
            }
            float[] samples = this.decoder.accept(ByteBuffer.wrap(bytes));
            if (this.resampler != null) {
                samples = this.resampler.accept(samples);
            }
            return feed(samples);
        }

        private Flux<Map<String, Object>> feed(float[] samples) {
            long limit = Math.round(this.settings.maxDuration().toNanos() * 1e-9 * this.modelRate);
            if (this.streamStart + this.fed + samples.length > limit) {
                throw new StreamLimitExceededException("asr.stream.max-duration", "The session is longer than "
                        + "the " + this.settings.maxDuration() + " of audio allowed");
            }
            this.fed += samples.length;
            this.uncommitted += samples.length;
            return this.stream.accept(samples).concatMapIterable(this::onResult);
        }

        private Flux<Map<String, Object>> commit() {
            long millis = this.uncommitted * 1000 / this.modelRate;
            if (millis < MIN_COMMIT_MILLIS) {
                throw StreamFailure.invalid("input_audio_buffer_commit_empty", "The input audio buffer holds "
                        + millis + " ms of uncommitted audio; a commit needs at least " + MIN_COMMIT_MILLIS + " ms");
            }
            float[] rest = (this.resampler != null) ? this.resampler.flush() : new float[0];
            this.committedByFinal = false;
            RecognitionStream current = this.stream;
            return feed(rest).concatWith(current.finish().concatMapIterable(this::onResult))
                .concatWith(Flux.defer(() -> {
                    List<Map<String, Object>> events = committedByCommit();
                    restartStream();
                    return Flux.fromIterable(events);
                }));
        }

        private Flux<Map<String, Object>> clear() {
            restartStream();
            return Flux.just(event("input_audio_buffer.cleared"));
        }

        /**
         * The events of one result of the stream.
         */
        private List<Map<String, Object>> onResult(StreamResult result) {
            if (!this.config.serverVad()) {
                if (result.kind() == StreamResult.Kind.FINAL && !result.text().isBlank()) {
                    this.held.add(result.text());
                }
                return List.of();
            }
            List<Map<String, Object>> events = new ArrayList<>();
            if (this.openItem == null) {
                this.openItem = nextId("item");
                this.agreed = "";
                Map<String, Object> started = event("input_audio_buffer.speech_started");
                started.put("audio_start_ms", sessionMillis(result.start()));
                started.put("item_id", this.openItem);
                events.add(started);
            }
            String text = result.text();
            if (result.kind() == StreamResult.Kind.PARTIAL) {
                // Interim results only grow (LocalAgreement): the delta is what this one adds.
                if (text.length() > this.agreed.length() && text.startsWith(this.agreed)) {
                    Map<String, Object> delta = event("conversation.item.input_audio_transcription.delta");
                    delta.put("item_id", this.openItem);
                    delta.put("content_index", 0);
                    delta.put("delta", text.substring(this.agreed.length()));
                    events.add(delta);
                    this.agreed = text;
                }
                return events;
            }
            Map<String, Object> stopped = event("input_audio_buffer.speech_stopped");
            stopped.put("audio_end_ms", sessionMillis(result.end()));
            stopped.put("item_id", this.openItem);
            events.add(stopped);
            events.addAll(committed(this.openItem, text, result.end() - result.start()));
            this.openItem = null;
            this.agreed = "";
            this.committedByFinal = true;
            long end = Math.round(result.end() * this.modelRate);
            this.uncommitted = Math.max(0, this.fed - end);
            return events;
        }

        /** The events a commit adds after the stream's finals: the item that they did not commit. */
        private List<Map<String, Object>> committedByCommit() {
            double seconds = (double) this.uncommitted / this.modelRate;
            List<Map<String, Object>> events = new ArrayList<>();
            if (!this.config.serverVad()) {
                events.addAll(committed(nextId("item"), String.join(" ", this.held), seconds));
            }
            else if (!this.committedByFinal) {
                // Audio without an utterance the endpointer closed: committed as an item with no words.
                String item = this.openItem;
                if (item != null) {
                    Map<String, Object> stopped = event("input_audio_buffer.speech_stopped");
                    stopped.put("audio_end_ms", sessionMillis((double) this.fed / this.modelRate));
                    stopped.put("item_id", item);
                    events.add(stopped);
                }
                events.addAll(committed((item != null) ? item : nextId("item"), "", seconds));
            }
            return events;
        }

        private List<Map<String, Object>> committed(String item, String transcript, double seconds) {
            Map<String, Object> committed = event("input_audio_buffer.committed");
            committed.put("item_id", item);
            committed.put("previous_item_id", this.previousItem);
            Map<String, Object> completed = event("conversation.item.input_audio_transcription.completed");
            completed.put("item_id", item);
            completed.put("content_index", 0);
            completed.put("transcript", transcript);
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("type", "duration");
            usage.put("seconds", Math.round(seconds * 1000) / 1000.0);
            completed.put("usage", usage);
            this.previousItem = item;
            this.uncommitted = 0;
            return List.of(committed, completed);
        }

        /** Takes the session's settings; the stream is opened or restarted by the caller. */
        private void configure(RealtimeSessionConfig next) {
            this.config = next;
            this.maxUnprocessed = this.settings.maxBufferedAudio().toMillis() * next.sampleRate()
                    * PcmEncoding.S16LE.bytesPerSample() / 1000;
        }

        /** Drops the current stream and the audio it holds uncommitted, and opens a fresh one. */
        private void restartStream() {
            RecognitionStream current = this.stream;
            this.stream = null;
            if (current != null) {
                current.close();
            }
            this.streamStart += this.fed;
            this.fed = 0;
            this.uncommitted = 0;
            this.openItem = null;
            this.agreed = "";
            this.held.clear();
            openStream();
        }

        private void openStream() {
            int rate = this.config.sampleRate();
            this.decoder = PcmEncoding.S16LE.chunks();
            this.resampler = (rate == this.modelRate) ? null : Resampler.stream(rate, this.modelRate);
            StreamOptions options = new StreamOptions(DepthRequest.auto(), this.config.serverVad(),
                    this.config.endpoints(this.settings.endpoints()));
            RecognitionStream opened = RealtimeSocketHandler.this.streams.open(options);
            this.stream = opened;
            if (this.released) {
                opened.close();
            }
        }

        private Map<String, Object> sessionJson() {
            StreamingRecognizer recognizer = RealtimeSocketHandler.this.streams;
            return this.config.json(this.sessionId, recognizer.manifest().name(), recognizer.manifest().language(),
                    recognizer.vadSettings());
        }

        private long sessionMillis(double streamSeconds) {
            return Math.round(((double) this.streamStart / this.modelRate + streamSeconds) * 1000);
        }

        private Map<String, Object> event(String type) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("type", type);
            event.put("event_id", nextId("event"));
            return event;
        }

        private String nextId(String kind) {
            return kind + "_" + this.idPrefix + Long.toHexString(this.ids.incrementAndGet());
        }

        /** A bad event is answered and the session goes on; anything else ends it. */
        private Flux<Map<String, Object>> failed(Throwable failure, Inbound inbound) {
            String eventId = (inbound instanceof Inbound.Event event) ? event.eventId() : null;
            StreamFailure mapped = StreamFailure.of(failure);
            if (mapped.recoverable()) {
                return Flux.just(error(mapped, eventId));
            }
            fatal(mapped, eventId);
            return Flux.empty();
        }

        private void fatal(Throwable failure, String eventId) {
            fatal(StreamFailure.of(failure), eventId);
        }

        /**
         * Ends the session on a failure: its error event goes out after the events so far, then the close with the
         * failure's status. Only the first failure counts.
         */
        private void fatal(StreamFailure failure, String eventId) {
            Map<String, Object> error = error(failure, eventId);
            synchronized (this) {
                if (this.finished) {
                    return;
                }
                this.closeWith.set(failure.status());
                emit(error);
                complete();
            }
            release();
        }

        private Map<String, Object> error(StreamFailure failure, String eventId) {
            int status = failure.status().getCode();
            boolean service = status == CloseStatus.SERVER_ERROR.getCode()
                    || status == StreamFailure.TRY_AGAIN_LATER.getCode();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("type", service ? "server_error" : "invalid_request_error");
            details.put("code", failure.code());
            details.put("message", failure.message());
            details.put("param", null);
            details.put("event_id", eventId);
            Map<String, Object> error = event("error");
            error.put("error", details);
            return error;
        }

        private void release() {
            this.released = true;
            RecognitionStream open = this.stream;
            if (open != null) {
                open.close();
            }
        }

    }

    /** A client message, parsed before its buffer is released. */
    private sealed interface Inbound {

        record Event(Map<?, ?> event, String eventId, long audioBytes) implements Inbound {
        }

        record Binary() implements Inbound {
        }

        record Control() implements Inbound {
        }

        record Failure(RuntimeException failure) implements Inbound {
        }

    }

}
