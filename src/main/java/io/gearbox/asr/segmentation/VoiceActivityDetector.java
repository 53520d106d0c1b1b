package io.gearbox.asr.segmentation;

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

}
