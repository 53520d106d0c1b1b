package io.gearbox.asr.segmentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Speech spans from per-window speech probabilities. Immutable and thread-safe.
 *
 * <p>Window {@code i} covers samples {@code [i * windowSamples, (i + 1) * windowSamples)}. Durations in the
 * {@link VadSettings} are rounded to samples at {@code sampleRate}. {@link #detect} works in four steps:
 * <ol>
 * <li><b>Hysteresis.</b> Outside speech, a window with {@code p >= threshold} starts a span at its first sample.
 * Inside speech, a window with {@code p < negativeThreshold} starts a pause (if none has started), and a window with
 * {@code p >= threshold} cancels it; windows in between leave it as it is. When a pause's windows (from the one that
 * started it to the current one) cover at least {@code minSilence}, the span ends at the pause's first sample. At
 * the end of the probabilities a span still open ends where its pending pause started, or else at
 * {@code totalSamples}. (These are the rules of Silero's {@code get_speech_timestamps}, except that a pending pause
 * at the end of the recording ends the span there.)</li>
 * <li><b>Minimum speech.</b> Spans shorter than {@code minSpeech} are dropped.</li>
 * <li><b>Padding.</b> Each span grows by {@code speechPad} on each side, but never past the recording's edges
 * ({@code [0, totalSamples)}) and never past half the gap to its neighbour, so spans never overlap.</li>
 * <li><b>Maximum length.</b> A span longer than {@code maxSegment} is cut in two at the centre of its
 * lowest-probability window, among the cuts that leave both pieces at least {@code minSpeech} long and need no more
 * pieces in all than {@code ceil(length / maxSegment)} (so a span of up to twice the maximum is cut once, anywhere
 * that leaves both pieces within the maximum); ties go to the cut nearest the middle. The pieces are cut again until
 * none exceeds {@code maxSegment}. The pieces touch: the cut sample ends one and starts the next.</li>
 * </ol>
 * The probabilities of windows that start at or after {@code totalSamples} are ignored.
 *
 * <p>{@link #tracker()} makes the streaming counterpart, for probabilities that arrive as a recording does.
 *
 * <p>Written here rather than taken from a library: no maintained Java library turns Silero's probabilities into
 * timestamps, and Silero's own (Python) {@code get_speech_timestamps} splits long speech differently (at the last
 * pause, or hard at the limit), where the recogniser wants the least speech-like point of the span.
 */
public final class SpeechDetector {

    private final VadSettings settings;

    private final int sampleRate;

    private final int windowSamples;

    private final int minSilenceSamples;

    private final int minSpeechSamples;

    private final int padSamples;

    private final int maxSegmentSamples;

