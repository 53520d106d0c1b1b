package io.gearbox.asr.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogMelExtractorTests {

    private final FeatureConfig config = FeatureConfig.defaults();
    private final LogMelExtractor extractor = new LogMelExtractor(config);

    @Test
    void frameCountFollowsTheContractFormula() {
        assertThat(extractor.numFrames(0)).isZero();
        assertThat(extractor.numFrames(399)).isZero();
        assertThat(extractor.numFrames(400)).isEqualTo(1);
        assertThat(extractor.numFrames(559)).isEqualTo(1);
        assertThat(extractor.numFrames(560)).isEqualTo(2);
        assertThat(extractor.numFrames(16000)).isEqualTo(98);
        assertThatIllegalArgumentException().isThrownBy(() -> extractor.numFrames(-1));
    }

    @Test
    void extractReturnsOneRowOfMelBinsPerFrame() {
        assertThat(extractor.extract(new float[16000])).hasDimensions(98, 80);
        assertThat(extractor.extract(new float[561])).hasDimensions(2, 80);
    }

    @Test
    void audioShorterThanOneFrameGivesNoFrames() {
        assertThat(extractor.extract(new float[399])).isEmpty();
        assertThat(extractor.extract(new float[0])).isEmpty();
    }

    @Test
    void silenceGivesTheLogOfTheOffset() {
        float expected = (float) Math.log(1e-6);
        for (float[] row : extractor.extract(new float[4000])) {
            for (float value : row) {
                assertThat(value).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 5, 20, 40, 60, 75 })
    void aSineAtAFilterCentrePutsMostEnergyInThatFilter(int filter) {
        double hz = new MelFilterbank(config).edgesHz()[filter + 1];
        float[] samples = sine(hz, 0.5, 8000);
        for (float[] row : extractor.extract(samples)) {
            assertThat(argmax(row)).isEqualTo(filter);
            // Far from the tone there is (almost) nothing but the offset.
            int far = filter < 40 ? 79 : 0;
            assertThat(row[filter] - row[far]).isGreaterThan(10f);
        }
    }

    @Test
    void spectrumMatchesADirectDftOfTheZeroPaddedFrame() {
        // Checks the packed real-FFT layout against a direct DFT of the zero-padded frame, and the peak against
        // the closed form: a whole number of periods of amplitude A on bin k gives |X[k]| = A * sum(w) / 2 = A L / 4.
        double binHz = config.sampleRate() / (double) config.fftSize();
        int bin = 64; // 2000 Hz
        double amplitude = 0.5;
        float[] samples = sine(bin * binHz, amplitude, 400);
        double[] power = new double[config.numFftBins()];
        double l = config.frameLength();
        double[] w = LogMelExtractor.periodicHann(400);
        for (int k = 0; k < power.length; k++) {
            double re = 0;
            double im = 0;
            for (int n = 0; n < 400; n++) {
                double x = samples[n] * w[n];
                re += x * Math.cos(2 * Math.PI * k * n / config.fftSize());
                im -= x * Math.sin(2 * Math.PI * k * n / config.fftSize());
            }
            power[k] = re * re + im * im;
        }
        double[] energies = new double[config.numMelBins()];
        new MelFilterbank(config).apply(power, energies);
        float[] row = extractor.extract(samples)[0];
        for (int j = 0; j < energies.length; j++) {
            assertThat((double) row[j]).isCloseTo(Math.log(energies[j] + 1e-6), within(1e-5));
        }
        assertThat(power[bin]).isCloseTo(Math.pow(amplitude * l / 4, 2), within(Math.pow(amplitude * l / 4, 2) * 0.05));
    }

    @Test
    void framesAreIndependentOfWhatFollowsThem() {
        float[] noise = noise(3000, 7);
        float[][] whole = extractor.extract(noise);
        float[] prefix = Arrays.copyOf(noise, 400 + 160 * 3);
        float[][] part = extractor.extract(prefix);
        assertThat(part).hasNumberOfRows(4);
        for (int i = 0; i < part.length; i++) {
            assertThat(part[i]).containsExactly(whole[i]);
        }
    }

    @Test
    void oneInstanceGivesIdenticalResultsAcrossThreads() throws Exception {
        float[] noise = noise(16000, 11);
        float[][] expected = extractor.extract(noise);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> extractor.extract(noise)));
            }
            for (Future<float[][]> result : results) {
                assertThat(result.get()).isDeepEqualTo(expected);
            }
        }
        finally {
            pool.shutdownNow();
        }
    }

    private float[] sine(double hz, double amplitude, int length) {
        float[] samples = new float[length];
        for (int n = 0; n < length; n++) {
            samples[n] = (float) (amplitude * Math.sin(2 * Math.PI * hz * n / config.sampleRate()));
        }
        return samples;
    }

    private static float[] noise(int length, long seed) {
        Random random = new Random(seed);
        float[] samples = new float[length];
        for (int n = 0; n < length; n++) {
            samples[n] = (float) (random.nextGaussian() * 0.1);
        }
        return samples;
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }
}
