package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The smallest atol that would have passed, and the tolerance-mode verdict re-derived from it. */
class NeededAtolTest {
    private static final Tolerance FP32 = ToleranceConfig.FLOAT32_DEFAULT;
    private static final AttributionConfig RULE = AttributionConfig.defaults();

    private static Tensor f(float... v) {
        return Tensor.ofFloats(new long[] {v.length}, v);
    }

    private static double needed(Tensor torch, Tensor onnx, Tolerance tol) {
        double fast = ClosenessOracle.compare("y", torch, onnx, tol).stats().neededAtol();
        assertEquals(fast, ClosenessOracle.compareScalar("y", torch, onnx, tol).stats().neededAtol(), "both paths");
        return fast;
    }

    private static Verdict at(Tensor torch, Tensor onnx, double atol, double rtol) {
        return ClosenessOracle.compare("y", torch, onnx, new Tolerance(atol, rtol)).verdict();
    }

    @Test
    void neededAtolIsTheLargestExcessOverTheRelativeAllowance() {
        // rtol 1/8: excesses 0.5 - 1/8 = 0.375, 0 - 1/4 < 0, 0.25 - 1/2 < 0 (all exact in binary)
        Tensor torch = f(1, 2, 4);
        Tensor onnx = f(1.5f, 2, 4.25f);
        assertEquals(0.375, needed(torch, onnx, new Tolerance(0, 0.125)));
        assertEquals(Verdict.FAITHFUL, at(torch, onnx, 0.375, 0.125));
        assertEquals(Verdict.DISCREPANT, at(torch, onnx, Math.nextDown(0.375), 0.125));
        assertEquals(0.5, needed(torch, onnx, new Tolerance(0, 0)), "rtol 0: the max abs error");
        assertEquals(0.5, needed(torch, onnx, new Tolerance(7, 0)), "independent of the atol in force");
    }

    @Test
    void neededAtolIsZeroWhenNothingExceedsTheRelativeAllowance() {
        assertEquals(0, needed(f(1, -2, 3), f(1, -2, 3), FP32));
        // |1.25 - 1| = 0.25 <= 0.5 * 1
        assertEquals(0, needed(f(1), f(1.25f), new Tolerance(0, 0.5)));
        assertEquals(0, needed(f(), f(), FP32), "empty output");
    }

    @Test
    void neededAtolIsInfiniteWhenNanOrInfPlacementDiffers() {
        assertEquals(Double.POSITIVE_INFINITY, needed(f(1, 2), f(1, Float.NaN), FP32));
        assertEquals(Double.POSITIVE_INFINITY, needed(f(Float.POSITIVE_INFINITY), f(Float.NEGATIVE_INFINITY), FP32));
        assertEquals(0.5, needed(f(Float.NaN, Float.POSITIVE_INFINITY, 1), f(Float.NaN, Float.POSITIVE_INFINITY, 1.5f),
                new Tolerance(0, 0)), "NaN and Inf at the same places agree and need nothing");
    }

    @Test
    void neededAtolIsTheOraclesOwnThresholdWhereTheSubtractionRounds() {
        // e = |2 - 1| = 1, r = rtol * 1 = 1 - 2^-52, so e - r = 2^-52 exactly; but atol + r rounds to 1
        // (ties to even) already at atol = 1 - 2^-54 - r = 3 * 2^-54, and the oracle accepts there.
        double rtol = 1 - 0x1p-52;
        Tensor torch = f(1);
        Tensor onnx = f(2);
        assertEquals(3 * 0x1p-54, needed(torch, onnx, new Tolerance(0, rtol)));
        assertEquals(Verdict.FAITHFUL, at(torch, onnx, 3 * 0x1p-54, rtol));
        assertEquals(Verdict.DISCREPANT, at(torch, onnx, Math.nextDown(3 * 0x1p-54), rtol));
    }

