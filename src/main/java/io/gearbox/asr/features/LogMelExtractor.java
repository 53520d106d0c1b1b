package io.gearbox.asr.features;

import java.util.Arrays;
import java.util.Objects;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Computes log-mel filterbank features as the package documentation specifies.
 *
 * <p>The window and the filterbank are computed once in the constructor; every call to {@link #extract} uses its
 * own FFT plan and scratch buffers, so one instance can be shared by any number of threads.
 */
public final class LogMelExtractor {

    private final FeatureConfig config;
    private final double[] window;
    private final MelFilterbank filterbank;

    public LogMelExtractor(FeatureConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.window = periodicHann(config.frameLength());
        this.filterbank = new MelFilterbank(config);
    }

    public FeatureConfig config() {
        return config;
    }

    /**
     * Number of feature frames for {@code numSamples} samples: {@code 1 + (numSamples - frameLength) / frameShift}
     * when {@code numSamples >= frameLength}, else 0.
     *
     * @throws IllegalArgumentException if {@code numSamples} is negative
     */
    public int numFrames(int numSamples) {
        if (numSamples < 0) {
            throw new IllegalArgumentException("numSamples must be >= 0, was " + numSamples);
        }
        if (numSamples < config.frameLength()) {
            return 0;
        }
        return 1 + (numSamples - config.frameLength()) / config.frameShift();
    }

    /**
     * Log-mel features of mono samples in [-1, 1] at the configured sample rate.
     *
     * @return {@code float[numFrames(samples.length)][numMelBins]}; no rows when the input is shorter than one
     *         frame
     */
    public float[][] extract(float[] samples) {
        Objects.requireNonNull(samples, "samples");
        int frames = numFrames(samples.length);
        int numMels = config.numMelBins();
        float[][] features = new float[frames][numMels];
        if (frames == 0) {
            return features;
        }
        int fftSize = config.fftSize();
        int frameLength = config.frameLength();
        int half = fftSize / 2;
        double logOffset = config.logOffset();
        // A plan and buffers per call, so that threads share nothing mutable.
        DoubleFFT_1D fft = new DoubleFFT_1D(fftSize);
        double[] buffer = new double[fftSize];
        double[] power = new double[half + 1];
        double[] energies = new double[numMels];
        for (int i = 0; i < frames; i++) {
            int start = i * config.frameShift();
            for (int n = 0; n < frameLength; n++) {
                buffer[n] = samples[start + n] * window[n];
            }
            Arrays.fill(buffer, frameLength, fftSize, 0.0);
            fft.realForward(buffer);
            // Packed layout for even n: [Re0, Re(n/2), Re1, Im1, Re2, Im2, ...].
            power[0] = buffer[0] * buffer[0];
            power[half] = buffer[1] * buffer[1];
            for (int k = 1; k < half; k++) {
                double re = buffer[2 * k];
                double im = buffer[2 * k + 1];
                power[k] = re * re + im * im;
            }
            filterbank.apply(power, energies);
            float[] row = features[i];
            for (int j = 0; j < numMels; j++) {
                row[j] = (float) Math.log(energies[j] + logOffset);
            }
        }
        return features;
    }

    static double[] periodicHann(int length) {
        double[] w = new double[length];
        for (int n = 0; n < length; n++) {
            w[n] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * n / length);
        }
        return w;
    }
}
