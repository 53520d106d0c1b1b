package io.gearbox.asr.decoding;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Hand-built CTC outputs for the decoding tests. */
final class Lattices {

    static final double FRAME_SECONDS = 0.08;

    /** Ids: blank 0, ▁the 1, ▁c 2, at 3, ▁a 4, s 5, ▁ 6, {@code <unk>} 7. */
    static final Vocabulary VOCABULARY = Vocabulary.of(
            List.of("<blank>", "\u2581the", "\u2581c", "at", "\u2581a", "s", "\u2581", "<unk>"), 0);

    static final int BLANK = 0;
    static final int THE = 1;
    static final int C = 2;
    static final int AT = 3;
    static final int A = 4;
    static final int S = 5;
    static final int BOUNDARY = 6;
    static final int UNK = 7;

    private Lattices() {
    }

    /** Log of a probability matrix, as float. */
    static float[][] log(double[][] probs) {
        float[][] out = new float[probs.length][];
        for (int t = 0; t < probs.length; t++) {
            out[t] = new float[probs[t].length];
            for (int v = 0; v < probs[t].length; v++) {
                out[t][v] = (float) Math.log(probs[t][v]);
            }
        }
        return out;
    }

    /**
     * One frame per label: the label gets {@code peak}, the rest of the mass is spread evenly over the other
     * labels of {@link #VOCABULARY}.
     */
    static float[][] frames(double peak, int... labels) {
        double[] peaks = new double[labels.length];
        Arrays.fill(peaks, peak);
        return frames(peaks, labels);
    }

    static float[][] frames(double[] peaks, int... labels) {
        int size = VOCABULARY.size();
        double[][] probs = new double[labels.length][size];
        for (int t = 0; t < labels.length; t++) {
            Arrays.fill(probs[t], (1 - peaks[t]) / (size - 1));
            probs[t][labels[t]] = peaks[t];
        }
        return log(probs);
    }

    /** Random input whose best label in every frame has a probability of at least {@code minPeak}. */
    static float[][] peaky(Random random, int frames, int size, double minPeak) {
        double[][] probs = new double[frames][size];
        for (int t = 0; t < frames; t++) {
            // Blank about half the time, as in real CTC output.
            int label = random.nextBoolean() ? 0 : random.nextInt(size);
            double peak = minPeak + (1 - minPeak) * random.nextDouble() * 0.99;
            double sum = 0;
            for (int v = 0; v < size; v++) {
                if (v != label) {
                    probs[t][v] = random.nextDouble() + 1e-3;
                    sum += probs[t][v];
                }
            }
            for (int v = 0; v < size; v++) {
                probs[t][v] = v == label ? peak : probs[t][v] / sum * (1 - peak);
            }
        }
        return log(probs);
    }

    /** Random input with no dominant label. */
    static float[][] flat(Random random, int frames, int size) {
        double[][] probs = new double[frames][size];
        for (int t = 0; t < frames; t++) {
            double sum = 0;
            for (int v = 0; v < size; v++) {
                probs[t][v] = random.nextDouble() + 1e-3;
                sum += probs[t][v];
            }
            for (int v = 0; v < size; v++) {
                probs[t][v] /= sum;
            }
        }
        return log(probs);
    }
}
