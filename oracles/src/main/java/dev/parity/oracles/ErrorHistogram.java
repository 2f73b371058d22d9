package dev.parity.oracles;

/**
 * A fixed-size histogram of non-negative error magnitudes with about 0.8% relative resolution
 * over the whole float range (zero and subnormals to infinity), for quantiles in one pass
 * without sorting.
 *
 * <p>A value's bucket is the top 16 bits of its float32 bit pattern: 8 exponent bits and 7
 * mantissa bits, so bucket edges are spaced 2^-7 apart relative to the value (the layout
 * HdrHistogram uses, fixed to float's range). HdrHistogram's {@code DoubleHistogram} was not
 * used because its dynamic range is bounded per instance, while converter errors span from
 * exactly zero to overflow in one tensor.
 */
public final class ErrorHistogram {
    private static final int BUCKETS = 1 << 15;
    private static final int PER_BINADE = 1 << 7;
    private static final int BINADES = BUCKETS / PER_BINADE;
    private final int[] counts = new int[BUCKETS];
    private long total;

    /** The bucket array, for single-pass loops that increment it directly (see ClosenessOracle). */
    int[] buckets() {
        return counts;
    }

    void addTotal(long n) {
        total += n;
    }

    static int[] newBuckets() {
        return new int[BUCKETS];
    }

    /** Records a non-negative magnitude; NaN and negative values are ignored. */
    public void record(double magnitude) {
        if (!(magnitude >= 0)) {
            return;
        }
        counts[Float.floatToRawIntBits((float) magnitude) >>> 16]++;
        total++;
    }

    public long total() {
        return total;
    }

    /**
     * The {@code q}-quantile (0 &lt; q &lt;= 1): the upper edge of the bucket holding the
     * ceil(q*n)-th smallest value, so the answer is never below the true quantile and at most
     * 0.8% above it. Zero when empty.
     */
    public double quantile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int k = 0; k < BINADES; k++) { // a binade at a time, then its buckets
            long inBinade = binade(k);
            if (seen + inBinade < rank) {
                seen += inBinade;
                continue;
            }
            for (int b = k * PER_BINADE; ; b++) {
                seen += counts[b];
                if (seen >= rank) {
                    return b == 0 ? 0 : Float.intBitsToFloat((b << 16) | 0xFFFF);
                }
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The count of binade {@code k}'s buckets: a loop that C2 vectorises (an output has fewer than 2^31 elements). */
    private long binade(int k) {
        int sum = 0;
        for (int b = k * PER_BINADE; b < (k + 1) * PER_BINADE; b++) {
            sum += counts[b];
        }
        return sum;
    }

    /**
     * Counts per power of two: element {@code k} counts values in [2^(k-150), 2^(k-149)), element 0
     * also holds exact zeros and subnormals' lowest bucket. Reports plot this on a log axis.
     */
    public long[] countsByBinade() {
        long[] out = new long[BINADES];
        for (int k = 0; k < BINADES; k++) {
            out[k] = binade(k);
        }
        return out;
    }
}
