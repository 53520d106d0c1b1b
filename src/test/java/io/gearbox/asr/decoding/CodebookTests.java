package io.gearbox.asr.decoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

class CodebookTests {

    @Test
    void storesValuesLosslesslyWhenThereAreNoMoreDistinctValuesThanCodes() {
        float[] values = {-1.5f, -0.25f, -1.5f, -3.125f, -0.25f, -0.1f, -2f, -5f, -7f};

        // 3 bits: 7 codes, one of them the absent marker
        Codebook codebook = Codebook.quantised(values, values.length, 3, false);

        assertThat(codebook.maxError()).isZero();
        for (float value : values) {
            assertThat(codebook.decode(codebook.encode(value))).isEqualTo(value);
        }
    }

    @Test
    void keepsNegativeInfinityAndZeroBackOffsExact() {
        Random random = new Random(1);
        float[] values = new float[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 10 == 0 ? 0f : i % 13 == 0 ? Float.NEGATIVE_INFINITY : -2 * random.nextFloat();
        }

        Codebook codebook = Codebook.quantised(values, values.length, 4, true);

        assertThat(codebook.decode(codebook.encode(0f))).isEqualTo(0f);
        assertThat(codebook.decode(codebook.encode(Float.NEGATIVE_INFINITY))).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(codebook.maxError()).isPositive().isFinite();
    }

    @Test
    void neverUsesTheAbsentCodeForAValue() {
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = -i / 100f;
        }

        Codebook codebook = Codebook.quantised(values, values.length, 3, true);

        assertThat(codebook.absent()).isEqualTo(7);
        for (float value : values) {
            assertThat(codebook.encode(value)).isBetween(0, 6);
        }
        assertThat(Codebook.exact().encode(Float.NEGATIVE_INFINITY)).isNotEqualTo(Codebook.exact().absent());
        assertThat(Float.isNaN(Codebook.exact().decode(Codebook.exact().absent()))).isTrue();
    }

    @Test
    void measuresItsLargestErrorOverTheValues() {
        Random random = new Random(2);
        float[] values = new float[50_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.min(0, -2.5 + random.nextGaussian());
        }

        for (int bits : new int[] {4, 8, 12}) {
            Codebook codebook = Codebook.quantised(values, values.length, bits, false);
            double largest = 0;
            for (float value : values) {
                largest = Math.max(largest, Math.abs(codebook.decode(codebook.encode(value)) - value));
            }
            assertThat(codebook.maxError()).as("%d bits", bits).isEqualTo(largest).isPositive();
        }
    }

    @Test
    void spendsCodesWhereTheValuesAreDenseAndBoundsTheErrorInSparseTails() {
        // 99% of the values in [-1, 0], 1% spread over [-8, -1]
        Random random = new Random(3);
        float[] values = new float[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 100 == 0 ? -1 - 7 * random.nextFloat() : -random.nextFloat();
        }

        Codebook codebook = Codebook.quantised(values, values.length, 8, false);

        double denseError = 0;
        for (float value : values) {
            if (value > -1) {
                denseError = Math.max(denseError, Math.abs(codebook.decode(codebook.encode(value)) - value));
            }
        }
        // the dense part's 99,000 values in bins of up to 785 (twice 100,000 / 255), each under 1/126 wide
        assertThat(denseError).isLessThan(1.0 / 126);
        // the tail's 1,000 values over 7 log10 units get what the dense bins leave, at least 127 codes: one bin of
        // equal population would have spanned the whole tail, some 7 units
        assertThat(codebook.maxError()).isGreaterThan(denseError).isLessThan(7.0 / 100);
    }

    @Test
    void encodesInBulkAsOneByOne() {
        Random random = new Random(5);
        float[] values = new float[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 1000 == 0 ? Float.NEGATIVE_INFINITY : i % 7 == 0 ? 0f
                    : (float) Math.min(0, -2.5 + random.nextGaussian());
        }
        float[] probes = new float[100_000];
        for (int i = 0; i < probes.length; i++) {
            // the values themselves, and others around and beyond them
            probes[i] = i % 2 == 0 ? values[i] : (float) (-12 + 14 * random.nextDouble());
        }

        for (int bits : new int[] {4, 8, 12, 16}) {
            Codebook codebook = Codebook.quantised(values, values.length, bits, true);
            Codebook.Encoder encoder = codebook.encoder();
            for (float probe : probes) {
                assertThat(encoder.encode(probe)).as("%s, %d bits", probe, bits).isEqualTo(codebook.encode(probe));
            }
        }
    }

    @Test
    void keepsSixteenBitErrorsFarBelowAHundredthOnALargeModelsWorthOfValues() {
        Random random = new Random(4);
        float[] values = new float[2_000_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.min(0, -2.5 + 1.2 * random.nextGaussian());
        }

        Codebook codebook = Codebook.quantised(values, values.length, 16, false);

        assertThat(codebook.maxError()).isLessThan(0.001);
    }
}
