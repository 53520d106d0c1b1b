package io.gearbox.asr.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class MelFilterbankTests {

    private final FeatureConfig config = FeatureConfig.defaults();
    private final MelFilterbank filterbank = new MelFilterbank(config);

    @Test
    void htkMelScaleRoundTripsAndMatchesKnownValues() {
        assertThat(MelFilterbank.hzToMel(0)).isZero();
        assertThat(MelFilterbank.hzToMel(700)).isCloseTo(2595 * Math.log10(2), within(1e-9));
        assertThat(MelFilterbank.hzToMel(1000)).isCloseTo(1000.0, within(0.1));
        for (double hz : new double[] { 20, 440, 1000, 4000, 7600 }) {
            assertThat(MelFilterbank.melToHz(MelFilterbank.hzToMel(hz))).isCloseTo(hz, within(1e-9));
        }
    }

    @Test
    void edgesAreEquallySpacedInMelFromLowToHighFrequency() {
        double[] edges = filterbank.edgesHz();
        assertThat(edges).hasSize(config.numMelBins() + 2);
        assertThat(edges[0]).isCloseTo(20.0, within(1e-9));
        assertThat(edges[edges.length - 1]).isCloseTo(7600.0, within(1e-6));
        double step = MelFilterbank.hzToMel(edges[1]) - MelFilterbank.hzToMel(edges[0]);
        for (int i = 1; i < edges.length; i++) {
            assertThat(MelFilterbank.hzToMel(edges[i]) - MelFilterbank.hzToMel(edges[i - 1])).isCloseTo(step,
                    within(1e-9));
        }
    }

    @Test
    void everyFilterPeaksAtOneAtItsCentreAndIsTriangular() {
        double[] edges = filterbank.edgesHz();
        for (int j = 0; j < filterbank.numFilters(); j++) {
            double left = edges[j];
            double centre = edges[j + 1];
            double right = edges[j + 2];
            assertThat(filterbank.weight(j, centre)).as("peak of filter %d", j).isCloseTo(1.0, within(1e-12));
            assertThat(filterbank.weight(j, left)).isCloseTo(0.0, within(1e-12));
            assertThat(filterbank.weight(j, right)).isCloseTo(0.0, within(1e-12));
            assertThat(filterbank.weight(j, (left + centre) / 2)).isCloseTo(0.5, within(1e-12));
            assertThat(filterbank.weight(j, (centre + right) / 2)).isCloseTo(0.5, within(1e-12));
            assertThat(filterbank.weight(j, left - 1)).isZero();
            assertThat(filterbank.weight(j, right + 1)).isZero();
        }
    }

    @Test
    void matrixRowsAreUnimodalWithinTheFilterSupportAndNeverExceedOne() {
        double[][] matrix = filterbank.matrix();
        double[] edges = filterbank.edgesHz();
        double binHz = config.sampleRate() / (double) config.fftSize();
        assertThat(matrix).hasNumberOfRows(config.numMelBins());
        for (int j = 0; j < matrix.length; j++) {
            double[] row = matrix[j];
            assertThat(row).hasSize(config.fftSize() / 2 + 1);
            assertThat(Arrays.stream(row).max().orElse(0)).as("filter %d has some weight", j).isPositive();
            int peak = 0;
            for (int k = 0; k < row.length; k++) {
                assertThat(row[k]).isBetween(0.0, 1.0);
                if (row[k] > 0) {
                    assertThat(k * binHz).isStrictlyBetween(edges[j], edges[j + 2]);
                }
                if (row[k] > row[peak]) {
                    peak = k;
                }
            }
            for (int k = 1; k <= peak; k++) {
                assertThat(row[k]).isGreaterThanOrEqualTo(row[k - 1]);
            }
            for (int k = peak + 1; k < row.length; k++) {
                assertThat(row[k]).isLessThanOrEqualTo(row[k - 1]);
            }
        }
    }

    @Test
    void applySumsWeightedPowerPerFilter() {
        double[][] matrix = filterbank.matrix();
        double[] power = new double[config.numFftBins()];
        for (int k = 0; k < power.length; k++) {
            power[k] = 1.0 + k % 7;
        }
        double[] out = new double[config.numMelBins()];
        filterbank.apply(power, out);
        for (int j = 0; j < out.length; j++) {
            double expected = 0;
            for (int k = 0; k < power.length; k++) {
                expected += matrix[j][k] * power[k];
            }
            assertThat(out[j]).isCloseTo(expected, within(1e-9));
        }
    }
}
