package io.gearbox.asr.decoding;

import java.util.Arrays;

/**
 * How one kind of value of one n-gram order (log10 probabilities, or back-off weights) is stored in an
 * {@link NgramLanguageModel}: either exactly, as the 32 bits of the {@code float}, or as a {@code bits}-bit index
 * into a sorted table of centres (KenLM's quantisation, Heafield 2011, section 4.2).
 *
 * <p><b>Building the table.</b> The values are sorted and cut into as many bins of equal population as there are
 * free codes; each bin's centre is the mean of its values, and a value is stored as its nearest centre. Equal
 * population spends the codes where the values are dense, which is where most scored n-grams are. Unlike KenLM's,
 * bins hold up to twice the equal share and are also capped in width (the smallest cap that still fits the codes),
 * so that the sparse tails, where a bin of equal population would span whole log10 units, keep a bounded error
 * (see {@link #binCentres}). Values that must
 * stay exact get a code of their own: {@code -inf} (a probability of 0, as some toolkits write for {@code <s>}),
 * and 0 among back-off weights (what a context without a weight, or one only present as the context of longer
 * n-grams, gets). When there are no more distinct values than codes, the table is the distinct values and storage
 * is lossless. The largest error, {@link #maxError()}, is measured over every value the table was built from.
 *
 * <p>One code, {@link #absent()}, marks an n-gram that is in the trie only as the context of longer n-grams and has
 * no probability of its own (NaN bits when stored exactly).
 *
 * <p>Immutable and thread-safe.
 */
final class Codebook {

    /** The stored bits of an absent value when values are stored exactly: a quiet NaN, which no ARPA value is. */
    private static final int ABSENT_BITS = 0x7fc00001;

    /** The centres, ascending; null when values are stored exactly. */
    private final float[] centres;

    private final int bits;

    private final double maxError;

    private Codebook(float[] centres, int bits, double maxError) {
        this.centres = centres;
        this.bits = bits;
        this.maxError = maxError;
    }

    /** Values stored as their 32 float bits. */
    static Codebook exact() {
        return new Codebook(null, Float.SIZE, 0.0);
    }

