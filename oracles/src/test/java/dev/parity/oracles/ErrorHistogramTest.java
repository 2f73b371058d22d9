package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorHistogramTest {
    @Test
    void emptyHistogramHasZeroQuantiles() {
        assertEquals(0, new ErrorHistogram().quantile(0.99));
    }

    @Test
    void allZerosGiveZero() {
        ErrorHistogram h = new ErrorHistogram();
        for (int i = 0; i < 10; i++) {
            h.record(0);
        }
        assertEquals(0, h.quantile(0.5));
        assertEquals(10, h.total());
    }

    @Test
    void quantileIsNeverBelowTheTrueValueAndAtMostOnePercentAbove() {
        ErrorHistogram h = new ErrorHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.record(i * 1e-7);
        }
        double q = h.quantile(0.99);
        assertTrue(q >= 990e-7 && q <= 990e-7 * 1.008, "p99 " + q);
        double median = h.quantile(0.5);
        assertTrue(median >= 500e-7 && median <= 500e-7 * 1.008, "median " + median);
    }

    @Test
    void coversTheWholeFloatRangeInOneHistogram() {
        ErrorHistogram h = new ErrorHistogram();
        h.record(Float.MIN_VALUE);
        h.record(1e30);
        assertTrue(h.quantile(1.0) >= 1e30);
        assertTrue(h.quantile(0.5) < 1e-40);
    }

    @Test
    void nanAndNegativeValuesAreIgnored() {
        ErrorHistogram h = new ErrorHistogram();
        h.record(Double.NaN);
        h.record(-1);
        assertEquals(0, h.total());
    }

    @Test
    void binadeCountsAddUpToTheTotal() {
        ErrorHistogram h = new ErrorHistogram();
        h.record(1.0);
        h.record(1.5);
        h.record(3.0);
        long[] b = h.countsByBinade();
        assertEquals(2, b[127]); // [1, 2)
        assertEquals(1, b[128]); // [2, 4)
    }
}
