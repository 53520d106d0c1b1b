package io.gearbox.asr.streaming;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.segmentation.Endpointer;
import io.gearbox.asr.segmentation.VadSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * Opens live streams over the service's recogniser and voice activity detector, at most
 * {@link StreamSettings#maxSessions()} at once, and none while the admission queue is full (a stream taken then
 * would get its results late) or once the service is stopping ({@link #stop}). Thread-safe.
 */
public final class StreamingRecognizer {

    private static final Logger logger = LoggerFactory.getLogger(StreamingRecognizer.class);

    private final Recognizer recognizer;

    private final SileroVad vad;

    private final VadSettings vadSettings;

    private final StreamSettings settings;

    private final Scheduler scheduler;

    private final List<StreamListener> listeners;

    private final AtomicInteger open = new AtomicInteger();

    /** Completes when the service starts to stop: every stream finishes its utterance and ends. */
    private final Sinks.Empty<Void> stopping = Sinks.empty();

    private volatile boolean stopped;

    /** Completes once stopped and the last stream has closed. */
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    /**
     * @param recognizer decodes, admits and schedules every utterance
     * @param vad the voice activity detector at the model's rate
     * @param vadSettings its thresholds, minimum speech and padding
     * @param settings the streams' limits, interim results and default endpointing
     * @param scheduler runs the detector over each chunk: bounded, off the event loops, not the recogniser's
     * workers (whose queue the admission queue bounds)
     * @param listeners told what streams do
     */
    public StreamingRecognizer(Recognizer recognizer, SileroVad vad, VadSettings vadSettings,
            StreamSettings settings, Scheduler scheduler, List<StreamListener> listeners) {
        if (recognizer.manifest().sampleRate() != vad.sampleRate()) {
            throw new IllegalArgumentException("The voice activity detector runs at " + vad.sampleRate()
                    + " Hz and the model at " + recognizer.manifest().sampleRate() + " Hz");
        }
        this.recognizer = recognizer;
        this.vad = vad;
        this.vadSettings = vadSettings;
        this.settings = settings;
        this.scheduler = scheduler;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Opens a stream; close it when the client goes, however it goes.
     * @param options what the client asked for
     * @return the stream
     * @throws StreamRefusedException when {@code max-sessions} streams are open or the service is saturated
     * @throws io.gearbox.asr.recognition.UnknownDepthException for a pinned depth the model lacks
     */
    public RecognitionStream open(StreamOptions options) {
        if (this.stopped) {
            refused(StreamRefusedException.Reason.STOPPING);
            throw new StreamRefusedException(StreamRefusedException.Reason.STOPPING,
                    "The service is stopping; connect again", this.recognizer.admission().retryAfter());
        }
        this.recognizer.rejectEarlyDepth(options.depth());
        if (this.recognizer.admission().isFull()) {
            refused(StreamRefusedException.Reason.SATURATED);
            throw new StreamRefusedException(StreamRefusedException.Reason.SATURATED,
                    "The service is saturated; try again later", this.recognizer.admission().retryAfter());
        }
        while (true) {
            int current = this.open.get();
            if (current >= this.settings.maxSessions()) {
                refused(StreamRefusedException.Reason.TOO_MANY_STREAMS);
                throw new StreamRefusedException(StreamRefusedException.Reason.TOO_MANY_STREAMS,
                        current + " streams are open, the most allowed (asr.stream.max-sessions); try again later",
                        this.recognizer.admission().retryAfter());
            }
            if (this.open.compareAndSet(current, current + 1)) {
                break;
            }
        }
        try {
            Endpointer endpointer = new Endpointer(this.vadSettings, options.endpoints(), this.vad.sampleRate(),
                    this.vad.windowSamples());
            RecognitionStream stream = new RecognitionStream(this.recognizer, this.vad.newStream(), endpointer,
                    options, this.settings, this.scheduler, this.listeners, this::closedOne);
            this.listeners.forEach((listener) -> notify(listener, StreamListener::onOpened));
            return stream;
        }
        catch (RuntimeException ex) {
            this.open.decrementAndGet();
            throw ex;
        }
    }

    /**
     * Starts the stop: new streams are refused, and every open one is told ({@link #stopping()}) to finish its
     * utterance and end. Then waits for them to close.
     * @param gracePeriod the longest to wait
     * @return whether every stream closed in time
     */
    public boolean stop(Duration gracePeriod) {
        this.stopped = true;
        this.stopping.tryEmitEmpty();
        if (this.open.get() == 0) {
            this.closed.complete(null);
        }
        logger.info("Stopping: {} stream(s) open, told to finish their utterances", this.open.get());
        try {
            this.closed.get(gracePeriod.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (TimeoutException ex) {
            logger.warn("Stopping: {} stream(s) still open after {}", this.open.get(), gracePeriod);
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** @return completes when the service starts to stop; each stream then finishes its utterance and ends */
    public Mono<Void> stopping() {
        return this.stopping.asMono();
    }

    private void closedOne() {
        if (this.open.decrementAndGet() == 0 && this.stopped) {
            this.closed.complete(null);
        }
    }

    /** @return streams open now */
    public int openStreams() {
        return this.open.get();
    }

    /** @return the streams' settings */
    public StreamSettings settings() {
        return this.settings;
    }

    /** @return the model's sample rate, which {@link RecognitionStream#accept} takes */
    public int sampleRate() {
        return this.vad.sampleRate();
    }

    /** @return the voice activity detector's settings: its threshold and the padding kept around speech */
    public VadSettings vadSettings() {
        return this.vadSettings;
    }

    /** @return the served model's manifest: its name and language */
    public ModelManifest manifest() {
        return this.recognizer.manifest();
    }

    /** @return the depths a stream may pin */
    public List<Integer> depths() {
        return this.recognizer.depths();
    }

    private void refused(StreamRefusedException.Reason reason) {
        this.listeners.forEach((listener) -> notify(listener, (l) -> l.onRefused(reason)));
    }

    static void notify(StreamListener listener, Consumer<StreamListener> event) {
        try {
            event.accept(listener);
        }
        catch (RuntimeException ex) {
            logger.warn("Stream listener {} failed", listener, ex);
        }
    }

}
