package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.gearbox.asr.audio.AudioException;
import io.gearbox.asr.audio.AudioLoader;
import io.gearbox.asr.audio.InvalidAudioException;
import io.gearbox.asr.audio.PcmAudio;
import io.gearbox.asr.decoding.CtcDecoder;
import io.gearbox.asr.decoding.Segment;
import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.LogProbs;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.RecognitionSample.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Transcribes one utterance: decode the audio, pad it to the model's shortest input, compute log-mel features, run
 * the chosen exit, CTC-decode.
 *
 * <p>Every step after admission runs on the given bounded scheduler, never on the caller's (event-loop) thread.
 * Admission fails fast with {@link OverloadedException} when the {@link AdmissionQueue} is full; a pinned depth the
 * model lacks fails with {@link UnknownDepthException} before admission; audio problems surface as the
 * {@code audio} package's {@link AudioException}s.
 */
public final class Recognizer {

    private static final Logger logger = LoggerFactory.getLogger(Recognizer.class);

    private final AcousticModel model;

    private final AudioLoader audioLoader;

    private final LogMelExtractor features;

    private final CtcDecoder decoder;

    private final CtcDecoder fastDecoder;

    private final Function<Transcript, List<Segment>> segmenter;

    private final DepthSelector depthSelector;

    private final AdmissionQueue admission;

    private final Scheduler scheduler;

    private final List<RecognitionListener> listeners;

    private final LongSupplier nanoClock;

    /**
     * @param model the open exits
     * @param audioLoader decodes audio to mono samples at the model's sample rate, enforcing the duration limit
     * @param features the model's log-mel front end
     * @param decoder CTC decoder over the model's vocabulary
     * @param fastDecoder the cheaper decoder of the governor's lowest gear (greedy)
     * @param segmenter cuts a transcript into segments
     * @param depthSelector chooses the depth of {@code auto} requests
     * @param admission bounds the work in the service
     * @param scheduler bounded scheduler for the blocking steps, with at least {@code admission.concurrency()}
     * threads
     * @param listeners told about every finished utterance
     */
    public Recognizer(AcousticModel model, AudioLoader audioLoader, LogMelExtractor features, CtcDecoder decoder,
            CtcDecoder fastDecoder, Function<Transcript, List<Segment>> segmenter, DepthSelector depthSelector,
            AdmissionQueue admission, Scheduler scheduler, List<RecognitionListener> listeners) {
        this(model, audioLoader, features, decoder, fastDecoder, segmenter, depthSelector, admission, scheduler,
                listeners, System::nanoTime);
    }

    Recognizer(AcousticModel model, AudioLoader audioLoader, LogMelExtractor features, CtcDecoder decoder,
            CtcDecoder fastDecoder, Function<Transcript, List<Segment>> segmenter, DepthSelector depthSelector,
            AdmissionQueue admission, Scheduler scheduler, List<RecognitionListener> listeners,
            LongSupplier nanoClock) {
        this.model = model;
        this.audioLoader = audioLoader;
        this.features = features;
        this.decoder = decoder;
        this.fastDecoder = fastDecoder;
        this.segmenter = segmenter;
        this.depthSelector = depthSelector;
        this.admission = admission;
        this.scheduler = scheduler;
        this.listeners = List.copyOf(listeners);
        this.nanoClock = nanoClock;
    }