    @Test
    void discrepantExactlyWhenNeededAtolExceedsTheAtolInForce() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            int n = r.nextInt(1, 40);
            float[] a = new float[n];
            float[] b = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (r.nextGaussian() * 10);
                b[i] = a[i] + (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(1, 7)));
            }
            double rtol = r.nextBoolean() ? 0 : Math.pow(10, -r.nextInt(1, 7));
            Tensor ta = f(a);
            Tensor tb = f(b);
            double need = needed(ta, tb, new Tolerance(0, rtol));
            assertTrue(need >= 0);
            assertEquals(Verdict.FAITHFUL, at(ta, tb, need, rtol), "passes at needed_atol");
            if (need > 0) {
                assertEquals(Verdict.DISCREPANT, at(ta, tb, Math.nextDown(need), rtol), "fails one ulp below");
            }
        }
    }

    @Test
    void toleranceModeRecordsTheMovementFactorAndBaseAtol() {
        // 100.001f = 100 + 131 * 2^-17, 100.0005f = 100 + 66 * 2^-17: J = 66 * 2^-17, e = 131 * 2^-17
        Tensor torch = f(100f, 200f);
        Tensor onnx = f(100.001f, 200f);
        Tensor moved = f(100.0005f, 200f);
        OutputFinding r = OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, 8);
        NoiseAllowance noise = r.noise();
        assertNotNull(noise);
        assertEquals(66 * 0x1p-17, noise.movement());
        assertEquals(8, noise.factor());
        assertEquals(1e-5, noise.baseAtol());
        assertEquals(8 * 66 * 0x1p-17, r.tolerance().atol(), "judged at max(atol, K * J)");
        double e = 131 * 0x1p-17;
        double expected = ClosenessOracle.neededAtol(e, 1.3e-6 * 100);
        assertEquals(e - 1.3e-4, expected, 1e-18);
        assertEquals(expected, r.stats().neededAtol());
        // K * J passes needed_atol between K = 1 and K = 2 (needed / J = 1.727...)
        assertTrue(noise.discrepantAt(r.stats().neededAtol(), 1));
        assertEquals(Verdict.DISCREPANT, OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, 1).verdict());
        assertTrue(!noise.discrepantAt(r.stats().neededAtol(), 2));
        assertEquals(Verdict.FAITHFUL, OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, 2).verdict());
        assertNull(OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, 0).noise(), "fixed tolerance: no noise");
    }

    @Test
    void toleranceVerdictAtAnyNoiseFactorIsReDerivedExactly() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = r.nextInt(1, 30);
            float[] a = new float[n];
            float[] b = new float[n];
            float[] m = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (r.nextGaussian() * 100);
                b[i] = a[i] + (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(1, 6)));
                m[i] = a[i] + (float) (r.nextGaussian() * Math.pow(10, -r.nextInt(3, 7)));
            }
            Tensor torch = f(a);
            Tensor onnx = f(b);
            Tensor moved = f(m);
            OutputFinding at8 = OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, 8);
            double need = at8.stats().neededAtol();
            NoiseAllowance noise = at8.noise();
            double edge = noise.movement() > 0 ? need / noise.movement() : 1;
            // factors on both sides of the edge where K * J crosses needed_atol, the edge itself included
            for (double k : new double[] {0.5, 1, 4, 8, 30, edge, Math.nextUp(edge), Math.nextDown(edge),
                edge * (1 + 1e-15), edge * (1 - 1e-15)}) {
                OutputFinding judged = OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, k);
                assertEquals(judged.verdict() == Verdict.DISCREPANT, noise.discrepantAt(need, k),
                        "trial " + trial + " K " + k + " needed " + need + " J " + noise.movement());
                assertEquals(need, judged.stats().neededAtol(), "needed_atol does not depend on the atol in force");
            }
        }
    }

    @Test
    void neededAtolSurvivesTheJsonRoundTripIncludingInfinity() throws Exception {
        OutputFinding f = OutputJudge.judge("y", f(1, 2), f(1, Float.NaN), null, f(1, 2), FP32, RULE, 8);
        String json = dev.parity.result.ResultJson.write(f);
        assertTrue(json.contains("\"needed_atol\" : \"Infinity\""), json);
        OutputFinding back = dev.parity.result.ResultJson.mapper().readValue(json, OutputFinding.class);
        assertEquals(Double.POSITIVE_INFINITY, back.stats().neededAtol());
        OutputFinding g = OutputJudge.judge("y", f(100f, 200f), f(100.001f, 200f), null, f(100.0005f, 200f), FP32, RULE,
                8);
        OutputFinding gb = dev.parity.result.ResultJson.mapper().readValue(dev.parity.result.ResultJson.write(g),
                OutputFinding.class);
        assertEquals(g.stats().neededAtol(), gb.stats().neededAtol());
        assertEquals(g.noise(), gb.noise());
        assertTrue(dev.parity.result.ResultJson.write(g).contains("\"base_atol\""));
    }
}
