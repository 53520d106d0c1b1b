package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.gearbox.asr.segmentation.SpeechSpan;
import io.gearbox.asr.segmentation.VoiceActivityDetector;

/**
 * Cuts recordings longer than a threshold at the speech pauses a {@link VoiceActivityDetector} finds.
 * Thread-safe when the detector is.
 */
public final class SpeechPauseCutter implements LongFormCutter {

    /**
     * Audio searched per task, in seconds: about a quarter of a second of one worker at the detector's 0.5 ms per
     * 32 ms window, so that a long recording's search yields the workers to other requests between pieces.
     */
    static final int PIECE_SECONDS = 15;

    private final VoiceActivityDetector detector;

    private final double minSeconds;

    /**
     * @param detector finds the spans of speech
     * @param minDuration recordings longer than this are cut; shorter ones are recognised whole
     */
    public SpeechPauseCutter(VoiceActivityDetector detector, Duration minDuration) {
        this.detector = Objects.requireNonNull(detector, "detector");
        if (minDuration == null || minDuration.isNegative()) {
            throw new IllegalArgumentException("minDuration must be >= 0, was " + minDuration);
        }
        this.minSeconds = minDuration.toNanos() / 1e9;
    }

    @Override
    public boolean cuts(double audioSeconds) {
        return audioSeconds > this.minSeconds;
    }

    @Override
    public List<SpeechSpan> speech(float[] samples) {
        return this.detector.speech(samples);
    }

    @Override
    public Analysis analyse(float[] samples) {
        VoiceActivityDetector.Analysis analysis = this.detector.analyse(samples);
        int piece = PIECE_SECONDS * this.detector.sampleRate();
        return new Analysis() {

            @Override
            public boolean advance() {
                return analysis.advance(piece);
            }

            @Override
            public List<SpeechSpan> spans() {
                return analysis.spans();
            }

        };
    }

    @Override
    public String toString() {
        return "SpeechPauseCutter[over " + this.minSeconds + " s]";
    }

}
