package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parity.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OutputJudgeTest {
    private static final Tolerance FP32 = ToleranceConfig.FLOAT32_DEFAULT;
    private static final AttributionConfig RULE = AttributionConfig.defaults();

    private static Tensor f(float... v) {
        return Tensor.ofFloats(new long[] {v.length}, v);
    }

    @Test
    void withATwinAttributionDecidesEvenWhereFixedTolerancesWouldFail() {
        // Large outputs: an error of 3e-3 fails atol 1e-5 + rtol 1.3e-6 * 1000, but torch itself is
        // just as far from the float64 truth, so the converter is not at fault.
        Tensor torch = f(1000.000f, 2000.000f);
        Tensor onnx = f(1000.003f, 2000.000f);
        Tensor ref64 = Tensor.ofDoubles(new long[] {2}, new double[] {1000.0015, 2000.0});
        OutputFinding fixed = ClosenessOracle.compare("y", torch, onnx, FP32);
        assertEquals(Verdict.DISCREPANT, fixed.verdict());
        OutputFinding judged = OutputJudge.judge("y", torch, onnx, ref64, null, FP32, RULE, 0);
        assertEquals(Verdict.FAITHFUL, judged.verdict());
        assertNotNull(judged.attribution());
        assertEquals(fixed.stats(), judged.stats(), "statistics stay the closeness oracle's");
    }

    @Test
    void nanPlacementStaysDiscrepantWithATwin() {
        Tensor ref64 = Tensor.ofDoubles(new long[] {2}, new double[] {1, 2});
        OutputFinding r = OutputJudge.judge("y", f(1, 2), f(1, Float.NaN), ref64, null, FP32, RULE, 8);
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertNull(r.attribution());
    }

    @Test
    void noiseAwareToleranceWidensAtolByTheReferencesOwnMovement() {
        Tensor torch = f(100f, 200f);
        Tensor onnx = f(100.001f, 200f);
        Tensor moved = f(100.0005f, 200f); // the reference moves 5e-4 under a one-ulp input change
        assertEquals(Verdict.DISCREPANT, OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, 0).verdict(),
                "noise factor 0 is the fixed-tolerance oracle");
        OutputFinding r = OutputJudge.judge("y", torch, onnx, null, moved, FP32, RULE, 8);
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(8 * ((double) 100.0005f - 100f), r.tolerance().atol(), 1e-12);
    }

    @Test
    void noiseAwareToleranceStillCatchesRealErrors() {
        Tensor torch = f(1f, 2f);
        Tensor moved = f(1f, 2.0000002f);
        assertEquals(Verdict.DISCREPANT,
                OutputJudge.judge("y", torch, f(1f, 2.5f), null, moved, FP32, RULE, 8).verdict());
    }

    private static Tensor d(double... v) {
        return Tensor.ofDoubles(new long[] {v.length}, v);
    }

    @Test
    void aFittingTwinOutputIsJudgedByAttribution() {
        OutputFinding r = OutputJudge.judge("y", f(1, 2), f(1, 2), d(1, 2), null, FP32, RULE, 8);
        assertEquals(ComparisonRule.ATTRIBUTION, r.rule());
    }

    @Test
    void aTwinOutputCastBackToFloat32IsNotUsedForAttribution() {
        // argmax(...).float() in the twin: float32, so the noise-aware tolerance judges it (or fixed
        // tolerances when there is no perturbed run), never an attribution against a float32 "truth".
        Tensor cast = f(3, 5);
        OutputFinding noise = OutputJudge.judge("label", f(3, 5), f(3, 5), cast, f(3, 5), FP32, RULE, 8);
        assertEquals(ComparisonRule.NOISE_AWARE_TOLERANCE, noise.rule());
        assertEquals(Verdict.FAITHFUL, noise.verdict());
        OutputFinding fixed = OutputJudge.judge("label", f(3, 5), f(3, 6), cast, null, FP32, RULE, 8);
        assertEquals(ComparisonRule.TOLERANCE, fixed.rule());
        assertEquals(Verdict.DISCREPANT, fixed.verdict());
        assertNull(fixed.attribution());
    }

    @Test
    void aTwinOutputOfAnotherShapeFallsBackToTheNoiseAwareTolerance() {
        Tensor twin = Tensor.ofDoubles(new long[] {1}, new double[] {1});
        OutputFinding r = OutputJudge.judge("y", f(1, 2), f(1, 2), twin, f(1, 2), FP32, RULE, 8);
        assertEquals(ComparisonRule.NOISE_AWARE_TOLERANCE, r.rule());
        assertEquals(false, OutputJudge.twinFits(f(1, 2), twin));
        assertEquals(true, OutputJudge.twinFits(f(1, 2), d(1, 2)));
    }

    @Test
    void integerOutputsAreExactUnlessGivenATolerance() {
        Tensor a = Tensor.ofLongs(new long[] {2}, new long[] {-1, 2});
        Tensor b = Tensor.ofLongs(new long[] {2}, new long[] {0, 2});
        Tensor twin = Tensor.ofLongs(new long[] {2}, new long[] {-1, 2});
        OutputFinding exact = OutputJudge.judge("q", a, b, twin, null, ToleranceConfig.EXACT, RULE, 8);
        assertEquals(ComparisonRule.EXACT, exact.rule());
        assertEquals(Verdict.DISCREPANT, exact.verdict());
        OutputFinding loose = OutputJudge.judge("q", a, b, twin, null, new Tolerance(1, 0), RULE, 8);
        assertEquals(ComparisonRule.TOLERANCE, loose.rule());
        assertEquals(Verdict.FAITHFUL, loose.verdict());
    }

    @Test
    void shapeOrTypeDifferencesAreJudgedByStructure() {
        assertEquals(ComparisonRule.STRUCTURE,
                OutputJudge.judge("y", f(1, 2), f(1), d(1, 2), f(1, 2), FP32, RULE, 8).rule());
        assertEquals(ComparisonRule.STRUCTURE,
                OutputJudge.judge("y", f(1, 2), d(1, 2), d(1, 2), f(1, 2), FP32, RULE, 8).rule());
        assertEquals(ComparisonRule.STRUCTURE, OutputFinding.missing("z", "output count differs").rule());
    }

    @Test
    void nanPlacementIsJudgedByFixedToleranceEvenWithATwin() {
        OutputFinding r = OutputJudge.judge("y", f(1, 2), f(1, Float.NaN), d(1, 2), f(1, 2), FP32, RULE, 8);
        assertEquals(ComparisonRule.TOLERANCE, r.rule());
    }

    @Test
    void noiseFactorMustBeFiniteAndNonNegative() {
        assertEquals(8.0, OutputJudge.requireNoiseFactor(8));
        assertEquals(0.0, OutputJudge.requireNoiseFactor(0));
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> OutputJudge.requireNoiseFactor(bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--noise-factor"), e.getMessage());
        }
    }
}
