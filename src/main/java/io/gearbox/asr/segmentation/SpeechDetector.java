package io.gearbox.asr.segmentation;

import java.util.ArrayList;
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

}
