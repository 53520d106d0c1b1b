package io.gearbox.asr.features;

/**
 * Log-mel feature configuration, one field per entry of the manifest's {@code features} block.
 *
 * @param sampleRate  input sample rate in Hz
 * @param numMelBins  number of mel filters (feature dimension)
 * @param frameLength analysis window length in samples
 * @param frameShift  hop between frames in samples
 * @param fftSize     FFT length in samples ({@code >= frameLength}, even); the frame is zero-padded at the end
 * @param lowFreq     lower edge of the first mel filter in Hz
 * @param highFreq    upper edge of the last mel filter in Hz ({@code <= sampleRate / 2})
 * @param logOffset   added to each filter energy before the natural logarithm
 */
public record FeatureConfig(int sampleRate, int numMelBins, int frameLength, int frameShift, int fftSize,
        double lowFreq, double highFreq, double logOffset) {

    /**
     * Validates the configuration once, at construction.
     *
     * @throws IllegalArgumentException naming the offending value
     */
    public FeatureConfig {
        requirePositive("sampleRate", sampleRate);
        requirePositive("numMelBins", numMelBins);
        requirePositive("frameLength", frameLength);
        requirePositive("frameShift", frameShift);
        requirePositive("fftSize", fftSize);
        if (fftSize < frameLength || fftSize % 2 != 0) {
            throw new IllegalArgumentException(
                    "fftSize must be even and >= frameLength (" + frameLength + "), was " + fftSize);
        }
        if (!Double.isFinite(lowFreq) || lowFreq < 0) {
            throw new IllegalArgumentException("lowFreq must be >= 0 Hz, was " + lowFreq);
        }
        if (!Double.isFinite(highFreq) || highFreq <= lowFreq || highFreq > sampleRate / 2.0) {
            throw new IllegalArgumentException("highFreq must be in (lowFreq, sampleRate / 2] = (" + lowFreq + ", "
                    + sampleRate / 2.0 + "] Hz, was " + highFreq);
        }
        if (!Double.isFinite(logOffset) || logOffset <= 0) {
            throw new IllegalArgumentException("logOffset must be > 0, was " + logOffset);
        }
    }

    /**
     * The configuration the shipped models are trained with: 16 kHz, 80 bins, 25 ms / 10 ms frames, 512-point
     * FFT, 20..7600 Hz, offset 1e-6.
     */
    public static FeatureConfig defaults() {
        return new FeatureConfig(16_000, 80, 400, 160, 512, 20.0, 7600.0, 1e-6);
    }

    /** Number of power-spectrum bins, {@code fftSize / 2 + 1}. */
    public int numFftBins() {
        return fftSize / 2 + 1;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }
}
