package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.features.LogMelExtractor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.LogProbs;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.RecognitionSample.Outcome;
import io.gearbox.asr.segmentation.SpeechSpan;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Transcribes one recording: decode the audio, pad it to the model's shortest input, compute log-mel features, run
 * the chosen exit, CTC-decode.
 *
 * <p>A recording that the {@link LongFormCutter} cuts (one longer than its threshold) is recognised span by span
 * instead: its speech is searched a piece per task, and its spans of speech are separate utterances, each scheduled on the workers as its own task, each at the
 * gear chosen when a worker picks it up, each reported as its own {@link RecognitionSample}; the transcript is
 * stitched back with every time in the whole recording's time. The recording keeps one place in the admission
 * queue from admission to its last span. A long recording with no speech gives an empty transcript without running
 * an exit.
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

    private final LongFormCutter cutter;

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
     * @param cutter decides which recordings are cut at speech pauses, and where
     * @param depthSelector chooses the depth of {@code auto} requests
     * @param admission bounds the work in the service
     * @param scheduler bounded scheduler for the blocking steps, with at least {@code admission.concurrency()}
     * threads
     * @param listeners told about every finished utterance
     */
    public Recognizer(AcousticModel model, AudioLoader audioLoader, LogMelExtractor features, CtcDecoder decoder,
            CtcDecoder fastDecoder, Function<Transcript, List<Segment>> segmenter, LongFormCutter cutter,
            DepthSelector depthSelector, AdmissionQueue admission, Scheduler scheduler,
            List<RecognitionListener> listeners) {
        this(model, audioLoader, features, decoder, fastDecoder, segmenter, cutter, depthSelector, admission,
                scheduler, listeners, System::nanoTime);
    }

    Recognizer(AcousticModel model, AudioLoader audioLoader, LogMelExtractor features, CtcDecoder decoder,
            CtcDecoder fastDecoder, Function<Transcript, List<Segment>> segmenter, LongFormCutter cutter,
            DepthSelector depthSelector, AdmissionQueue admission, Scheduler scheduler,
            List<RecognitionListener> listeners, LongSupplier nanoClock) {
        this.model = model;
        this.audioLoader = audioLoader;
        this.features = features;
        this.decoder = decoder;
        this.fastDecoder = fastDecoder;
        this.segmenter = segmenter;
        this.cutter = cutter;
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
        return admitted(request, Mono::just, this::recognizeSpans).single();
    }

    /**
     * Transcribes one recording as {@link #recognize} does (the same admission, gears, samples and errors), telling
     * each span of a long recording as it finishes: a {@link RecognitionProgress.SpanRecognized} per span, in
     * order, then one {@link RecognitionProgress.Finished} holding what {@link #recognize} would have given. A
     * recording recognised whole gives only the {@link RecognitionProgress.Finished}. Cancelling the subscription
     * frees the recording's place in the queue; a span already on a worker runs to its end.
     * @param request the audio and the depth asked for
     * @return the progress, produced on the recognition scheduler; errors as described in the class Javadoc, also
     * after some spans were told
     */
    public Flux<RecognitionProgress> recognizeProgressively(RecognitionRequest request) {
        return admitted(request, (whole) -> Mono.just(new RecognitionProgress.Finished(whole)),
                this::recognizeSpansProgressively);
    }

    /**
     * Admits the request and runs its first step on a worker; then a recording recognised whole goes to
     * {@code whole}, and a long recording, once its speech is found, to {@code spans}. The place in the queue is
     * held until what they give ends.
     */
    private <T> Flux<T> admitted(RecognitionRequest request, Function<Recognition, Mono<T>> whole,
            Function<Cut, Publisher<T>> spans) {
        return Flux.defer(() -> {
            checkDepth(request.depth());
            AdmissionQueue.Permit permit;
            try {
                permit = this.admission.admit();
            }
            catch (OverloadedException ex) {
                this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onRejected));
                return Flux.error(ex);
            }
            long admittedAt = this.nanoClock.getAsLong();
            this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onAdmitted));
            return Mono.fromCallable(() -> begin(request, permit, admittedAt))
                .subscribeOn(this.scheduler)
                .flatMapMany((begun) -> (begun.search() == null) ? whole.apply(begun.whole())
                        : search(begun.search()).flatMapMany(spans))
                .doFinally((signal) -> permit.release()); // also when cancelled before it started
        });
    }

    /**
     * Transcribes audio that is already mono samples at the model's rate: an utterance of a live stream, or a
     * window of one for an interim result. It is admitted, scheduled on the workers, given its gear and reported to
     * the listeners as an utterance exactly as {@link #recognize} does for an upload, so streams count in the
     * service's load; it is never cut at speech pauses (the stream's endpointing has already cut it).
     * @param samples mono samples at {@link ModelManifest#sampleRate()}; not copied, not to be changed afterwards
     * @param depth the depth asked for
     * @param urgency whether the service may turn it away under load
     * @return the transcript with times from the start of {@code samples}, produced on the recognition scheduler;
     * {@link OverloadedException} when an {@link Urgency#OPTIONAL optional} one finds the queue full or waited too
     * long for a worker, {@link UnknownDepthException} for a pinned depth the model lacks
     */
    public Mono<Utterance> recognizeSamples(float[] samples, DepthRequest depth, Urgency urgency) {
        return Mono.defer(() -> {
            checkDepth(depth);
            AdmissionQueue.Permit permit;
            if (urgency == Urgency.REQUIRED) {
                permit = this.admission.admitRegardless();
            }
            else {
                try {
                    permit = this.admission.admit();
                }
                catch (OverloadedException ex) {
                    this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onRejected));
                    return Mono.error(ex);
                }
            }
            long admittedAt = this.nanoClock.getAsLong();
            this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onAdmitted));
            RecognitionRequest request = new RecognitionRequest(new byte[0], null, depth, 0);
            return Mono.fromCallable(() -> recognizeSamples(samples, request, urgency, permit, admittedAt))
                .subscribeOn(this.scheduler)
                .doFinally((signal) -> permit.release());
        });
    }

    private Utterance recognizeSamples(float[] samples, RecognitionRequest request, Urgency urgency,
            AdmissionQueue.Permit permit, long admittedAt) {
        permit.start();
        long startedAt = this.nanoClock.getAsLong();
        Tally tally = new Tally();
        tally.audioSeconds = (double) samples.length / this.model.manifest().sampleRate();
        try {
            OverloadedException expired = (urgency == Urgency.OPTIONAL)
                    ? this.admission.expired(startedAt - admittedAt) : null;
            if (expired != null) {
                tally.outcome = Outcome.EXPIRED;
                tally.audioSeconds = 0;
                throw expired;
            }
            Gear gear = gearFor(request, tally.audioSeconds);
            Transcript transcript = transcribe(samples, gear, tally);
            tally.outcome = Outcome.SUCCESS;
            return new Utterance(gear, transcript, Duration.ofNanos(startedAt - admittedAt),
                    Duration.ofNanos(this.nanoClock.getAsLong() - startedAt));
        }
        finally {
            permit.release();
            report(tally.sample(request, startedAt - admittedAt, this.nanoClock.getAsLong() - startedAt));
        }
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

    /**
     * Fails fast for a pinned depth the model lacks, without looking at the load.
     * @param depth the depth asked for
     * @throws UnknownDepthException if a pinned depth has no open exit
     */
    public void rejectEarlyDepth(DepthRequest depth) {
        checkDepth(depth);
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

    /**
     * The first step on a worker: decode the upload, and either recognise it whole or, when it is long, search the
     * first piece of it for speech ({@link #search} does the rest, {@link #recognizeSpans} then the spans). Reports
     * the sample of a recording recognised whole, found silent here, or failed here, and then frees its place in the
     * queue; a recording handed on keeps its place until its last span.
     */
    private Begun begin(RecognitionRequest request, AdmissionQueue.Permit permit, long admittedAt) {
        permit.start();
        long startedAt = this.nanoClock.getAsLong();
        Tally tally = new Tally();
        boolean handedOn = false;
        try {
            OverloadedException expired = this.admission.expired(startedAt - admittedAt);
            if (expired != null) {
                tally.outcome = Outcome.EXPIRED;
                throw expired; // unprocessed: the sample below says so, with no exit and no audio
            }
            PcmAudio audio = decode(request);
            tally.frontEndNanos = this.nanoClock.getAsLong() - startedAt;
            tally.audioSeconds = audio.durationSeconds();
            if (!this.cutter.cuts(tally.audioSeconds)) {
                Gear gear = gearFor(request, tally.audioSeconds);
                Transcript transcript = transcribe(audio.samples(), gear, tally);
                List<ServedSegment> segments = this.segmenter.apply(transcript)
                    .stream()
                    .map((segment) -> new ServedSegment(segment, gear.depth(), gear.decoding()))
                    .toList();
                tally.outcome = Outcome.SUCCESS;
                ModelManifest manifest = this.model.manifest();
                return new Begun(new Recognition(manifest.name(), manifest.language(), gear.depth(),
                        gear.decoding(), tally.pinned(request), tally.audioSeconds, transcript, segments,
                        Duration.ofNanos(startedAt - admittedAt),
                        Duration.ofNanos(this.nanoClock.getAsLong() - startedAt)), null);
            }
            LongFormCutter.Analysis analysis = this.cutter.analyse(audio.samples());
            boolean searched = analysis.advance();
            tally.outcome = Outcome.SUCCESS;
            long preparedNanos = this.nanoClock.getAsLong() - startedAt;
            if (searched && analysis.spans().isEmpty()) {
                return new Begun(silence(request, tally.audioSeconds, startedAt - admittedAt, preparedNanos), null);
            }
            handedOn = true;
            return new Begun(null, new Search(request, audio, analysis, searched, startedAt - admittedAt,
                    preparedNanos));
        }
        catch (AudioException ex) {
            tally.outcome = Outcome.INVALID_AUDIO;
            throw ex;
        }
        finally {
            if (!handedOn) {
                long finishedAt = this.nanoClock.getAsLong();
                // Free the place before the result is emitted, so a caller that sees the result sees the queue
                // without it.
                permit.release();
                report(tally.sample(request, startedAt - admittedAt, finishedAt - startedAt));
            }
        }
    }

    /**
     * Finishes the search for a long recording's speech, a piece per task on the workers (other requests' tasks run
     * between the pieces), adding each piece's time to the recording's preparation.
     */
    private Mono<Cut> search(Search search) {
        if (search.searched()) {
            return Mono.just(new Cut(search.request(), search.audio(), search.analysis().spans(),
                    search.queueWaitNanos(), search.preparedNanos()));
        }
        return Mono.fromCallable(() -> {
            long from = this.nanoClock.getAsLong();
            try {
                boolean searched = search.analysis().advance();
                return search.advanced(searched, this.nanoClock.getAsLong() - from);
            }
            catch (RuntimeException ex) {
                Tally tally = new Tally();
                tally.audioSeconds = search.audio().durationSeconds();
                report(tally.sample(search.request(), search.queueWaitNanos(),
                        search.preparedNanos() + this.nanoClock.getAsLong() - from));
                throw ex;
            }
        }).subscribeOn(this.scheduler).flatMap(this::search);
    }

    /**
     * Recognises a long recording's spans of speech one after the other, each as its own task on the workers, so
     * that other requests' tasks run between them and the recording never holds a worker for more than one span.
     * Every span is an utterance to the listeners: an arrival, a gear chosen when a worker picks it up, a sample.
     * The time spent decoding the upload and finding its speech is shared out among the spans' samples in
     * proportion to their audio.
     */
    private Mono<Recognition> recognizeSpans(Cut cut) {
        if (cut.spans().isEmpty()) {
            return Mono.just(silence(cut));
        }
        int rate = this.model.manifest().sampleRate();
        return spanResults(cut, rate).collectList().map((parts) -> stitch(cut, parts, rate));
    }

    /**
     * As {@link #recognizeSpans}, telling each span as it finishes and ending with the stitched result. The
     * spans' results are kept (they are small: text and words) until the last is stitched with the others.
     */
    private Flux<RecognitionProgress> recognizeSpansProgressively(Cut cut) {
        if (cut.spans().isEmpty()) {
            return Flux.just(new RecognitionProgress.Finished(silence(cut)));
        }
        int rate = this.model.manifest().sampleRate();
        List<SpanResult> parts = new ArrayList<>();
        return spanResults(cut, rate).map((part) -> {
            // the same rule as stitch: non-empty texts joined with one space
            boolean textBefore = parts.stream().anyMatch((earlier) -> !earlier.transcript().text().isEmpty());
            String text = part.transcript().text();
            String delta = (textBefore && !text.isEmpty()) ? " " + text : text;
            parts.add(part);
            return (RecognitionProgress) new RecognitionProgress.SpanRecognized(parts.size() - 1, delta,
                    part.transcript(), part.gear().depth(), part.gear().decoding());
        }).concatWith(Mono.fromCallable(() -> new RecognitionProgress.Finished(stitch(cut, parts, rate))));
    }

    /** A long recording in which no speech was found, reported as one utterance that ran no exit. */
    private Recognition silence(Cut cut) {
        Tally tally = new Tally();
        tally.audioSeconds = cut.audio().durationSeconds();
        tally.outcome = Outcome.SUCCESS;
        report(tally.sample(cut.request(), cut.queueWaitNanos(), cut.preparedNanos()));
        return silence(cut.request(), tally.audioSeconds, cut.queueWaitNanos(), cut.preparedNanos());
    }

    /** Each span's result, in order, as it finishes. */
    private Flux<SpanResult> spanResults(Cut cut, int rate) {
        long speechSamples = cut.spans().stream().mapToLong(SpeechSpan::length).sum();
        return Flux.range(0, cut.spans().size())
            .concatMap((index) -> {
                if (index > 0) {
                    this.listeners.forEach((listener) -> notify(listener, RecognitionListener::onAdmitted));
                }
                long enqueuedAt = this.nanoClock.getAsLong();
                SpeechSpan span = cut.spans().get(index);
                long preparationShare = Math.round((double) cut.preparedNanos() * span.length() / speechSamples);
                long waitedBefore = (index == 0) ? cut.queueWaitNanos() : 0;
                return Mono.fromCallable(() -> recognizeSpan(cut, span, rate, enqueuedAt, waitedBefore,
                        preparationShare))
                    .subscribeOn(this.scheduler);
            });
    }

    private SpanResult recognizeSpan(Cut cut, SpeechSpan span, int rate, long enqueuedAt, long waitedBefore,
            long preparationShare) {
        long startedAt = this.nanoClock.getAsLong();
        Tally tally = new Tally();
        tally.frontEndNanos = preparationShare;
        tally.audioSeconds = (double) span.length() / rate;
        long queueWait = waitedBefore + (startedAt - enqueuedAt);
        try {
            float[] samples = Arrays.copyOfRange(cut.audio().samples(), span.startSample(), span.endSample());
            Gear gear = gearFor(cut.request(), tally.audioSeconds);
            Transcript transcript = shift(transcribe(samples, gear, tally), span.startSeconds(rate));
            tally.outcome = Outcome.SUCCESS;
            return new SpanResult(gear, transcript, tally.audioSeconds,
                    this.nanoClock.getAsLong() - startedAt + preparationShare);
        }
        finally {
            report(tally.sample(cut.request(), queueWait,
                    this.nanoClock.getAsLong() - startedAt + preparationShare));
        }
    }

    /** Joins the spans' transcripts, in order, into the recording's. */
    private Recognition stitch(Cut cut, List<SpanResult> parts, int rate) {
        StringBuilder text = new StringBuilder();
        List<Word> words = new ArrayList<>();
        List<ServedSegment> segments = new ArrayList<>();
        Map<Gear, Double> secondsByGear = new LinkedHashMap<>();
        long serviceNanos = 0; // each span's includes its share of the preparation
        for (SpanResult part : parts) {
            serviceNanos += part.serviceNanos();
            secondsByGear.merge(part.gear(), part.audioSeconds(), Double::sum);
            if (!part.transcript().text().isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append(part.transcript().text());
            }
            words.addAll(part.transcript().words());
            for (Segment segment : this.segmenter.apply(part.transcript())) {
                segments.add(new ServedSegment(new Segment(segments.size(), segment.start(), segment.end(),
                        segment.text(), segment.words()), part.gear().depth(), part.gear().decoding()));
            }
        }
        double confidence = words.stream().mapToDouble(Word::confidence).average().orElse(0.0);
        Gear main = secondsByGear.entrySet()
            .stream()
            .max(Map.Entry.<Gear, Double>comparingByValue().thenComparing((e) -> e.getKey().depth()))
            .orElseThrow()
            .getKey();
        ModelManifest manifest = this.model.manifest();
        return new Recognition(manifest.name(), manifest.language(), main.depth(), main.decoding(),
                !cut.request().depth().isAuto(), (double) cut.audio().samples().length / rate,
                new Transcript(text.toString(), words, confidence), segments, Duration.ofNanos(cut.queueWaitNanos()),
                Duration.ofNanos(serviceNanos));
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

    /** The exit and decoding for audio of this duration: the pinned depth, or the selector's choice. */
    private Gear gearFor(RecognitionRequest request, double audioSeconds) {
        return request.depth().isAuto() ? selectGear(request, audioSeconds)
                : Gear.full(request.depth().pinnedDepth().getAsInt());
    }

    /** Features, the exit, CTC decoding; adds their times to the tally and records the gear in it. */
    private Transcript transcribe(float[] samples, Gear gear, Tally tally) {
        tally.depth = gear.depth();
        tally.decoding = gear.decoding();
        long featuresFrom = this.nanoClock.getAsLong();
        float[][] frames = this.features.extract(padToShortestInput(samples));
        tally.frontEndNanos += this.nanoClock.getAsLong() - featuresFrom;
        LogProbs logProbs = this.model.run(gear.depth(), frames);
        long decodingFrom = this.nanoClock.getAsLong();
        Transcript transcript = (gear.isFast() ? this.fastDecoder : this.decoder).decode(logProbs.values(),
                logProbs.length());
        tally.ctcDecodeNanos = this.nanoClock.getAsLong() - decodingFrom;
        return transcript;
    }

    /** A long recording in which no speech was found: an empty transcript, no exit run. */
    private Recognition silence(RecognitionRequest request, double audioSeconds, long queueWaitNanos,
            long serviceNanos) {
        Gear gear = gearFor(request, audioSeconds);
        ModelManifest manifest = this.model.manifest();
        return new Recognition(manifest.name(), manifest.language(), gear.depth(), gear.decoding(),
                !request.depth().isAuto(), audioSeconds, Transcript.empty(), List.of(),
                Duration.ofNanos(queueWaitNanos), Duration.ofNanos(serviceNanos));
    }

    /** The transcript of a span, its times moved from the span's start to the recording's. */
    private static Transcript shift(Transcript transcript, double offsetSeconds) {
        List<Word> words = transcript.words()
            .stream()
            .map((w) -> new Word(w.word(), w.start() + offsetSeconds, w.end() + offsetSeconds, w.confidence()))
            .toList();
        return new Transcript(transcript.text(), words, transcript.confidence());
    }

    private void report(RecognitionSample sample) {
        this.listeners.forEach((listener) -> notifySample(listener, sample));
    }

    /** What {@link #begin} hands on: a recording recognised whole, or one whose speech is being found. */
    private record Begun(Recognition whole, Search search) {
    }

    /**
     * A long recording whose speech is being found, a piece at a time.
     * @param searched whether the whole recording has been searched
     * @param queueWaitNanos how long the upload waited for its first worker
     * @param preparedNanos the time spent so far decoding it and searching it
     */
    private record Search(RecognitionRequest request, PcmAudio audio, LongFormCutter.Analysis analysis,
            boolean searched, long queueWaitNanos, long preparedNanos) {

        Search advanced(boolean searched, long nanos) {
            return new Search(this.request, this.audio, this.analysis, searched, this.queueWaitNanos,
                    this.preparedNanos + nanos);
        }

    }

    /**
     * A long recording to recognise span by span.
     * @param queueWaitNanos how long the upload waited for its first worker
     * @param preparedNanos the time spent decoding it and finding its speech
     */
    private record Cut(RecognitionRequest request, PcmAudio audio, List<SpeechSpan> spans, long queueWaitNanos,
            long preparedNanos) {
    }

    /** One span's transcript (in the recording's time), the gear that served it, and what it cost. */
    private record SpanResult(Gear gear, Transcript transcript, double audioSeconds, long serviceNanos) {
    }

    /** The measurements of one utterance as they accumulate, for its {@link RecognitionSample}. */
    private static final class Tally {

        private int depth;

        private Gear.Decoding decoding = Gear.Decoding.FULL;

        private long frontEndNanos;

        private long ctcDecodeNanos;

        private double audioSeconds;

        private Outcome outcome = Outcome.ERROR;

        boolean pinned(RecognitionRequest request) {
            return !request.depth().isAuto();
        }

        RecognitionSample sample(RecognitionRequest request, long queueWaitNanos, long serviceNanos) {
            return new RecognitionSample(this.depth, this.decoding, pinned(request), this.audioSeconds,
                    Duration.ofNanos(queueWaitNanos), Duration.ofNanos(serviceNanos),
                    Duration.ofNanos(this.frontEndNanos), Duration.ofNanos(this.ctcDecodeNanos),
                    Duration.ofNanos(queueWaitNanos + serviceNanos), this.outcome);
        }

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
