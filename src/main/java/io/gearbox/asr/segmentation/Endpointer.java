package io.gearbox.asr.segmentation;

import java.util.Optional;

/**
 * Decides, window by window of a live stream's speech probabilities, where its open segment ends: the streaming
 * counterpart of {@link SpeechDetector}, which needs the whole recording. The rules are sherpa-onnx's
 * ({@link EndpointSettings}), read with the detector's hysteresis ({@link VadSettings#threshold()} starts speech,
 * a window below {@link VadSettings#negativeThreshold()} ends it):
 * <ol>
 * <li>no speech of at least {@link VadSettings#minSpeech()} yet, and {@code silenceWithoutSpeech} of silence: the
 * segment is {@link Endpoint.Kind#DROPPED dropped} (clicks and breaths with it), keeping the last
 * {@link VadSettings#speechPad()} in case speech starts there;</li>
 * <li>speech heard, then {@code silenceAfterSpeech} of silence: the segment is
 * {@link Endpoint.Kind#UTTERANCE an utterance}, from {@code speechPad} before its first speech to {@code speechPad}
 * after its last;</li>
 * <li>the segment reaches {@code maxSegment}: it is an utterance up to here, and the next one starts here.</li>
 * </ol>
 * Positions are absolute sample indices from the stream's start (longs: a stream may outlast an {@code int}'s
 * samples). Not thread-safe: one stream, one thread at a time.
 */
public final class Endpointer {

    private final double threshold;

    private final double negativeThreshold;

    private final long minSpeech;

    private final long pad;

    private final long silenceWithoutSpeech;

    private final long silenceAfterSpeech;

    private final long maxSegment;

    private final int windowSamples;

    /** Where the open segment starts. */
    private long segmentStart;

    /** Samples read so far. */
    private long position;

    private boolean inSpeech;

    /** Start of the open segment's first speech window, or -1. */
    private long firstSpeech = -1;

    /** End of the open segment's last speech window (one at or above the negative threshold while in speech). */
    private long lastSpeech = -1;

    /** Speech windows' samples in the open segment. */
    private long speechSamples;

    /**
     * @param vad the detector's thresholds, minimum speech and padding
     * @param endpoints the three rules' durations
     * @param sampleRate the probabilities' audio rate, in Hz
     * @param windowSamples samples per probability
     */
    public Endpointer(VadSettings vad, EndpointSettings endpoints, int sampleRate, int windowSamples) {
        if (sampleRate <= 0 || windowSamples <= 0) {
            throw new IllegalArgumentException("sampleRate and windowSamples must be positive");
        }
        this.threshold = vad.threshold();
        this.negativeThreshold = vad.negativeThreshold();
        this.minSpeech = samples(vad.minSpeech().toNanos(), sampleRate);
        this.pad = samples(vad.speechPad().toNanos(), sampleRate);
        this.silenceWithoutSpeech = samples(endpoints.silenceWithoutSpeech().toNanos(), sampleRate);
        this.silenceAfterSpeech = samples(endpoints.silenceAfterSpeech().toNanos(), sampleRate);
        this.maxSegment = Math.max(windowSamples, samples(endpoints.maxSegment().toNanos(), sampleRate));
        this.windowSamples = windowSamples;
    }

    private static long samples(long nanos, int rate) {
        return Math.round(nanos * 1e-9 * rate);
    }

    /**
     * Reads the next window's probability.
     * @param probability the speech probability of samples {@link #position()} to {@code position() + window}
     * @return the open segment's end, when this window ends it; the next segment opens where it says
     */
    public Optional<Endpoint> accept(float probability) {
        long windowStart = this.position;
        this.position += this.windowSamples;
        if (probability >= this.threshold) {
            this.inSpeech = true;
        }
        else if (this.inSpeech && probability < this.negativeThreshold) {
            this.inSpeech = false;
        }
        if (this.inSpeech) {
            if (this.firstSpeech < 0) {
                this.firstSpeech = windowStart;
            }
            this.lastSpeech = this.position;
            this.speechSamples += this.windowSamples;
        }
        boolean heard = this.speechSamples >= this.minSpeech && this.speechSamples > 0;
        if (!heard && silence() >= this.silenceWithoutSpeech) {
            long next = Math.max(this.segmentStart, this.position - this.pad);
            Endpoint dropped = new Endpoint(Endpoint.Kind.DROPPED, this.segmentStart, next);
            open(next, false);
            return Optional.of(dropped);
        }
        if (heard && !this.inSpeech && this.position - this.lastSpeech >= this.silenceAfterSpeech) {
            long end = Math.min(this.position, this.lastSpeech + this.pad);
            Endpoint utterance = new Endpoint(Endpoint.Kind.UTTERANCE, utteranceStart(), end);
            open(end, false);
            return Optional.of(utterance);
        }
        if (this.position - this.segmentStart >= this.maxSegment) {
            Endpoint cut = heard ? new Endpoint(Endpoint.Kind.UTTERANCE, utteranceStart(), this.position)
                    : new Endpoint(Endpoint.Kind.DROPPED, this.segmentStart, this.position);
            open(this.position, this.inSpeech);
            return Optional.of(cut);
        }
        return Optional.empty();
    }

    /**
     * Ends the stream.
     * @return the open segment as an utterance, if speech was heard in it
     */
    public Optional<Endpoint> finish() {
        boolean heard = this.speechSamples >= this.minSpeech && this.speechSamples > 0;
        if (!heard) {
            return Optional.empty();
        }
        long end = this.inSpeech ? this.position : Math.min(this.position, this.lastSpeech + this.pad);
        Endpoint last = new Endpoint(Endpoint.Kind.UTTERANCE, utteranceStart(), end);
        open(this.position, false);
        return Optional.of(last);
    }

    /** @return samples read so far, from the stream's start */
    public long position() {
        return this.position;
    }

    /** @return where the open segment starts */
    public long segmentStart() {
        return this.segmentStart;
    }

    /**
     * @return where the open segment's speech starts, less the padding: the start of what an utterance ending now
     * would hold; empty while no speech has been heard in it
     */
    public Optional<Long> speechStart() {
        return (this.firstSpeech < 0) ? Optional.empty() : Optional.of(utteranceStart());
    }

    /** @return whether the last window read was speech */
    public boolean inSpeech() {
        return this.inSpeech;
    }

    private long silence() {
        return this.position - Math.max(this.segmentStart, this.lastSpeech);
    }

    private long utteranceStart() {
        return Math.max(this.segmentStart, this.firstSpeech - this.pad);
    }

    private void open(long start, boolean speechGoesOn) {
        this.segmentStart = start;
        this.firstSpeech = speechGoesOn ? start : -1;
        this.lastSpeech = speechGoesOn ? this.position : -1;
        this.speechSamples = 0;
        this.inSpeech = speechGoesOn;
    }

    /**
     * The end of a segment.
     * @param kind an utterance to recognise, or a stretch without speech
     * @param start its first sample
     * @param end the sample after its last; the next segment starts here, and audio before it is no longer needed
     */
    public record Endpoint(Kind kind, long start, long end) {

        /** What the segment held. */
        public enum Kind {

            /** Speech: recognise {@code [start, end)}. */
            UTTERANCE,

            /** No speech: nothing to recognise. */
            DROPPED

        }

    }

}
