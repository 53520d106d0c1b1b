package io.gearbox.asr.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.recognition.OverloadedException;
import io.gearbox.asr.recognition.Recognizer;
import io.gearbox.asr.recognition.Urgency;
import io.gearbox.asr.recognition.Utterance;
import io.gearbox.asr.segmentation.Endpointer;
import io.gearbox.asr.segmentation.Endpointer.Endpoint;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One live stream: samples in, results out. Each chunk of audio runs through the voice activity detector and the
 * {@link Endpointer}; an utterance that ends is decoded whole as a {@link Urgency#REQUIRED required} utterance at
 * the gear of that moment (its final result), and every {@link StreamSettings#partialInterval()} of new audio in an
 * open utterance its last {@link StreamSettings#partialWindow()} is decoded as an {@link Urgency#OPTIONAL optional}
 * one, skipped when the service is saturated, and stabilised by {@link LocalAgreement} (its interim result).
 *
 * <p>The caller feeds it one chunk at a time: {@link #accept} and {@link #finish} must not be called again before
 * the previous call's results have completed (the WebSocket adapter concatenates them). Holds only heap memory: the
 * open utterance's audio (at most {@link io.gearbox.asr.segmentation.EndpointSettings#maxSegment()} and the
 * silence after it) and the detector's state; {@link #close()} gives back its place among the open streams and may
 * come from any thread, also while a chunk is being processed.
 */
public final class RecognitionStream implements AutoCloseable {

    private final Recognizer recognizer;

    private final SileroVad.Stream vad;

    private final Endpointer endpointer;

    private final StreamOptions options;

    private final Scheduler scheduler;

    private final List<StreamListener> listeners;

    private final Runnable onClose;

    private final int sampleRate;

    private final long partialInterval;

    private final long partialWindow;

    private final long maxSamples;

    private final LocalAgreement agreement = new LocalAgreement();

    private final AtomicBoolean closed = new AtomicBoolean();

    /** Received audio from absolute sample {@code bufferStart} on. */
    private float[] buffer = new float[0];

    private int buffered;

    private long bufferStart;

    /** Where the last interim result's audio ended. */
    private long lastPartialEnd;

    private int segment;

    RecognitionStream(Recognizer recognizer, SileroVad.Stream vad, Endpointer endpointer, StreamOptions options,
            StreamSettings settings, Scheduler scheduler, List<StreamListener> listeners, Runnable onClose) {
        this.recognizer = recognizer;
        this.vad = vad;
        this.endpointer = endpointer;
        this.options = options;
        this.scheduler = scheduler;
        this.listeners = listeners;
        this.onClose = onClose;
        this.sampleRate = recognizer.manifest().sampleRate();
        this.partialInterval = samples(settings.partialInterval());
        this.partialWindow = samples(settings.partialWindow());
        this.maxSamples = samples(settings.maxDuration());
    }

    /**
     * Feeds the next samples.
     * @param samples mono samples at the model's rate
     * @return the results they complete: finals of utterances they end, then possibly an interim result
     * @throws StreamLimitExceededException (as the error) past {@code asr.stream.max-duration}
     * @throws IllegalStateException (as the error) once closed
     */
    public Flux<StreamResult> accept(float[] samples) {
        return Mono.fromCallable(() -> ingest(samples))
            .subscribeOn(this.scheduler)
            .flatMapMany(this::run);
    }

    /**
     * Ends the stream: the open utterance, if it holds speech, is decoded as a final result.
     * @return its final result, or nothing
     */
    public Flux<StreamResult> finish() {
        return Mono.fromCallable(() -> {
            checkOpen();
            List<Endpoint> ends = new ArrayList<>();
            for (float probability : this.vad.flush()) {
                this.endpointer.accept(probability).ifPresent(ends::add);
            }
            this.endpointer.finish().ifPresent(ends::add);
            return new Work(utterances(ends), null);
        }).subscribeOn(this.scheduler).flatMapMany(this::run);
    }

    /** @return audio received so far, in seconds */
    public double receivedSeconds() {
        return (double) (this.bufferStart + this.buffered) / this.sampleRate;
    }

    /** Frees the stream's place; idempotent, from any thread. */
    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.onClose.run();
            Duration audio = Duration.ofNanos(Math.round(receivedSeconds() * 1e9));
            this.listeners.forEach((listener) -> StreamingRecognizer.notify(listener, (l) -> l.onClosed(audio)));
        }
    }

    /** @return whether {@link #close()} has been called */
    public boolean isClosed() {
        return this.closed.get();
    }

    /** The blocking part of a chunk: buffer it, run the detector and the endpointer, decide what to decode. */
    private Work ingest(float[] samples) {
        checkOpen();
        long received = this.bufferStart + this.buffered + samples.length;
        if (received > this.maxSamples) {
            throw new StreamLimitExceededException("asr.stream.max-duration", "The stream is longer than the "
                    + Duration.ofNanos(this.maxSamples * 1_000_000_000L / this.sampleRate) + " allowed");
        }
        append(samples);
        List<Endpoint> ends = new ArrayList<>();
        for (float probability : this.vad.accept(samples)) {
            this.endpointer.accept(probability).ifPresent(ends::add);
        }
        List<Pending> finals = utterances(ends);
        Pending partial = null;
        Optional<Long> speechStart = this.endpointer.speechStart();
        long end = this.bufferStart + this.buffered;
        if (this.options.interimResults() && speechStart.isPresent()
                && end - Math.max(this.lastPartialEnd, speechStart.get()) >= this.partialInterval) {
            long start = Math.max(speechStart.get(), end - this.partialWindow);
            partial = new Pending(this.segment, speechStart.get(), start, end, copy(start, end));
            this.lastPartialEnd = end;
        }
        return new Work(finals, partial);
    }

    /** The finals to decode for these endpoints; audio before the last one is let go. */
    private List<Pending> utterances(List<Endpoint> ends) {
        List<Pending> finals = new ArrayList<>();
        for (Endpoint end : ends) {
            if (end.kind() == Endpoint.Kind.UTTERANCE) {
                finals.add(new Pending(this.segment++, end.start(), end.start(), end.end(),
                        copy(end.start(), end.end())));
                this.agreement.reset();
                this.lastPartialEnd = end.end();
            }
            discardBefore(end.end());
        }
        return finals;
    }

    private Flux<StreamResult> run(Work work) {
        Flux<StreamResult> finals = Flux.fromIterable(work.finals()).concatMap(this::decodeFinal);
        if (work.partial() == null) {
            return finals;
        }
        return finals.concatWith(decodePartial(work.partial()));
    }

    private Mono<StreamResult> decodeFinal(Pending pending) {
        return this.recognizer.recognizeSamples(pending.samples(), this.options.depth(), Urgency.REQUIRED)
            .map((utterance) -> {
                List<Word> words = shift(utterance, pending.from());
                return result(StreamResult.Kind.FINAL, pending, words, seconds(pending.to()), utterance);
            });
    }

    private Mono<StreamResult> decodePartial(Pending pending) {
        return this.recognizer.recognizeSamples(pending.samples(), this.options.depth(), Urgency.OPTIONAL)
            .flatMap((utterance) -> {
                if (this.closed.get()) {
                    return Mono.<StreamResult>empty();
                }
                List<Word> agreed = this.agreement.update(shift(utterance, pending.from()));
                if (agreed.isEmpty()) {
                    return Mono.<StreamResult>empty();
                }
                return Mono.just(result(StreamResult.Kind.PARTIAL, pending, agreed, seconds(pending.to()),
                        utterance));
            })
            .onErrorResume(OverloadedException.class, (ex) -> {
                this.listeners.forEach((listener) -> StreamingRecognizer.notify(listener,
                        StreamListener::onPartialSkipped));
                return Mono.empty();
            });
    }

    private StreamResult result(StreamResult.Kind kind, Pending pending, List<Word> words, double end,
            Utterance utterance) {
        String text = String.join(" ", words.stream().map(Word::word).toList());
        this.listeners.forEach((listener) -> StreamingRecognizer.notify(listener, (l) -> l.onResult(kind)));
        return new StreamResult(kind, pending.segment(), text, seconds(pending.start()), end, words,
                utterance.gear().depth());
    }

    private List<Word> shift(Utterance utterance, long from) {
        double offset = seconds(from);
        return utterance.transcript()
            .words()
            .stream()
            .map((w) -> new Word(w.word(), w.start() + offset, w.end() + offset, w.confidence()))
            .toList();
    }

    private void append(float[] samples) {
        if (this.buffered + samples.length > this.buffer.length) {
            this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffered + samples.length,
                    this.buffer.length * 2));
        }
        System.arraycopy(samples, 0, this.buffer, this.buffered, samples.length);
        this.buffered += samples.length;
    }

    private float[] copy(long from, long to) {
        int start = (int) (Math.max(from, this.bufferStart) - this.bufferStart);
        int end = (int) (Math.min(to, this.bufferStart + this.buffered) - this.bufferStart);
        return Arrays.copyOfRange(this.buffer, start, Math.max(start, end));
    }

    private void discardBefore(long position) {
        int drop = (int) Math.min(this.buffered, Math.max(0, position - this.bufferStart));
        if (drop == 0) {
            return;
        }
        System.arraycopy(this.buffer, drop, this.buffer, 0, this.buffered - drop);
        this.buffered -= drop;
        this.bufferStart += drop;
        if (this.buffer.length > 4 * Math.max(this.buffered, this.sampleRate)) {
            this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffered, this.sampleRate));
        }
    }

    private void checkOpen() {
        if (this.closed.get()) {
            throw new IllegalStateException("The stream is closed");
        }
    }

    private long samples(Duration duration) {
        return Math.round(duration.toNanos() * 1e-9 * this.sampleRate);
    }

    private double seconds(long samples) {
        return (double) samples / this.sampleRate;
    }

    /**
     * Audio to decode.
     * @param segment the utterance's number
     * @param start the utterance's start
     * @param from where {@code samples} start (the utterance's start, or for an interim result its window's)
     * @param to where they end
     */
    private record Pending(int segment, long start, long from, long to, float[] samples) {
    }

    /** What one chunk asks to decode: finals in order, then possibly an interim result. */
    private record Work(List<Pending> finals, Pending partial) {
    }

}
