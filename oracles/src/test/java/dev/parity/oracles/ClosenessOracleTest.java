package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClosenessOracleTest {
    private static final Tolerance FP32 = ToleranceConfig.FLOAT32_DEFAULT;

    private static Tensor f(float... v) {
        return Tensor.ofFloats(new long[] {v.length}, v);
    }

    private static OutputFinding cmp(Tensor a, Tensor b) {
        return ClosenessOracle.compare("y", a, b, FP32);
    }

    @Test
    void identicalOutputsAreFaithfulWithZeroError() {
        OutputFinding r = cmp(f(1, -2, 3.5f), f(1, -2, 3.5f));
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertNull(r.reason());
        assertEquals(0, r.stats().maxAbs());
        assertEquals(1.0, r.stats().cosine(), 1e-12);
    }

    @Test
    void nanAtSamePlaceIsAgreement() {
        OutputFinding r = cmp(f(Float.NaN, 1), f(Float.NaN, 1));
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(0, r.stats().mismatches());
    }

    @Test
    void nanInOneOutputOnlyIsDiscrepantAndIsTheWorstElement() {
        OutputFinding r = cmp(f(1, 5, 2), f(1, 6, Float.NaN));
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertEquals(1, r.stats().nonfiniteMismatches());
        assertEquals(2, r.stats().mismatches());
        assertArrayEquals(new long[] {2}, r.worst().index());
        assertTrue(Double.isNaN(r.worst().onnx()));
        assertTrue(r.reason().contains("NaN/Inf placement"), r.reason());
    }

    @Test
    void infinitiesOfTheSameSignAgree() {
        assertEquals(Verdict.FAITHFUL, cmp(f(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY),
                f(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)).verdict());
    }

    @Test
    void infinitiesOfOppositeSignDisagree() {
        assertEquals(Verdict.DISCREPANT, cmp(f(Float.POSITIVE_INFINITY), f(Float.NEGATIVE_INFINITY)).verdict());
    }

    @Test
    void infinityAgainstLargeFiniteDisagrees() {
        OutputFinding r = cmp(f(Float.MAX_VALUE), f(Float.POSITIVE_INFINITY));
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertEquals(1, r.stats().nonfiniteMismatches());
    }

    @Test
    void negativeZeroEqualsPositiveZero() {
        OutputFinding r = cmp(f(-0.0f, 0.0f), f(0.0f, -0.0f));
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(0, r.stats().maxAbs());
        assertEquals(0, r.stats().maxRel());
    }

    @Test
    void subnormalsCompareAsOrdinaryNumbers() {
        float sub = Float.MIN_VALUE * 3;
        assertEquals(Verdict.FAITHFUL, cmp(f(sub), f(0f)).verdict(), "within atol");
        OutputFinding exact = ClosenessOracle.compare("y", f(sub), f(0f), new Tolerance(0, 0));
        assertEquals(Verdict.DISCREPANT, exact.verdict());
        assertEquals(sub, exact.stats().maxAbs(), 0);
        assertEquals(1.0, exact.stats().maxRel(), 1e-12);
    }

    @Test
    void emptyOutputsAreFaithful() {
        Tensor e = Tensor.ofFloats(new long[] {0, 4}, new float[0]);
        OutputFinding r = cmp(e, e);
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(0, r.stats().elements());
        assertEquals(0, r.stats().mismatchFraction());
        assertNull(r.worst());
    }

    @Test
    void shapeMismatchIsDiscrepantWithoutStatistics() {
        Tensor a = Tensor.ofFloats(new long[] {2, 3}, new float[6]);
        Tensor b = Tensor.ofFloats(new long[] {3, 2}, new float[6]);
        OutputFinding r = cmp(a, b);
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertNull(r.stats());
        assertEquals("shape differs: torch 2x3, onnx 3x2", r.reason());
    }

    @Test
    void elementTypeMismatchIsDiscrepantEvenWithEqualValues() {
        Tensor a = Tensor.ofLongs(new long[] {2}, new long[] {1, 2});
        Tensor b = Tensor.ofInts(new long[] {2}, new int[] {1, 2});
        OutputFinding r = ClosenessOracle.compare("idx", a, b, ToleranceConfig.EXACT);
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertEquals(0, r.stats().maxAbs());
        assertTrue(r.reason().startsWith("element type differs"));
    }

    @Test
    void relativeToleranceScalesWithTheReferenceMagnitude() {
        // error 1e-3 is fine next to 1000 (rtol 1.3e-6 * 1000 = 1.3e-3) but not next to 1.
        assertEquals(Verdict.FAITHFUL, cmp(f(1000f), f(1000.001f)).verdict());
        assertEquals(Verdict.DISCREPANT, cmp(f(1f), f(1.001f)).verdict());
    }

    @Test
    void toleranceIsMeasuredAgainstTheReferenceNotTheCandidate() {
        Tolerance rel = new Tolerance(0, 0.5);
        // |1 - 2| = 1 <= 0.5 * |2|: accepted when 2 is the reference, refused when 1 is.
        assertEquals(Verdict.FAITHFUL, ClosenessOracle.compare("y", f(2), f(1), rel).verdict());
        assertEquals(Verdict.DISCREPANT, ClosenessOracle.compare("y", f(1), f(2), rel).verdict());
    }

    @Test
    void statisticsMatchHandComputedValues() {
        Tensor a = Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4});
        Tensor b = Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2.5f, 3, 3});
        ErrorStats s = cmp(a, b).stats();
        assertEquals(4, s.elements());
        assertEquals(1.0, s.maxAbs(), 0);
        assertEquals(0.375, s.meanAbs(), 1e-12);
        assertEquals(Math.sqrt((0.25 + 1) / 4), s.rmse(), 1e-12);
        assertEquals(0.25, s.maxRel(), 1e-12);
        double dot = 1 + 5 + 9 + 12;
        double cos = dot / (Math.sqrt(30) * Math.sqrt(1 + 6.25 + 9 + 9));
        assertEquals(cos, s.cosine(), 1e-12);
        assertEquals(2, s.mismatches());
        assertEquals(0.5, s.mismatchFraction(), 0);
        WorstElement w = cmp(a, b).worst();
        assertArrayEquals(new long[] {1, 1}, w.index());
        assertEquals(4, w.torch());
        assertEquals(3, w.onnx());
    }

    @Test
    void zeroReferenceWithNonZeroCandidateHasInfiniteRelativeError() {
        assertEquals(Double.POSITIVE_INFINITY, cmp(f(0f), f(1e-9f)).stats().maxRel());
    }

    @Test
    void integerOutputsCompareExactlyByDefault() {
        Tensor a = Tensor.ofLongs(new long[] {3}, new long[] {4, 5, 6});
        Tolerance t = ToleranceConfig.defaults().forOutput("idx", DType.INT64);
        assertEquals(Verdict.FAITHFUL, ClosenessOracle.compare("idx", a, a, t).verdict());
        Tensor b = Tensor.ofLongs(new long[] {3}, new long[] {4, 5, 7});
        assertEquals(Verdict.DISCREPANT, ClosenessOracle.compare("idx", a, b, t).verdict());
    }

    @Test
    void float64OutputsUseTheDoublePath() {
        Tensor a = Tensor.ofDoubles(new long[] {2}, new double[] {1.0, 2.0});
        Tensor b = Tensor.ofDoubles(new long[] {2}, new double[] {1.0, 2.0 + 1e-12});
        OutputFinding r = ClosenessOracle.compare("y", a, b, ToleranceConfig.FLOAT64_DEFAULT);
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(1e-12, r.stats().maxAbs(), 1e-15);
    }

    @Test
    void p99IsWithinHistogramResolutionOfTheExactQuantile() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 100_000;
        float[] a = new float[n];
        float[] b = new float[n];
        double[] err = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 10 - 5);
            b[i] = a[i] + (float) (Math.exp(rng.nextDouble() * 20 - 18) * (rng.nextBoolean() ? 1 : -1));
            err[i] = Math.abs((double) a[i] - b[i]);
        }
        Arrays.sort(err);
        double exact = err[(int) Math.ceil(0.99 * n) - 1];
        double est = cmp(Tensor.ofFloats(new long[] {n}, a), Tensor.ofFloats(new long[] {n}, b)).stats().p99Abs();
        assertTrue(est >= exact * (1 - 1e-6), est + " below exact " + exact);
        assertTrue(est <= exact * 1.01, est + " more than 1% above exact " + exact);
    }

    @Test
    void missingOutputIsDiscrepant() {
        OutputFinding r = OutputFinding.missing("extra", "output count differs: torch 2, onnx 1");
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertNotNull(r.reason());
    }
}