    /**
     * @param settings thresholds and durations
     * @param sampleRate samples per second of the audio the probabilities came from, in Hz
     * @param windowSamples samples per probability window
     */
    public SpeechDetector(VadSettings settings, int sampleRate, int windowSamples) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, was " + sampleRate);
        }
        if (windowSamples <= 0) {
            throw new IllegalArgumentException("windowSamples must be positive, was " + windowSamples);
        }
        this.sampleRate = sampleRate;
        this.windowSamples = windowSamples;
        this.minSilenceSamples = samples(settings.minSilence().toNanos(), sampleRate);
        this.minSpeechSamples = samples(settings.minSpeech().toNanos(), sampleRate);
        this.padSamples = samples(settings.speechPad().toNanos(), sampleRate);
        this.maxSegmentSamples = Math.max(1, samples(settings.maxSegment().toNanos(), sampleRate));
    }

    private static int samples(long nanos, int sampleRate) {
        return Math.toIntExact(Math.round(nanos * 1e-9 * sampleRate));
    }

    /** @return the settings */
    public VadSettings settings() {
        return this.settings;
    }

    /** @return the audio's rate, in Hz */
    public int sampleRate() {
        return this.sampleRate;
    }

    /** @return samples per probability window */
    public int windowSamples() {
        return this.windowSamples;
    }

    /**
     * @param windowProbabilities the speech probability of each window, in [0, 1]
     * @param totalSamples the recording's length in samples; spans end at or before it
     * @return the speech spans in order, none overlapping, none longer than {@code maxSegment}
     */
    public List<SpeechSpan> detect(float[] windowProbabilities, int totalSamples) {
        Objects.requireNonNull(windowProbabilities, "windowProbabilities");
        if (totalSamples < 0) {
            throw new IllegalArgumentException("totalSamples must be >= 0, was " + totalSamples);
        }
        int windows = (int) Math.min(windowProbabilities.length,
                ((long) totalSamples + this.windowSamples - 1) / this.windowSamples);
        List<SpeechSpan> spans = pad(hysteresis(windowProbabilities, windows, totalSamples), totalSamples);
        List<SpeechSpan> pieces = new ArrayList<>(spans.size());
        for (SpeechSpan span : spans) {
            split(span.startSample(), span.endSample(), windowProbabilities, windows, pieces);
        }
        return List.copyOf(pieces);
    }

    private List<SpeechSpan> hysteresis(float[] p, int windows, int totalSamples) {
        List<SpeechSpan> spans = new ArrayList<>();
        boolean speaking = false;
        int start = 0;
        int pauseStart = -1;
        for (int i = 0; i < windows; i++) {
            if (!speaking) {
                if (p[i] >= this.settings.threshold()) {
                    speaking = true;
                    start = i * this.windowSamples;
                    pauseStart = -1;
                }
            }
            else if (p[i] >= this.settings.threshold()) {
                pauseStart = -1;
            }
            else if (p[i] < this.settings.negativeThreshold()) {
                if (pauseStart < 0) {
                    pauseStart = i;
                }
                if ((long) (i - pauseStart + 1) * this.windowSamples >= this.minSilenceSamples) {
                    keep(spans, start, pauseStart * this.windowSamples);
                    speaking = false;
                    pauseStart = -1;
                }
            }
        }
        if (speaking) {
            keep(spans, start, (pauseStart >= 0) ? pauseStart * this.windowSamples : totalSamples);
        }
        return spans;
    }

    private void keep(List<SpeechSpan> spans, int start, int end) {
        if (end > start && end - start >= this.minSpeechSamples) {
            spans.add(new SpeechSpan(start, end));
        }
    }

    private List<SpeechSpan> pad(List<SpeechSpan> spans, int totalSamples) {
        List<SpeechSpan> padded = new ArrayList<>(spans.size());
        for (int k = 0; k < spans.size(); k++) {
            SpeechSpan span = spans.get(k);
            int before = (k == 0) ? span.startSample() : span.startSample() - spans.get(k - 1).endSample();
            int after = (k == spans.size() - 1) ? totalSamples - span.endSample()
                    : spans.get(k + 1).startSample() - span.endSample();
            // A gap to a neighbour is shared: this span takes its later half before it and its earlier half after
            // it (the odd sample going to the later span), so the two pads can never meet.
            int growBefore = Math.min(this.padSamples, (k == 0) ? before : before - before / 2);
            int growAfter = Math.min(this.padSamples, (k == spans.size() - 1) ? after : after / 2);
            padded.add(new SpeechSpan(span.startSample() - growBefore, span.endSample() + growAfter));
        }
        return padded;
    }

    private void split(int start, int end, float[] p, int windows, List<SpeechSpan> out) {
        int length = end - start;
        if (length <= this.maxSegmentSamples) {
            out.add(new SpeechSpan(start, end));
            return;
        }
        int pieces = pieces(length);
        int minPiece = Math.max(1, this.minSpeechSamples);
        int half = this.windowSamples / 2;
        int best = -1;
        float bestProbability = Float.POSITIVE_INFINITY;
        long bestDistance = Long.MAX_VALUE;
        int firstWindow = Math.max(0, (start - half) / this.windowSamples);
        int lastWindow = Math.min(windows - 1, (end - half) / this.windowSamples);
        for (int w = firstWindow; w <= lastWindow; w++) {
            int cut = w * this.windowSamples + half;
            if (cut - start < minPiece || end - cut < minPiece
                    || pieces(cut - start) + pieces(end - cut) != pieces) {
                continue;
            }
            long distance = Math.abs(2L * cut - start - end);
            if (p[w] < bestProbability || (p[w] == bestProbability && distance < bestDistance)) {
                best = cut;
                bestProbability = p[w];
                bestDistance = distance;
            }
        }
        if (best < 0) {
            best = fallbackCut(start, end, pieces, minPiece);
        }
        split(start, best, p, windows, out);
        split(best, end, p, windows, out);
    }

    /**
     * A valid cut where no window centre is one (the span lies beyond the probabilities, or the valid range is
     * narrower than a window).
     */
    private int fallbackCut(int start, int end, int pieces, int minPiece) {
        if (pieces > 2) {
            // The rest is longer than maxSegment >= 2 * minSpeech, and needs exactly pieces - 1 pieces.
            return start + this.maxSegmentSamples;
        }
        // Two pieces, each within [minPiece, maxSegment]: a non-empty range since maxSegment < length <= 2 * max
        // and maxSegment >= 2 * minSpeech (VadSettings), give or take a sample of rounding.
        int low = Math.max(end - this.maxSegmentSamples, start + minPiece);
        int high = Math.min(start + this.maxSegmentSamples, end - minPiece);
        return (int) (((long) low + high) / 2);
    }

    private int pieces(int length) {
        return (int) (((long) length + this.maxSegmentSamples - 1) / this.maxSegmentSamples);
    }


    /**
     * A streaming detector for one recording; see {@link Tracker} for how its spans relate to {@link #detect}'s.
     * @return a tracker at the recording's start
     * @throws IllegalStateException if {@code speechPad} is more than half of {@code minSilence}: a span's end pad
     * would then depend on a neighbour not yet heard
     */
    public Tracker tracker() {
        if (2L * this.padSamples > this.minSilenceSamples) {
            throw new IllegalStateException("Tracking speech as it arrives needs speechPad ("
                    + this.settings.speechPad() + ") at most half of minSilence (" + this.settings.minSilence() + ")");
        }
        return new Tracker();
    }

    /**
     * Reports spans as the probabilities of a recording arrive, window by window, in the order {@link #detect}
     * would find them. Not thread-safe: one recording, one thread at a time.
     *
     * <p>The hysteresis, minimum speech and padding are {@link #detect}'s: since {@code speechPad <= minSilence / 2},
     * two spans are always at least {@code 2 * speechPad} apart, so a span's pads never depend on a neighbour. A
     * span is reported {@link SpeechEvent.Started} at the first window where it has lasted {@code minSpeech} with no
     * pause pending (or when it ends, if it ends first and is long enough), and {@link SpeechEvent.Ended} once its
     * pause has lasted {@code minSilence} (by then the end pad lies in audio already heard), or at {@link #finish}.
     *
     * <p>Splitting cannot wait for the span's end: when a span, with its end pad, could exceed {@code maxSegment},
     * the piece so far is ended at the centre of its lowest-probability window among those heard that leave the
     * piece between {@code minSpeech} and {@code maxSegment} (the latest of equals), and the next piece starts there.
     * So no piece exceeds {@code maxSegment}, as with {@link #detect}, but the cuts may differ from its cuts, and the
     * piece after the last cut may be shorter than {@code minSpeech}. Without splits the spans are exactly
     * {@link #detect}'s, except that an end inside the last, partial window is only clamped to the recording at
     * {@link #finish}.
     */
    public final class Tracker {

        private int window;

        private boolean speaking;

        private boolean confirmed;

        private int rawStart;

        private int pauseStart = -1;

        /** Start of the current piece: the padded span start, or the last cut. */
        private int pieceStart;

        /** Probabilities of the current span's windows from {@code historyFirst} on. */
        private float[] history = new float[64];

        private int historyFirst;

        private int historyLength;

        private boolean finished;

        private Tracker() {
        }

        /**
         * @param windowProbabilities the next windows' speech probabilities, any number
         * @return what these windows completed, in order
         * @throws IllegalStateException after {@link #finish}
         */
        public List<SpeechEvent> accept(float[] windowProbabilities) {
            if (this.finished) {
                throw new IllegalStateException("The recording has finished");
            }
            List<SpeechEvent> events = new ArrayList<>();
            for (float p : windowProbabilities) {
                step(p, events);
            }
            return events;
        }

        /**
         * Ends the recording: a span still open ends where its pending pause started, or else at the recording's
         * end.
         * @param totalSamples the recording's length in samples
         * @return the last span's events, if one was open
         */
        public List<SpeechEvent> finish(int totalSamples) {
            if (this.finished) {
                throw new IllegalStateException("The recording has finished");
            }
            this.finished = true;
            List<SpeechEvent> events = new ArrayList<>();
            if (this.speaking) {
                int end = (this.pauseStart >= 0) ? this.pauseStart * windowSamples : totalSamples;
                end(Math.min(end, totalSamples), totalSamples, events);
            }
            return events;
        }

        /** @return windows consumed so far */
        public int windows() {
            return this.window;
        }

        private void step(float p, List<SpeechEvent> events) {
            int i = this.window++;
            if (!this.speaking) {
                if (p < settings.threshold()) {
                    return;
                }
                this.speaking = true;
                this.confirmed = false;
                this.rawStart = i * windowSamples;
                this.pauseStart = -1;
                this.historyFirst = i;
                this.historyLength = 0;
            }
            else if (p >= settings.threshold()) {
                this.pauseStart = -1;
            }
            else if (p < settings.negativeThreshold()) {
                if (this.pauseStart < 0) {
                    this.pauseStart = i;
                }
                if ((long) (i - this.pauseStart + 1) * windowSamples >= minSilenceSamples) {
                    end(this.pauseStart * windowSamples, Integer.MAX_VALUE, events);
                    return;
                }
            }
            remember(p);
            int heard = (i + 1) * windowSamples;
            if (!this.confirmed && this.pauseStart < 0 && heard - this.rawStart >= minSpeechSamples) {
                start(events);
            }
            if (this.confirmed) {
                int end = ((this.pauseStart >= 0) ? this.pauseStart * windowSamples : heard);
                cutWhileTooLong((int) Math.min(Integer.MAX_VALUE, (long) end + padSamples), end, events);
            }
        }

        private void start(List<SpeechEvent> events) {
            this.confirmed = true;
            this.pieceStart = Math.max(0, this.rawStart - padSamples);
            events.add(new SpeechEvent.Started(this.pieceStart));
        }

        private void end(int rawEnd, int totalSamples, List<SpeechEvent> events) {
            this.speaking = false;
            this.pauseStart = -1;
            if (!this.confirmed) {
                if (rawEnd <= this.rawStart || rawEnd - this.rawStart < minSpeechSamples) {
                    return;
                }
                start(events);
            }
            int end = (int) Math.min((long) rawEnd + padSamples, totalSamples);
            cutWhileTooLong(end, rawEnd, events);
            events.add(new SpeechEvent.Ended(new SpeechSpan(this.pieceStart, Math.max(this.pieceStart, end))));
            this.confirmed = false;
        }

        /**
         * Cuts the current piece while it would run past {@code maxSegment} were the span to end at {@code end}.
         * @param end where the span would end, padded
         * @param heard cuts lie at or before this sample
         */
        private void cutWhileTooLong(int end, int heard, List<SpeechEvent> events) {
            int minPiece = Math.max(1, minSpeechSamples);
            int half = windowSamples / 2;
            while (end - this.pieceStart > maxSegmentSamples) {
                int best = -1;
                float bestProbability = Float.POSITIVE_INFINITY;
                for (int k = 0; k < this.historyLength; k++) {
                    int cut = (this.historyFirst + k) * windowSamples + half;
                    if (cut - this.pieceStart < minPiece || cut - this.pieceStart > maxSegmentSamples
                            || cut > heard) {
                        continue;
                    }
                    if (this.history[k] <= bestProbability) {
                        best = cut;
                        bestProbability = this.history[k];
                    }
                }
                if (best < 0) {
                    best = Math.min(this.pieceStart + maxSegmentSamples, Math.max(heard, this.pieceStart + 1));
                }
                events.add(new SpeechEvent.Ended(new SpeechSpan(this.pieceStart, best)));
                events.add(new SpeechEvent.Started(best));
                this.pieceStart = best;
                forgetBefore(best / windowSamples);
            }
        }

        private void remember(float p) {
            if (this.historyLength == this.history.length) {
                this.history = Arrays.copyOf(this.history, this.history.length * 2);
            }
            this.history[this.historyLength++] = p;
        }

        private void forgetBefore(int firstWindow) {
            int drop = Math.max(0, Math.min(this.historyLength, firstWindow - this.historyFirst));
            System.arraycopy(this.history, drop, this.history, 0, this.historyLength - drop);
            this.historyLength -= drop;
            this.historyFirst += drop;
        }

    }

}
