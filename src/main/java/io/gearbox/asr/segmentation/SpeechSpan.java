package io.gearbox.asr.segmentation;

/**
 * A stretch of speech in a recording, as half-open sample positions {@code [startSample, endSample)} at the
 * recording's rate.
 *
 * @param startSample first sample of the span, {@code >= 0}
 * @param endSample one past the last sample, {@code >= startSample}
 */
public record SpeechSpan(int startSample, int endSample) {

    public SpeechSpan {
        if (startSample < 0) {
            throw new IllegalArgumentException("startSample must be >= 0, was " + startSample);
        }
        if (endSample < startSample) {
            throw new IllegalArgumentException(
                    "endSample must be >= startSample (" + startSample + "), was " + endSample);
        }
    }

    /** @return the span's length in samples */
    public int length() {
        return this.endSample - this.startSample;
    }

    /**
     * @param sampleRate the recording's rate, in Hz
     * @return where the span starts, in seconds
     */
    public double startSeconds(int sampleRate) {
        return (double) this.startSample / checkRate(sampleRate);
    }

    /**
     * @param sampleRate the recording's rate, in Hz
     * @return where the span ends, in seconds
     */
    public double endSeconds(int sampleRate) {
        return (double) this.endSample / checkRate(sampleRate);
    }

    private static int checkRate(int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sampleRate must be positive, was " + sampleRate);
        }
        return sampleRate;
    }

}
