package dev.parity.oracles;

/**
 * One pass over a pair of float32 outputs: the running statistics that {@link ClosenessOracle}'s
 * accumulator folds in afterwards, the element-at-a-time step that the fast loops hand their rare
 * elements to, and the unrolled loop used where the Vector API is not available
 * ({@link VectorFloatPass} is the other loop).
 *
 * <p>Every value here is defined element by element as the scalar path defines it (torch {@code x},
 * onnx {@code y}, both widened to double, {@code e = |x - y|}, {@code r = rtol * |x|}): counts,
 * maxima, the needed atol and the histogram buckets are exact whatever order the loops visit the
 * elements in; only the five sums depend on the order, within the bound that
 * ClosenessFastPathTest states.
 */
final class FloatPass {
    /** Below this many elements one histogram array is used: four cost more to merge than they save. */
    private static final int SPLIT_HISTOGRAM = 1 << 16;
    /**
     * Three spare bucket arrays per thread, handed back cleared: allocating and clearing 384 KiB per
     * pass cost 4% of a million-element pass. A pass takes them out while it runs, so a pass that
     * throws leaves none behind half counted.
     */
    private static final ThreadLocal<int[][]> SPARE = new ThreadLocal<>();

    final double atol;
    final double rtol;
    final int[] h0;
    final int[] h1;
    final int[] h2;
    final int[] h3;

    long finite;
    double sumAbs;
    double sumSq;
    double dot;
    double normA;
    double normB;
    /** Elements outside the tolerance, non-finite disagreements included. */
    long mismatches;
    long nonfiniteMismatches;
    /** The first element where NaN/Inf placement differs, or -1. */
    int firstNonfinite = -1;
    /** The largest neededAtol(e, r) so far. */
    double needed;
    /** The largest e / |x| so far, as a double quotient (e / 0 = infinity; 0 / 0 never counts). */
    double maxRel;
    /** The largest finite e so far (-1 before the first), and where its first occurrence lies. */
    double maxErr = -1;
    private int worstFrom = -1;
    private int worstTo = -1;
    /** The largest e taken by {@link #elements} since the last {@link #endBlock}. */
    double blockMax = -1;

    FloatPass(double atol, double rtol, int[] buckets, int n) {
        this.atol = atol;
        this.rtol = rtol;
        this.h0 = buckets;
        int[][] spare = null;
        if (n >= SPLIT_HISTOGRAM) {
            spare = SPARE.get();
            SPARE.set(null);
            if (spare == null) {
                spare = new int[][] {ErrorHistogram.newBuckets(), ErrorHistogram.newBuckets(), ErrorHistogram.newBuckets()};
            }
        }
        this.h1 = spare == null ? buckets : spare[0];
        this.h2 = spare == null ? buckets : spare[1];
        this.h3 = spare == null ? buckets : spare[2];
    }

