package io.gearbox.asr.segmentation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.gearbox.asr.inference.SileroVad;

/**
 * Speech spans of a whole recording: the Silero VAD model's window probabilities read by a {@link SpeechDetector}.
 * Thread-safe (each call runs its own model stream). Does not own the model: whoever opened the {@link SileroVad}
 * closes it.
 */
public final class VoiceActivityDetector {

    private final SileroVad model;

    private final SpeechDetector detector;

    /**
     * @param model the open voice activity model
     * @param settings how probabilities become spans
     */
    public VoiceActivityDetector(SileroVad model, VadSettings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.detector = new SpeechDetector(settings, model.sampleRate(), model.windowSamples());
    }

    /** @return the detector that turns probabilities into spans */
    public SpeechDetector detector() {
        return this.detector;
    }

    /** @return the audio's required sample rate, in Hz (16000) */
    public int sampleRate() {
        return this.model.sampleRate();
    }

    /**
     * @param samples16k mono samples at 16 kHz, nominally in [-1, 1]
     * @return the speech spans in sample positions, in order, none overlapping, none longer than
     * {@link VadSettings#maxSegment()}
     * @throws IllegalStateException if the model is closed
     */
    public List<SpeechSpan> speech(float[] samples16k) {
        return this.detector.detect(this.model.probabilities(samples16k), samples16k.length);
    }

    /**
     * Finds the speech of a recording a piece at a time, so that a long recording's detection can run as several
     * short tasks: {@link Analysis#advance(int)} until it answers {@code true}, then {@link Analysis#spans()}, the
     * same spans as {@link #speech(float[])}. Not thread-safe: one task at a time.
     * @param samples16k mono samples at 16 kHz, nominally in [-1, 1]
     * @return the analysis, nothing run yet
     */
    public Analysis analyse(float[] samples16k) {
        return new Analysis(samples16k);
    }

    /** One recording's detection, run a piece at a time. */
    public final class Analysis {

        private final float[] samples;

        private final SileroVad.Stream stream = VoiceActivityDetector.this.model.newStream();

        private float[] probabilities = new float[0];

        private int fed;

        private List<SpeechSpan> spans;

        private Analysis(float[] samples) {
            this.samples = Objects.requireNonNull(samples, "samples");
        }

        /**
         * Runs the model over up to {@code maxSamples} more of the recording.
         * @param maxSamples the most samples to run, {@code > 0}
         * @return whether the whole recording has been run and {@link #spans()} is ready
         * @throws IllegalStateException if the model is closed
         */
        public boolean advance(int maxSamples) {
            if (maxSamples <= 0) {
                throw new IllegalArgumentException("maxSamples must be > 0, was " + maxSamples);
            }
            if (this.spans != null) {
                return true;
            }
            int end = (int) Math.min(this.samples.length, (long) this.fed + maxSamples);
            append(this.stream.accept(Arrays.copyOfRange(this.samples, this.fed, end)));
            this.fed = end;
            if (end < this.samples.length) {
                return false;
            }
            append(this.stream.flush());
            this.spans = VoiceActivityDetector.this.detector.detect(this.probabilities, this.samples.length);
            return true;
        }

        /**
         * @return the speech spans, as {@link #speech(float[])} gives them
         * @throws IllegalStateException if the recording has not been run through yet
         */
        public List<SpeechSpan> spans() {
            if (this.spans == null) {
                throw new IllegalStateException("advance() until it answers true first");
            }
            return this.spans;
        }

        private void append(float[] more) {
            if (more.length > 0) {
                float[] joined = Arrays.copyOf(this.probabilities, this.probabilities.length + more.length);
                System.arraycopy(more, 0, joined, this.probabilities.length, more.length);
                this.probabilities = joined;
            }
        }

    }

}
