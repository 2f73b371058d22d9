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
}
