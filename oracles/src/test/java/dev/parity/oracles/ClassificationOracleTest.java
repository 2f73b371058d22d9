package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ClassificationOracleTest {
    private static Tensor t(long rows, float... v) {
        return Tensor.ofFloats(new long[] {rows, v.length / rows}, v);
    }

    @Test
    void labelFlipsAndTopOneAgreement() {
        ClassificationFinding c = ClassificationOracle.compare(t(2, 1, 3, 2, 5, 1, 0), t(2, 1, 3, 2, 0, 1, 5), 2);
        assertEquals(2, c.rows());
        assertEquals(0.5, c.top1Agreement());
        assertEquals(1, c.labelFlips());
    }

    /** An all-NaN row used to rank its NaNs first and "predict" class 0, agreeing with a reference whose top class is 0. */
    @Test
    void aRowOfNaNLogitsNeverAgreesWithAFiniteOne() {
        float nan = Float.NaN;
        ClassificationFinding c = ClassificationOracle.compare(t(2, 5, 1, 0, 1, 4, 0), t(2, nan, nan, nan, 1, 4, 0), 2);
        assertEquals(0.5, c.top1Agreement(), "row 0: NaN logits against a reference whose top class is 0");
        assertEquals(0.5, c.topkAgreement());
        assertEquals(1, c.labelFlips());
    }

    @Test
    void nanRanksBelowEveryFiniteLogit() {
        ClassificationFinding c = ClassificationOracle.compare(t(1, Float.NaN, 1, 3), t(1, Float.NaN, 1, 3), 1);
        assertEquals(1.0, c.top1Agreement(), "same NaN placement, same finite top class");
        assertEquals(2, ClassificationOracle.topK(new double[] {Double.NaN, 1, 3}, 1)[0]);
    }

    @Test
    void topKComparesSetsNotOrder() {
        ClassificationFinding c = ClassificationOracle.compare(t(1, 3, 2, 0, 0), t(1, 2, 3, 0, 0), 2);
        assertEquals(0.0, c.top1Agreement());
        assertEquals(1.0, c.topkAgreement());
    }

    @Test
    void monotoneTransformKeepsRankCorrelationOne() {
        ClassificationFinding c = ClassificationOracle.compare(t(1, 1, 2, 3, 4), t(1, 10, 20, 30, 41), 3);
        assertEquals(1.0, c.meanSpearman(), 1e-12);
    }

    @Test
    void logitsAreDetectedByRankClassesAndName() {
        assertTrue(ClassificationOracle.looksLikeLogits("logits", t(2, 0, 0, 0, 0)));
        assertFalse(ClassificationOracle.looksLikeLogits("embedding", t(2, 0, 0, 0, 0)));
        assertFalse(ClassificationOracle.looksLikeLogits("logits", Tensor.ofFloats(new long[] {4}, new float[4])));
    }
}
