package io.gearbox.asr.features;

/**
 * HTK-scale triangular mel filterbank without area normalisation, identical in definition to torchaudio's
 * {@code melscale_fbanks(n_freqs, f_min, f_max, n_mels, sample_rate, norm=None, mel_scale="htk")}.
 *
 * <p>{@code mel(f) = 2595 log10(1 + f / 700)}; the {@code numMelBins + 2} edge frequencies are equally spaced
 * in mel between {@code lowFreq} and {@code highFreq}; filter {@code j} rises linearly from edge {@code j} to
 * 1.0 at edge {@code j + 1} and falls back to 0 at edge {@code j + 2}. Weights are evaluated at the FFT bin
 * frequencies {@code k * (sampleRate / 2) / (fftSize / 2)}. Only the non-zero span of each row is stored.
 * Immutable and thread-safe.
 */
final class MelFilterbank {

    private final double[] edgesHz;
    private final double[] binFreqsHz;
    /** Per filter: index of the first bin with a non-zero weight. */
    private final int[] firstBin;
    /** Per filter: weights of bins {@code firstBin[j] ..}, all non-zero (may be empty). */
    private final double[][] weights;

    MelFilterbank(FeatureConfig config) {
        int numMels = config.numMelBins();
        int numBins = config.numFftBins();
        this.edgesHz = new double[numMels + 2];
        double melLow = hzToMel(config.lowFreq());
        double melHigh = hzToMel(config.highFreq());
        for (int i = 0; i < edgesHz.length; i++) {
            // torch.linspace: start + i * (end - start) / (steps - 1)
            double mel = melLow + i * (melHigh - melLow) / (numMels + 1);
            edgesHz[i] = melToHz(mel);
        }
        this.binFreqsHz = new double[numBins];
        double nyquist = config.sampleRate() / 2.0;
        for (int k = 0; k < numBins; k++) {
            binFreqsHz[k] = k * nyquist / (numBins - 1);
        }
        this.firstBin = new int[numMels];
        this.weights = new double[numMels][];
        for (int j = 0; j < numMels; j++) {
            int first = -1;
            int last = -1;
            for (int k = 0; k < numBins; k++) {
                if (weight(j, binFreqsHz[k]) > 0) {
                    if (first < 0) {
                        first = k;
                    }
                    last = k;
                }
            }
            if (first < 0) {
                firstBin[j] = 0;
                weights[j] = new double[0];
            }
            else {
                firstBin[j] = first;
                weights[j] = new double[last - first + 1];
                for (int k = first; k <= last; k++) {
                    weights[j][k - first] = weight(j, binFreqsHz[k]);
                }
            }
        }
    }

    static double hzToMel(double hz) {
        return 2595.0 * Math.log10(1.0 + hz / 700.0);
    }

    static double melToHz(double mel) {
        return 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
    }

    /** Weight of filter {@code j} (0-based) at frequency {@code hz}, as the manifest defines it. */
    double weight(int j, double hz) {
        double down = (hz - edgesHz[j]) / (edgesHz[j + 1] - edgesHz[j]);
        double up = (edgesHz[j + 2] - hz) / (edgesHz[j + 2] - edgesHz[j + 1]);
        return Math.max(0.0, Math.min(down, up));
    }

    int numFilters() {
        return weights.length;
    }

    /** The {@code numMelBins + 2} filter edge frequencies in Hz; filter {@code j} peaks at edge {@code j + 1}. */
    double[] edgesHz() {
        return edgesHz.clone();
    }

    /** The full {@code [numMelBins][fftSize / 2 + 1]} weight matrix (a copy). */
    double[][] matrix() {
        double[][] m = new double[weights.length][binFreqsHz.length];
        for (int j = 0; j < weights.length; j++) {
            System.arraycopy(weights[j], 0, m[j], firstBin[j], weights[j].length);
        }
        return m;
    }

    /** Filter energies {@code out[j] = sum_k weight[j][k] * power[k]}. */
    void apply(double[] power, double[] out) {
        for (int j = 0; j < weights.length; j++) {
            double[] row = weights[j];
            int offset = firstBin[j];
            double sum = 0.0;
            for (int k = 0; k < row.length; k++) {
                sum += row[k] * power[offset + k];
            }
            out[j] = sum;
        }
    }
}
