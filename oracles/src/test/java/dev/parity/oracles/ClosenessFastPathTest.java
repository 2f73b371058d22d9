package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parity.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test: both float32 fast paths of {@link ClosenessOracle}, the unrolled loop and the
 * Vector API loop ({@link VectorFloatPass}), against its scalar path
 * ({@link ClosenessOracle#compareScalar}) on random data with NaN and infinities at odd and even
 * offsets, at lengths around multiples of the unroll (2 elements per step, histogram arrays rotating
 * every 4), of the vector step ({@link VectorFloatPass#lanes}: 8 with AVX-512, 4 with AVX2) and of
 * the vector loop's block ({@link VectorFloatPass#block}), placed alike or differently in the two
 * outputs; and on data that sends many steps of the vector loop down its rare path.
 *
 * <p>Counts, maxima, the p99 (same histogram counts), max_rel, needed_atol, the worst element, the
 * histogram and the plot sample must be identical: every path computes the same per-element values,
 * and each statistic is either order-free (counts, maxima, first index of the maximum) or taken in
 * element order. Mean, RMSE and cosine are sums that the fast paths add in several chains (two
 * interleaved, or one per vector lane) and the scalar path in one, so they may differ by summation
 * order, and only within the bound that holds for every order: any summation of m terms is within
 * gamma(m) * sum|t| of the exact sum, gamma(m) = m*u/(1 - m*u), u = 2^-53 (Higham, Accuracy and
 * Stability of Numerical Algorithms, 4.2), so two orders are within 2 * gamma(m) * sum|t| of each
 * other. The final division, square roots and product add one rounding each per path; the bounds
 * below are those first-order terms, doubled to cover the second-order ones.
 */
class ClosenessFastPathTest {
    private static final double U = 0x1p-53;

    /** Where the non-finite values go, relative to each other in the two outputs. */
    enum Nonfinite {
        NONE, SAME_PLACES, DIFFERENT_PLACES, MIXED
    }

    private static final Tolerance[] TOLERANCES = {
        ToleranceConfig.FLOAT32_DEFAULT, ToleranceConfig.EXACT, new Tolerance(1e-3, 0), new Tolerance(0, 1e-2),
        new Tolerance(0.5, 0.5)};

    /** Tolerances at the edges of the arithmetic: r = rtol * |x| infinite, NaN (inf * 0) or overflowing. */
    private static final Tolerance[] EXTREME_TOLERANCES = {
        new Tolerance(0, Double.POSITIVE_INFINITY), new Tolerance(Double.POSITIVE_INFINITY, 0), new Tolerance(0, 1e300),
        new Tolerance(Double.MAX_VALUE, Double.MAX_VALUE)};

    /** Double lanes of the vector step (8 where the vector path cannot run, to keep the lengths below useful). */
    static final int LANES = ClosenessOracle.vectorModule() ? VectorFloatPass.lanes() : 8;
    /** Elements per block of the vector loop. */
    static final int BLOCK = ClosenessOracle.vectorModule() ? VectorFloatPass.block() : 1024;

    /** The fast paths this JVM can run, each held to the scalar path. */
    static List<ClosenessOracle.FloatPath> fastPaths() {
        List<ClosenessOracle.FloatPath> paths = new ArrayList<>(List.of(ClosenessOracle.FloatPath.UNROLLED));
        if (ClosenessOracle.vectorPass()) {
            paths.add(ClosenessOracle.FloatPath.VECTOR);
        }
        return paths;
    }

    static Stream<Arguments> cases() {
        int l = LANES;
        int[] lengths = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 199, 200, 201,
            1023, 1024, 1025, 65_537, 200_003,
            // around the vector step and the block: a partial step only, whole steps, a step and a tail,
            // blocks and a partial block, and a tail after them
            l - 1, l + 1, 2 * l - 1, 2 * l + 1, 3 * l + 1, BLOCK - l, BLOCK - l - 1, BLOCK + l, BLOCK + l + 1,
            2 * BLOCK - 1, 2 * BLOCK, 2 * BLOCK + 1, 3 * BLOCK + l + 3};
        List<Arguments> out = new ArrayList<>();
        for (int n : java.util.stream.IntStream.of(lengths).distinct().sorted().toArray()) {
            for (Nonfinite p : Nonfinite.values()) {
                out.add(Arguments.of(n, p));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "n={0} nonfinite={1}")
    @MethodSource("cases")
    void fastPathAgreesWithScalarPathOnEveryStatistic(int n, Nonfinite placement) {
        float[][] d = data(1000L * n + placement.ordinal(), n, placement);
        for (Tolerance tol : TOLERANCES) {
            assertAgree("n=" + n + " " + placement + " " + tol, d[0], d[1], tol);
        }
    }

    @Test
    void tiesKeepTheFirstWorstElementOnBothPaths() {
        for (int n : new int[] {1, 2, 3, 4, 5, 8, 9, 64, 65}) {
            float[] a = new float[n];
            float[] b = new float[n];
            java.util.Arrays.fill(b, 0.25f); // every error equal: the worst is element 0
            assertAgree("plateau n=" + n, a, b, ToleranceConfig.FLOAT32_DEFAULT);
            assertEquals(0, ClosenessOracle.compare("y", t(a), t(b), ToleranceConfig.FLOAT32_DEFAULT).worst().index()[0]);
            if (n >= 4) {
                b[n - 1] = 0.5f; // two equal maxima at an odd and an even offset: the first wins
                b[n - 2] = 0.5f;
                assertAgree("tie at the end n=" + n, a, b, ToleranceConfig.FLOAT32_DEFAULT);
                assertEquals(n - 2,
                        ClosenessOracle.compare("y", t(a), t(b), ToleranceConfig.FLOAT32_DEFAULT).worst().index()[0]);
            }
        }
    }

    @Test
    void aNonfinitePairAnywhereHandsTheRestToTheScalarLoopWithoutLosingElements() {
        for (int n = 1; n <= Math.max(12, 2 * LANES + 3); n++) {
            for (int at = 0; at < n; at++) {
                for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[][] d = data(at * 31L + n, n, Nonfinite.NONE);
                    d[0][at] = v;
                    assertAgree("torch only n=" + n + " at " + at + " " + v, d[0], d[1], ToleranceConfig.FLOAT32_DEFAULT);
                    d[1][at] = v;
                    assertAgree("both n=" + n + " at " + at + " " + v, d[0], d[1], ToleranceConfig.FLOAT32_DEFAULT);
                }
            }
        }
    }

    @Test
    void compareTakesTheVectorPathWhereItsModuleIsLoaded() {
        // surefire's argLine adds the module; without it the vector cases here would test nothing
        assertTrue(ClosenessOracle.vectorModule(), ClosenessOracle.VECTOR_MODULE + " is not in the test JVM's boot layer");
        assumeTrue(VectorFloatPass.suited(), "preferred vectors hold " + LANES + " doubles");
        assertEquals(ClosenessOracle.FloatPath.VECTOR, ClosenessOracle.fastPath());
    }

    @Test
    void aNonfiniteElementAroundEveryBlockEdgeIsTakenOneElementAtATime() {
        int n = 3 * BLOCK + LANES + 3;
        int[] at = {0, LANES - 1, LANES, BLOCK - LANES, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK - 1, 2 * BLOCK,
            3 * BLOCK - 1, 3 * BLOCK, 3 * BLOCK + LANES, n - 1};
        for (int i : at) {
            for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[][] d = data(i * 7L + 1, n, Nonfinite.NONE);
                d[1][i] = v;
                assertAgree("onnx only at " + i + " " + v, d[0], d[1], ToleranceConfig.FLOAT32_DEFAULT);
                d[0][i] = v;
                assertAgree("both at " + i + " " + v, d[0], d[1], ToleranceConfig.FLOAT32_DEFAULT);
            }
        }
    }

    @Test
    void theWorstElementIsTheFirstOfEqualMaximaWhereverTheyLie() {
        int n = 3 * BLOCK + LANES + 3;
        int l = LANES;
        // (first, second): lanes of one step, steps of one block, blocks, the tail; each also with
        // either maximum in a step that the vector loop takes one element at a time
        int[][] pairs = {{1, l - 1}, {l - 1, l}, {3, 5 * l + 2}, {BLOCK - 1, BLOCK}, {5, 2 * BLOCK + 3},
            {BLOCK + 2, n - 1}, {0, n - 2}};
        for (int[] pq : pairs) {
            for (int rare = -1; rare < 2; rare++) {
                float[] a = new float[n];
                float[] b = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = 1 + i % 7;
                    b[i] = a[i] + 0x1p-20f * (i % 5);
                }
                b[pq[0]] = a[pq[0]] + 0.25f;
                b[pq[1]] = a[pq[1]] + 0.25f;
                if (rare >= 0) { // a NaN in both outputs (agreement) in the same step as one maximum
                    int k = pq[rare] ^ 1;
                    if (k < n && k != pq[0] && k != pq[1]) {
                        a[k] = Float.NaN;
                        b[k] = Float.NaN;
                    }
                }
                String what = "maxima at " + pq[0] + " and " + pq[1] + " rare " + rare;
                assertAgree(what, a, b, ToleranceConfig.FLOAT32_DEFAULT);
                for (ClosenessOracle.FloatPath path : fastPaths()) {
                    assertEquals(pq[0], ClosenessOracle.compare("y", t(a), t(b), ToleranceConfig.FLOAT32_DEFAULT, path)
                            .worst().index()[0], what + " " + path);
                }
            }
        }
    }

    /**
     * Outputs on which the vector loop's blocks are rare again and again (the needed atol, max_rel or
     * the worst element rising at almost every element, zeros in the reference, every element
     * outside the tolerance) or never (identical outputs, all zero).
     */
    @Test
    void outputsThatKeepRaisingTheRareStatisticsAgree() {
        int n = 3 * BLOCK + LANES + 5;
        SplittableRandom r = new SplittableRandom(5);
        Map<String, float[][]> sets = new LinkedHashMap<>();
        sets.put("error rising with the index", fill(n, i -> 1f, i -> 1f + i * 0x1p-22f));
        sets.put("error falling with the index", fill(n, i -> 1f, i -> 1f + (n - i) * 0x1p-22f));
        sets.put("relative error near a constant", fill(n, i -> 1f / (i + 1), i -> (1f / (i + 1)) * (1 + 1e-6f)));
        sets.put("zeros in the reference (ReLU)", fill(n, i -> i % 3 == 0 ? 0f : i, i -> i % 3 == 0
                ? (i % 2 == 0 ? 0f : 1e-9f) : i + 1e-4f));
        sets.put("zeros in the reference, exact elsewhere", fill(n, i -> i % 3 == 0 ? 0f : i, i -> i % 9 == 0 ? 1e-9f
                : i % 3 == 0 ? 0f : i));
        sets.put("identical", fill(n, i -> (float) Math.sin(i), i -> (float) Math.sin(i)));
        sets.put("all zero", fill(n, i -> 0f, i -> -0f));
        sets.put("every element outside", fill(n, i -> (float) r.nextGaussian(), i -> 0.5f + i % 11));
        sets.put("subnormal errors", fill(n, i -> 1e-40f * (i % 13), i -> 1e-40f * (i % 17)));
        for (Map.Entry<String, float[][]> e : sets.entrySet()) {
            for (Tolerance tol : TOLERANCES) {
                assertAgree(e.getKey() + " " + tol, e.getValue()[0], e.getValue()[1], tol);
            }
        }
    }

    /**
     * The fast loops' strict test against {@link FloatPass#relBelow} never hides an element
     * whose quotient would raise max_rel: quotients at and one or two ulps around the bound, over
     * float32 values from subnormals to Float.MAX_VALUE.
     */
    @Test
    void theRelativeErrorBoundBelowRelNeverHidesARaise() {
        SplittableRandom r = new SplittableRandom(11);
        for (int k = 0; k < 200_000; k++) {
            float x = randomFloat(r);
            float y = randomFloat(r);
            double e = Math.abs((double) x - y);
            double ax = Math.abs((double) x);
            if (e == 0) {
                continue;
            }
            double q = e / ax;
            double[] rels = ax == 0 ? new double[] {0, 1e-80, 1, 1e80}
                    : new double[] {Math.nextDown(q), Math.nextDown(Math.nextDown(q)), q, Math.nextUp(q), 0};
            for (double rel : rels) {
                if (q > rel) {
                    assertTrue(e > FloatPass.relBelow(rel) * ax,
                            "x=" + x + " y=" + y + " rel=" + rel + ": the raise would be missed");
                }
            }
        }
    }

    /** Magnitudes from subnormal to Float.MAX_VALUE, both signs, and zeros. */
    private static float randomFloat(SplittableRandom r) {
        switch (r.nextInt(6)) {
            case 0: return r.nextBoolean() ? 0f : Float.MIN_VALUE * r.nextInt(1, 1 << 23);
            case 1: return Float.MAX_VALUE * (float) r.nextDouble(0.5, 1) * (r.nextBoolean() ? 1 : -1);
            default: return Float.intBitsToFloat(r.nextInt(0, 0x7F800000)) * (r.nextBoolean() ? 1 : -1);
        }
    }

    @Test
    void extremeTolerancesAgree() {
        for (int n : new int[] {3 * LANES + 1, 2 * BLOCK + LANES + 1}) {
            for (Nonfinite p : Nonfinite.values()) {
                float[][] d = data(31L * n + p.ordinal(), n, p);
                for (Tolerance tol : EXTREME_TOLERANCES) {
                    assertAgree("n=" + n + " " + p + " " + tol, d[0], d[1], tol);
                }
            }
        }
    }

    private static float[][] fill(int n, java.util.function.IntFunction<Float> torch,
            java.util.function.IntFunction<Float> onnx) {
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = torch.apply(i);
            b[i] = onnx.apply(i);
        }
        return new float[][] {a, b};
    }

    private static Tensor t(float[] v) {
        return Tensor.ofFloats(new long[] {v.length}, v);
    }

    /**
     * Random float32 outputs with the inputs that break single-pass loops: exact zeros of both signs,
     * exact agreement, subnormals, a zero reference against a non-zero candidate (infinite max_rel),
     * values near Float.MAX_VALUE, repeated pairs (tied errors), magnitudes 1e-3 to 30, and NaN and
     * infinities at the first, last, an odd and an even offset plus random ones.
     */
    static float[][] data(long seed, int n, Nonfinite placement) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        float[] b = new float[n];
        double[] scales = {1, 30, 1e-3};
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(20);
            double scale = scales[r.nextInt(scales.length)];
            if (kind == 0) {
                a[i] = r.nextBoolean() ? 0f : -0f;
                b[i] = r.nextBoolean() ? 0f : -0f;
            } else if (kind == 1) {
                a[i] = (float) (r.nextGaussian() * scale);
                b[i] = a[i];
            } else if (kind == 2) {
                a[i] = Float.MIN_VALUE * r.nextInt(1, 1000);
                b[i] = r.nextBoolean() ? a[i] : Float.MIN_VALUE * r.nextInt(1, 1000);
            } else if (kind == 3) {
                a[i] = 0f;
                b[i] = (float) (r.nextGaussian() * 1e-6);
            } else if (kind == 4 && r.nextInt(8) == 0) {
                a[i] = Float.MAX_VALUE * (r.nextBoolean() ? 1 : -1);
                b[i] = Float.MAX_VALUE * (r.nextBoolean() ? 1 : -1) * (float) r.nextDouble(0.5, 1);
            } else if (kind == 5 && i > 0) {
                a[i] = a[i - 1];
                b[i] = b[i - 1];
            } else {
                a[i] = (float) (r.nextGaussian() * scale);
                b[i] = a[i] + (float) (r.nextGaussian() * scale * Math.pow(10, -r.nextInt(1, 8)));
            }
        }
        if (placement == Nonfinite.NONE || n == 0) {
            return new float[][] {a, b};
        }
        List<Integer> at = new ArrayList<>(List.of(0, n - 1, (n / 2) | 1, (n / 2) & ~1));
        for (int i = 0; i < n / 40; i++) {
            at.add(r.nextInt(n));
        }
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i : at) {
            if (i >= n) {
                continue;
            }
            boolean same = placement == Nonfinite.SAME_PLACES || (placement == Nonfinite.MIXED && r.nextBoolean());
            float v = specials[r.nextInt(3)];
            if (same) {
                a[i] = v;
                b[i] = v;
            } else {
                switch (r.nextInt(4)) {
                    case 0: a[i] = v; break; // one side only, the other finite
                    case 1: b[i] = v; break;
                    case 2: a[i] = Float.NaN; b[i] = Float.POSITIVE_INFINITY; break;
                    default: a[i] = Float.POSITIVE_INFINITY; b[i] = Float.NEGATIVE_INFINITY; break;
                }
            }
        }
        return new float[][] {a, b};
    }

    static void assertAgree(String what, float[] a, float[] b, Tolerance tol) {
        OutputFinding ref = ClosenessOracle.compareScalar("y", t(a), t(b), tol);
        for (ClosenessOracle.FloatPath path : fastPaths()) {
            assertAgree(what + " (" + path + ")", a, b, ref, ClosenessOracle.compare("y", t(a), t(b), tol, path));
        }
    }

    private static void assertAgree(String what, float[] a, float[] b, OutputFinding ref, OutputFinding fast) {
        assertEquals(ref.verdict(), fast.verdict(), what);
        assertEquals(ref.reason(), fast.reason(), what);
        ErrorStats s = ref.stats();
        ErrorStats f = fast.stats();
        assertEquals(s.elements(), f.elements(), what + ": elements");
        assertEquals(s.mismatches(), f.mismatches(), what + ": mismatches");
        assertEquals(s.nonfiniteMismatches(), f.nonfiniteMismatches(), what + ": nonfinite mismatches");
        assertEquals(s.mismatchFraction(), f.mismatchFraction(), what + ": mismatch fraction");
        assertEquals(s.maxAbs(), f.maxAbs(), what + ": max_abs");
        assertEquals(s.p99Abs(), f.p99Abs(), what + ": p99");
        assertEquals(s.maxRel(), f.maxRel(), what + ": max_rel");
        assertEquals(s.neededAtol(), f.neededAtol(), what + ": needed_atol");
        assertEquals(ref.errorHistogram(), fast.errorHistogram(), what + ": histogram");
        if (ref.worst() == null) {
            assertNull(fast.worst(), what + ": worst");
        } else {
            assertArrayEquals(ref.worst().index(), fast.worst().index(), what + ": worst index");
            assertEquals(ref.worst().torch(), fast.worst().torch(), what + ": worst torch");
            assertEquals(ref.worst().onnx(), fast.worst().onnx(), what + ": worst onnx");
        }
        assertEquals(ref.sample().size(), fast.sample().size(), what + ": sample size");
        for (int i = 0; i < ref.sample().size(); i++) {
            assertArrayEquals(ref.sample().get(i), fast.sample().get(i), what + ": sample " + i);
        }
        assertSumsAgree(what, a, b, s, f);
    }

    /** Mean, RMSE and cosine within the summation-order bound of the class comment. */
    private static void assertSumsAgree(String what, float[] a, float[] b, ErrorStats s, ErrorStats f) {
        long m = 0;
        double sumAbs = 0;
        double sumSq = 0;
        double sumAbsDot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.isFinite(a[i]) && Float.isFinite(b[i])) {
                double x = a[i];
                double y = b[i];
                double e = Math.abs(x - y);
                m++;
                sumAbs += e;
                sumSq += e * e;
                sumAbsDot += Math.abs(x * y);
                normA += x * x;
                normB += y * y;
            }
        }
        if (m == 0) {
            assertEquals(0, f.meanAbs(), what);
            assertEquals(0, f.rmse(), what);
            assertEquals(s.cosine(), f.cosine(), what);
            return;
        }
        double g = m * U / (1 - m * U);
        double slack = 1 + 2 * g; // the sums of magnitudes above are themselves rounded
        double dAbs = 2 * g * sumAbs * slack;
        double dSq = 2 * g * sumSq * slack;
        double meanBound = 2 * (dAbs / m + U * (s.meanAbs() + f.meanAbs()));
        assertTrue(Math.abs(s.meanAbs() - f.meanAbs()) <= meanBound,
                what + ": mean_abs " + s.meanAbs() + " vs " + f.meanAbs() + " beyond " + meanBound);
        double rs = s.rmse();
        double rf = f.rmse();
        if (rs + rf == 0) {
            assertEquals(rs, rf, what + ": rmse");
        } else {
            // |sqrt(v) - sqrt(w)| = |v - w| / (sqrt(v) + sqrt(w)), v and w the two mean squares
            double dVar = dSq / m + 2 * U * (rs * rs + rf * rf);
            double rmseBound = 2 * (dVar / (rs + rf) + U * (rs + rf));
            assertTrue(Math.abs(rs - rf) <= rmseBound, what + ": rmse " + rs + " vs " + rf + " beyond " + rmseBound);
        }
        if (normA == 0 || normB == 0) {
            assertEquals(s.cosine(), f.cosine(), what + ": cosine of a zero vector");
        } else {
            // cos = D / sqrt(A B): |dD| <= 2g sum|xy|, |dA| <= 2g A, |dB| <= 2g B, 5 roundings per path
            double cos = Math.abs(s.cosine());
            double cosBound = 2 * (2 * g * slack * sumAbsDot / Math.sqrt(normA * normB) + 2 * g * slack * cos
                    + 10 * U * Math.max(cos, Math.abs(f.cosine())));
            assertTrue(Math.abs(s.cosine() - f.cosine()) <= cosBound,
                    what + ": cosine " + s.cosine() + " vs " + f.cosine() + " beyond " + cosBound);
        }
    }
}
