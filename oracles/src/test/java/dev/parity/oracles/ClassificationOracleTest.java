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