    /**
     * Transcribes one utterance.
     * @param request the audio and the depth asked for
     * @return the result, produced on the recognition scheduler; errors as described in the class Javadoc
     */
    public Mono<Recognition> recognize(RecognitionRequest request) {
        return Mono.defer(() -> {
            checkDepth(request.depth());
            AdmissionQueue.Permit permit;
            try {
                permit = this.admission.admit();
            }
            catch (OverloadedException ex) {
                this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onRejected));
                return Mono.error(ex);
            }
            long admittedAt = this.nanoClock.getAsLong();
            this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onAdmitted));
            return Mono.fromCallable(() -> process(request, permit, admittedAt))
                .subscribeOn(this.scheduler)
                .doFinally((signal) -> permit.release()); // also when cancelled before it started
        });
    }

    /**
     * Fails fast for a request that {@link #recognize} would turn away anyway, so that callers can check before
     * reading a large upload: a pinned depth the model lacks, or a full admission queue. Passing this check does
     * not reserve a place; {@link #recognize} admits for real.
     * @param depth the depth asked for
     * @throws UnknownDepthException if a pinned depth has no open exit
     * @throws OverloadedException if the admission queue is full right now
     */
    public void rejectEarly(DepthRequest depth) {
        checkDepth(depth);
        if (this.admission.isFull()) {
            this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onRejected));
            throw this.admission.overloaded();
        }
    }

    /** @return the manifest of the model being served */
    public ModelManifest manifest() {
        return this.model.manifest();
    }

    /** @return the open exits' depths, shallowest first */
    public List<Integer> depths() {
        return this.model.depths();
    }

    /** @return the admission queue (queue and in-flight gauges) */
    public AdmissionQueue admission() {
        return this.admission;
    }

    /**
     * Runs a silent utterance of the model's shortest input through every open exit and the decoder, so that the
     * first real request does not pay for ONNX Runtime's lazy initialisation. Blocks the calling thread.
     */
    public void warmUp() {
        float[][] silence = this.features.extract(new float[this.model.manifest().minSamples()]);
        for (int depth : this.model.depths()) {
            LogProbs logProbs = this.model.run(depth, silence);
            this.decoder.decode(logProbs.values(), logProbs.length());
            this.fastDecoder.decode(logProbs.values(), logProbs.length());
        }
        logger.info("Warmed up exits {}", this.model.depths());
    }

    private void checkDepth(DepthRequest depth) {
        OptionalInt pinned = depth.pinnedDepth();
        if (pinned.isPresent() && !this.model.hasExit(pinned.getAsInt())) {
            throw new UnknownDepthException(Integer.toString(pinned.getAsInt()), this.model.depths());
        }
    }

    private Recognition process(RecognitionRequest request, AdmissionQueue.Permit permit, long admittedAt) {
        permit.start();
        long startedAt = this.nanoClock.getAsLong();
        boolean pinned = !request.depth().isAuto();
        int depth = 0;
        Gear.Decoding decoding = Gear.Decoding.FULL;
        long frontEndNanos = 0;
        long ctcDecodeNanos = 0;
        double audioSeconds = 0;
        Outcome outcome = Outcome.ERROR;
        try {
            OverloadedException expired = this.admission.expired(startedAt - admittedAt);
            if (expired != null) {
                outcome = Outcome.EXPIRED;
                throw expired; // unprocessed: the sample below says so, with no exit and no audio
            }
            PcmAudio audio = decode(request);
            frontEndNanos = this.nanoClock.getAsLong() - startedAt;
            audioSeconds = audio.durationSeconds();
            Gear gear = pinned ? Gear.full(request.depth().pinnedDepth().getAsInt()) : selectGear(request, audioSeconds);
            depth = gear.depth();
            decoding = gear.decoding();
            long featuresFrom = this.nanoClock.getAsLong();
            float[][] frames = this.features.extract(padToShortestInput(audio.samples()));
            frontEndNanos += this.nanoClock.getAsLong() - featuresFrom;
            LogProbs logProbs = this.model.run(depth, frames);
            long decodingFrom = this.nanoClock.getAsLong();
            Transcript transcript = (gear.isFast() ? this.fastDecoder : this.decoder).decode(logProbs.values(),
                    logProbs.length());
            ctcDecodeNanos = this.nanoClock.getAsLong() - decodingFrom;
            List<Segment> segments = this.segmenter.apply(transcript);
            outcome = Outcome.SUCCESS;
            Duration queueWait = Duration.ofNanos(startedAt - admittedAt);
            Duration serviceTime = Duration.ofNanos(this.nanoClock.getAsLong() - startedAt);
            ModelManifest manifest = this.model.manifest();
            return new Recognition(manifest.name(), manifest.language(), depth, decoding, pinned, audioSeconds,
                    transcript, segments, queueWait, serviceTime);
        }
        catch (AudioException ex) {
            outcome = Outcome.INVALID_AUDIO;
            throw ex;
        }
        finally {
            long finishedAt = this.nanoClock.getAsLong();
            // Free the place before the result is emitted, so a caller that sees the result sees the queue without it.
            permit.release();
            RecognitionSample sample = new RecognitionSample(depth, decoding, pinned, audioSeconds,
                    Duration.ofNanos(startedAt - admittedAt), Duration.ofNanos(finishedAt - startedAt),
                    Duration.ofNanos(frontEndNanos), Duration.ofNanos(ctcDecodeNanos),
                    Duration.ofNanos(finishedAt - admittedAt), outcome);
            this.listeners.forEach((listener) -> notifySample(listener, sample));
        }
    }

    /**
     * Decodes the upload. A decoder library that fails on malformed input in a way of its own (rather than with an
     * {@link AudioException}) is still the client's bad input, never a server error.
     */
    private PcmAudio decode(RecognitionRequest request) {
        try {
            return this.audioLoader.load(request.audio(), request.mediaType());
        }
        catch (AudioException ex) {
            throw ex;
        }
        catch (RuntimeException | StackOverflowError ex) {
            logger.debug("Audio decoder failed unexpectedly", ex);
            throw new InvalidAudioException("The audio could not be decoded", ex);
        }
    }

    private Gear selectGear(RecognitionRequest request, double audioSeconds) {
        List<Integer> depths = this.model.depths();
        DepthSelector.DepthQuery query = new DepthSelector.DepthQuery(depths, audioSeconds,
                request.maxLatencyMillis(), this.admission.waiting(), this.admission.inFlight());
        Gear selected = this.depthSelector.selectGear(query);
        int chosen = selected.depth();
        if (this.model.hasExit(chosen)) {
            return selected;
        }
        int fallback = depths.get(0);
        for (int depth : depths) {
            if (depth <= chosen) {
                fallback = depth;
            }
        }
        logger.debug("Depth selector chose {}, which is not open; using {}", chosen, fallback);
        return new Gear(fallback, selected.decoding());
    }

    private float[] padToShortestInput(float[] samples) {
        int minSamples = this.model.manifest().minSamples();
        return (samples.length >= minSamples) ? samples : Arrays.copyOf(samples, minSamples);
    }

    private void notifySample(RecognitionListener listener, RecognitionSample sample) {
        try {
            listener.onRecognition(sample);
        }
        catch (RuntimeException ex) {
            logger.warn("Recognition listener {} failed", listener, ex);
        }
    }

    private void notify(RecognitionListener listener, Consumer<RecognitionListener> event) {
        try {
            event.accept(listener);
        }
        catch (RuntimeException ex) {
            logger.warn("Recognition listener {} failed", listener, ex);
        }
    }

}
