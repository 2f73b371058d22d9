package dev.parity.oracles;

import java.util.List;

/**
 * A compact absolute-error histogram for reports: {@code counts.get(i)} errors lie in
 * [2^(minLog2 + i), 2^(minLog2 + i + 1)); {@code zeros} errors are exactly zero (or below 2^-126).
 */
public record ErrorBins(int minLog2, List<Long> counts, long zeros) {
    public ErrorBins {
        counts = List.copyOf(counts);
    }

    /** From an {@link ErrorHistogram}'s per-binade counts (index k = exponent k - 127). */
    public static ErrorBins of(ErrorHistogram h) {
        long[] b = h.countsByBinade();
        int lo = -1;
        int hi = -1;
        for (int k = 1; k < b.length; k++) {
            if (b[k] > 0) {
                lo = lo < 0 ? k : lo;
                hi = k;
            }
        }
        if (lo < 0) {
            return new ErrorBins(0, List.of(), b[0]);
        }
        java.util.ArrayList<Long> c = new java.util.ArrayList<>();
        for (int k = lo; k <= hi; k++) {
            c.add(b[k]);
        }
        return new ErrorBins(lo - 127, c, b[0]);
    }
}
