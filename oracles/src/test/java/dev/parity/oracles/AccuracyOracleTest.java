package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AccuracyOracleTest {
    @Test
    void exactMcNemarMatchesTheBinomialByHand() {
        assertEquals(1.0, AccuracyOracle.exactMcNemar(0, 0));
        assertEquals(2.0 / 32, AccuracyOracle.exactMcNemar(0, 5), 1e-15);
        assertEquals(2.0 * (1 + 7) / 128, AccuracyOracle.exactMcNemar(1, 6), 1e-15);
        assertEquals(1.0, AccuracyOracle.exactMcNemar(4, 4));
    }

    @Test
    void farTailPValuesDoNotUnderflowToZero() {
        double p = AccuracyOracle.exactMcNemar(161, 9);
        assertTrue(p > 0 && p < 1e-30, "p " + p);
    }

    @Test
    void countsDiscordantPairsAndDecides() {
        long[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        long[] torch = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0};
        long[] onnx = {0, 1, 2, 3, 4, 5, 0, 0, 0, 9};
        AccuracyFinding a = AccuracyOracle.compare(labels, torch, onnx, 0.05);
        assertEquals(0.9, a.torchAccuracy(), 1e-12);
        assertEquals(0.7, a.onnxAccuracy(), 1e-12);
        assertEquals(3, a.torchOnlyCorrect());
        assertEquals(1, a.onnxOnlyCorrect());
        assertEquals(-0.2, a.delta(), 1e-12);
        assertTrue(a.deltaLow() < a.delta() && a.delta() < a.deltaHigh());
        assertFalse(a.discrepant(), "4 discordant samples are not evidence: p = " + a.pValue());
    }

    @Test
    void identicalPredictionsHaveAZeroWidthInterval() {
        long[] y = {1, 2, 3};
        AccuracyFinding a = AccuracyOracle.compare(y, y, y, 0.05);
        assertEquals(0, a.deltaLow());
        assertEquals(0, a.deltaHigh());
        assertEquals(1, a.pValue());
    }

    @Test
    void argmaxTakesTheLastAxis() {
        Tensor logits = Tensor.ofFloats(new long[] {2, 3}, new float[] {0, 5, 1, 9, 0, 0});
        assertArrayEquals(new long[] {1, 0}, AccuracyOracle.argmaxRows(logits));
    }
}