    /**
     * A table of at most {@code 2^bits - 1} centres for {@code values[0 .. count)}, with 0 kept exact if
     * {@code keepZero}.
     *
     * @param bits 2 to 16
     */
    static Codebook quantised(float[] values, int count, int bits, boolean keepZero) {
        float[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int from = 0;
        while (from < count && sorted[from] == Float.NEGATIVE_INFINITY) {
            from++;
        }
        boolean negativeInfinity = from > 0;
        float[] finite = keepZero ? removeZeros(sorted, from) : Arrays.copyOfRange(sorted, from, count);
        int codes = (1 << bits) - 1 - (negativeInfinity ? 1 : 0) - (keepZero ? 1 : 0);
        float[] centres = distinctSorted(finite);
        if (centres.length > codes) {
            centres = binCentres(finite, codes);
        }
        int extra = (negativeInfinity ? 1 : 0) + (keepZero ? 1 : 0);
        float[] all = Arrays.copyOf(centres, centres.length + extra);
        if (negativeInfinity) {
            all[centres.length] = Float.NEGATIVE_INFINITY;
        }
        if (keepZero) {
            all[all.length - 1] = 0f;
        }
        all = distinct(all);
        // the nearest centre of ascending values only moves up: one walk finds the error of every value
        double maxError = 0;
        int nearest = 0;
        for (int i = from; i < count; i++) {
            float value = sorted[i];
            while (nearest + 1 < all.length && Math.abs(all[nearest + 1] - value) <= Math.abs(all[nearest] - value)) {
                nearest++;
            }
            maxError = Math.max(maxError, Math.abs(all[nearest] - value));
        }
        return new Codebook(all, bits, maxError);
    }

    /**
     * The means of at most {@code codes} bins of sorted values, each of at most {@code ceil(2 n / codes)} values
     * and at most a width {@code w}, the smallest with which the bins fit in the codes (found by bisection). The
     * population cap alone makes {@code codes / 2} bins of equal population, so at least half the codes are left
     * to split the bins wider than {@code w}: the sparse tails (the rarest words' probabilities), where one bin of
     * equal population would span whole log10 units. So a stored value is within {@code w} of its value, {@code w}
     * being at most the smallest width that covers the values with {@code codes / 2} bins, and where values are
     * dense the bins hold twice as many as pure equal population (KenLM's) would.
     */
    private static float[] binCentres(float[] sorted, int codes) {
        int population = (int) ((2L * sorted.length + codes - 1) / codes);
        double low = 0;
        double range = (double) sorted[sorted.length - 1] - sorted[0];
        // bisect the cap on a bin's width: the bins only get fewer as it grows, and at the whole range they fit;
        // bins closed by the population cap are at most codes / 2, and so are those closed by a cap of
        // 2 * range / codes (bar one), which is where to start; to within 0.1% of the width, which is all the bound
        // needs, in some 10 to 20 passes over the values, those over the codes cut short
        double high = bins(sorted, population, 2 * range / codes, null, codes) <= codes ? 2 * range / codes : range;
        while (high - low > 1e-3 * high) {
            double width = (low + high) / 2;
            if (bins(sorted, population, width, null, codes) <= codes) {
                high = width;
            }
            else {
                low = width;
            }
        }
        float[] centres = new float[bins(sorted, population, high, null, codes)];
        bins(sorted, population, high, centres, codes);
        return distinctSorted(centres);
    }

    /**
     * Cuts sorted values into bins of at most {@code population} values and {@code width}; counts them, or stops
     * once they are over {@code limit}. Writes their means into {@code centres} unless it is null.
     */
    private static int bins(float[] sorted, int population, double width, float[] centres, int limit) {
        int bins = 0;
        int start = 0;
        double sum = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i - start == population || (double) sorted[i] - sorted[start] > width) {
                if (centres != null) {
                    centres[bins] = (float) (sum / (i - start));
                }
                if (++bins >= limit) {
                    // with the bin that starts here, already over the limit
                    return bins + 1;
                }
                start = i;
                sum = 0;
            }
            sum += sorted[i];
        }
        if (centres != null) {
            centres[bins] = (float) (sum / (sorted.length - start));
        }
        return bins + 1;
    }

    /** The bits of a stored value. */
    int bits() {
        return bits;
    }

    /** The largest difference between a value the table was built from and its stored value (log10). */
    double maxError() {
        return maxError;
    }

    /** The stored form of {@code value}: its float bits, or the index of the nearest centre. */
    int encode(float value) {
        if (centres == null) {
            return Float.floatToRawIntBits(value);
        }
        int at = Arrays.binarySearch(centres, value);
        if (at >= 0) {
            return at;
        }
        return nearest(value, -at - 1);
    }

    /** The nearer to {@code value} of centres {@code above - 1} and {@code above}, the first centre above it. */
    private int nearest(float value, int above) {
        if (above == 0) {
            return 0;
        }
        if (above == centres.length) {
            return centres.length - 1;
        }
        return value - centres[above - 1] <= centres[above] - value ? above - 1 : above;
    }

    /**
     * An encoder for many values, as {@link #encode} would encode them, only faster: a grid of twice as many cells as
     * centres over the centres' range tells which few centres a value's nearest one is among. It takes some 8 bytes
     * per centre, so it is for loading only and not kept.
     */
    Encoder encoder() {
        return new Encoder();
    }

    /** See {@link #encoder()}; not thread-safe. */
    final class Encoder {

        private final int[] starts;

        private final double min;

        private final double scale;

        private Encoder() {
            if (centres == null || centres.length < 64) {
                starts = null;
                min = 0;
                scale = 0;
                return;
            }
            int first = centres[0] == Float.NEGATIVE_INFINITY ? 1 : 0;
            int cells = 2 * centres.length;
            min = centres[first];
            scale = cells / ((double) centres[centres.length - 1] - min);
            // starts[k]: the first centre whose cell is k or above, cell() being monotone in the value
            starts = new int[cells + 1];
            int at = 0;
            for (int k = 0; k <= cells; k++) {
                while (at < centres.length && (centres[at] == Float.NEGATIVE_INFINITY || cell(centres[at]) < k)) {
                    at++;
                }
                starts[k] = at;
            }
        }

        private int cell(float value) {
            double position = (value - min) * scale;
            return position <= 0 ? 0 : (int) Math.min(starts.length - 2, position);
        }

        int encode(float value) {
            if (starts == null || value == Float.NEGATIVE_INFINITY) {
                return Codebook.this.encode(value);
            }
            int cell = cell(value);
            // centres of lower cells are below the value, those of higher cells above it: the first centre not
            // below the value is in starts[cell] .. starts[cell + 1]
            int at = Arrays.binarySearch(centres, starts[cell], starts[cell + 1], value);
            return at >= 0 ? at : nearest(value, -at - 1);
        }
    }

    /** The value stored as {@code code}. */
    float decode(int code) {
        return centres == null ? Float.intBitsToFloat(code) : centres[code];
    }

    /** The code that marks a missing value; {@link #encode} never returns it. */
    int absent() {
        return centres == null ? ABSENT_BITS : centres.length;
    }

    private static float[] removeZeros(float[] sorted, int from) {
        int zeros = 0;
        for (int i = from; i < sorted.length; i++) {
            if (sorted[i] == 0f) {
                zeros++;
            }
        }
        float[] result = new float[sorted.length - from - zeros];
        int j = 0;
        for (int i = from; i < sorted.length; i++) {
            if (sorted[i] != 0f) {
                result[j++] = sorted[i];
            }
        }
        return result;
    }

    /** The distinct values of {@code values}, ascending, in a new array. */
    private static float[] distinct(float[] values) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        return distinctSorted(sorted);
    }

    /** The distinct values of ascending {@code sorted}, in a new array. */
    private static float[] distinctSorted(float[] sorted) {
        if (sorted.length == 0) {
            return sorted;
        }
        float[] distinct = new float[sorted.length];
        distinct[0] = sorted[0];
        int n = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (Float.compare(sorted[i], distinct[n - 1]) != 0) {
                distinct[n++] = sorted[i];
            }
        }
        return Arrays.copyOf(distinct, n);
    }
}
