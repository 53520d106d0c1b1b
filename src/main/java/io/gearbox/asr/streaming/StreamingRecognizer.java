package io.gearbox.asr.streaming;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.segmentation.Endpointer;
import io.gearbox.asr.segmentation.VadSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

/**
 * Opens live streams over the service's recogniser and voice activity detector, at most
 * {@link StreamSettings#maxSessions()} at once, and none while the admission queue is full (a stream taken then
 * would get its results late). Thread-safe.
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
                    options, this.settings, this.scheduler, this.listeners, this.open::decrementAndGet);
            this.listeners.forEach((listener) -> notify(listener, StreamListener::onOpened));
            return stream;
        }
        catch (RuntimeException ex) {
            this.open.decrementAndGet();
            throw ex;
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