    /**
     * Elements {@code from} to {@code to - 1}, one at a time and in order, with every rule of the
     * scalar path; the finite ones also raise {@link #blockMax}.
     */
    void elements(float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            double x = a[i];
            double y = b[i];
            double e = Math.abs(x - y);
            if (!(e <= Double.MAX_VALUE)) { // NaN or infinity in an operand (float32 values cannot overflow a double)
                if (!ClosenessOracle.sameNonfinite(x, y)) {
                    mismatches++;
                    nonfiniteMismatches++;
                    if (firstNonfinite < 0) {
                        firstNonfinite = i;
                    }
                }
                continue;
            }
            double ax = Math.abs(x);
            double r = rtol * ax;
            finite++;
            sumAbs += e;
            sumSq += e * e;
            dot += x * y;
            normA += x * x;
            normB += y * y;
            h0[Float.floatToRawIntBits((float) e) >>> 16]++;
            if (e > atol + r) {
                mismatches++;
            }
            if (e > needed + r) {
                needed = ClosenessOracle.neededAtol(e, r);
            }
            if (e > blockMax) {
                blockMax = e;
            }
            if (e > 0 && e / ax > maxRel) {
                maxRel = e / ax;
            }
        }
    }

    /**
     * Closes the block {@code [from, to)}, whose largest finite error is the larger of
     * {@code loopMax} (what the caller's loop saw) and {@link #blockMax}: the worst element's first
     * occurrence lies in the first block that holds the largest error, and {@link #worstIndex} finds
     * it there.
     */
    void endBlock(int from, int to, double loopMax) {
        double m = Math.max(loopMax, blockMax);
        if (m > maxErr) {
            maxErr = m;
            worstFrom = from;
            worstTo = to;
        }
        blockMax = -1;
    }

    /** The first element whose finite error is {@link #maxErr}, or -1 if no element was finite. */
    int worstIndex(float[] a, float[] b) {
        for (int i = worstFrom; i >= 0 && i < worstTo; i++) {
            if (Math.abs((double) a[i] - b[i]) == maxErr) {
                return i;
            }
        }
        return -1;
    }

    /** Adds the histogram buckets {@code buckets[from..to)}, spread over the four arrays. */
    void count(int[] buckets, int from, int to) {
        int k = from;
        int n = to;
        for (; k + 3 < n; k += 4) {
            h0[buckets[k]]++;
            h1[buckets[k + 1]]++;
            h2[buckets[k + 2]]++;
            h3[buckets[k + 3]]++;
        }
        for (; k < n; k++) {
            h0[buckets[k]]++;
        }
    }

    /**
     * Adds the three spare arrays into {@link #h0}, the histogram's own, and hands them back cleared.
     * No bucket above the largest error's holds a count (buckets grow with the error).
     */
    void mergeInto(ErrorHistogram histogram) {
        if (h1 != h0) {
            int top = maxErr < 0 ? -1 : Float.floatToRawIntBits((float) maxErr) >>> 16;
            for (int k = 0; k <= top; k++) {
                h0[k] += h1[k] + h2[k] + h3[k];
            }
            java.util.Arrays.fill(h1, 0, top + 1, 0);
            java.util.Arrays.fill(h2, 0, top + 1, 0);
            java.util.Arrays.fill(h3, 0, top + 1, 0);
            SPARE.set(new int[][] {h1, h2, h3});
        }
        histogram.addTotal(finite);
    }

    /**
     * The loop without the Vector API: two elements per step with local accumulators, four rotating
     * histogram arrays, and the rare events (a non-finite pair, a pair that may raise the needed atol
     * or the max relative error) taken outside the inner loop, where the division and the search are.
     */
    void unrolled(float[] a, float[] b) {
        int[] h0 = this.h0;
        int[] h1 = this.h1;
        int[] h2 = this.h2;
        int[] h3 = this.h3;
        // Two independent sets of accumulators (even and odd elements): each floating-point sum is
        // a dependency chain, and two chains per statistic halve the time spent waiting on adds.
        double abs0 = 0;
        double abs1 = 0;
        double sq0 = 0;
        double sq1 = 0;
        double dot0 = 0;
        double dot1 = 0;
        double na0 = 0;
        double na1 = 0;
        double nb0 = 0;
        double nb1 = 0;
        double wErr = -1;
        int wIdx = -1;
        double need = 0;
        double rel = 0;
        double relLo = 0; // relBelow(rel)
        long mis = 0;
        long fin = 0;
        final double at = atol;
        final double rt = rtol;
        final int len = a.length;
        int i = 0;
        int resume = len & ~1; // where the element-at-a-time tail starts: the odd tail, or the first non-finite pair
        // The pair loop is left for a non-finite pair (for good: the tail takes over) and for a pair
        // that may raise the needed atol or the max relative error (taken after the inner loop, with
        // the division and the search): the search inside the loop, however rarely run, made the
        // whole loop 1.7x slower.
        pairs:
        for (;;) {
            for (; i + 1 < len; i += 2) {
                double x0 = a[i];
                double y0 = b[i];
                double x1 = a[i + 1];
                double y1 = b[i + 1];
                double e0 = Math.abs(x0 - y0);
                double e1 = Math.abs(x1 - y1);
                if (!(e0 <= Double.MAX_VALUE) || !(e1 <= Double.MAX_VALUE)) {
                    resume = i;
                    break pairs;
                }
                double ax0 = Math.abs(x0);
                double ax1 = Math.abs(x1);
                double r0 = rt * ax0;
                double r1 = rt * ax1;
                // the oracle's own test at atol = need, and e / |x| against the largest quotient
                // so far without a division (see relBelow)
                if (e0 > need + r0 || e1 > need + r1 || e0 > relLo * ax0 || e1 > relLo * ax1) {
                    break;
                }
                abs0 += e0;
                abs1 += e1;
                sq0 += e0 * e0;
                sq1 += e1 * e1;
                dot0 += x0 * y0;
                dot1 += x1 * y1;
                na0 += x0 * x0;
                na1 += x1 * x1;
                nb0 += y0 * y0;
                nb1 += y1 * y1;
                // four bucket arrays in rotation: equal buckets in a row would otherwise wait on each
                // other's stores
                boolean even = (i & 2) == 0;
                (even ? h0 : h2)[Float.floatToRawIntBits((float) e0) >>> 16]++;
                (even ? h1 : h3)[Float.floatToRawIntBits((float) e1) >>> 16]++;
                mis += (e0 > at + r0 ? 1 : 0) + (e1 > at + r1 ? 1 : 0);
                if (e0 > wErr || e1 > wErr) {
                    if (e0 >= e1) {
                        if (e0 > wErr) {
                            wErr = e0;
                            wIdx = i;
                        }
                    } else {
                        wErr = e1;
                        wIdx = i + 1;
                    }
                }
                fin += 2;
            }
            if (i + 1 >= len) {
                break;
            }
            for (int k = i; k < i + 2; k++) { // the pair that left the loop, taken here with every rule
                double x = a[k];
                double y = b[k];
                double e = Math.abs(x - y);
                double ax = Math.abs(x);
                double r = rt * ax;
                abs0 += e;
                sq0 += e * e;
                dot0 += x * y;
                na0 += x * x;
                nb0 += y * y;
                h0[Float.floatToRawIntBits((float) e) >>> 16]++;
                mis += e > at + r ? 1 : 0;
                need = e > need + r ? ClosenessOracle.neededAtol(e, r) : need;
                rel = e > 0 && e / ax > rel ? e / ax : rel;
                if (e > wErr) {
                    wErr = e;
                    wIdx = k;
                }
            }
            relLo = relBelow(rel);
            fin += 2;
            i += 2;
        }
        finite += fin;
        sumAbs += abs0 + abs1;
        sumSq += sq0 + sq1;
        dot += dot0 + dot1;
        normA += na0 + na1;
        normB += nb0 + nb1;
        mismatches += mis;
        needed = need;
        maxRel = rel;
        if (wIdx >= 0) {
            endBlock(wIdx, wIdx + 1, wErr);
        }
        elements(a, b, resume, len); // the odd tail, and everything from a non-finite pair on
        endBlock(resume, len, -1);
    }

    /**
     * A bound just below {@code rel} (by at least 2^-51 of it) for a strict test without a division,
     * {@code e > relBelow(rel) * |x|}, that cannot miss an element whose quotient {@code e / |x|}
     * rounds above {@code rel}: such an element has
     * {@code e > rel * |x|} as real numbers, and {@code relBelow(rel) * |x|} rounded is below
     * {@code rel * |x|} as long as the product is a normal double (relative rounding error 2^-53).
     * It is: float32 values give quotients {@code e / |x|} of 0 or at least 2^-149 / Float.MAX_VALUE
     * (4e-84) and at most 2 Float.MAX_VALUE / 2^-149 (5e83), so {@code rel} is 0 (the bound is 0, and
     * the test {@code e > 0}) or lies there, and {@code |x|} is 0 (product 0: any error raises an
     * infinite quotient, as it should) or at least 2^-149. For an infinite {@code rel} the bound is
     * NaN and the test always false: nothing exceeds it.
     */
    static double relBelow(double rel) {
        return rel - rel * 0x1p-50;
    }
}
