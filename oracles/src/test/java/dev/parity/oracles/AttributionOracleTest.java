package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttributionOracleTest {
    private static final AttributionConfig RULE = AttributionConfig.defaults();

    private static Tensor f(double scale, double... v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = (float) (v[i] * scale);
        }
        return Tensor.ofFloats(new long[] {v.length}, a);
    }

    private static Tensor d(double scale, double... v) {
        double[] a = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = v[i] * scale;
        }
        return Tensor.ofDoubles(new long[] {v.length}, a);
    }

    @Test
    void converterErrorFarAboveTheReferencesOwnIsDiscrepant() {
        double[] ref = {1.0 / 3, 2.0 / 3, 1.0};
        Attribution a = AttributionOracle.attribute(f(1, ref), f(1, 1.0 / 3, 2.0 / 3, 0.9), d(1, ref), RULE);
        assertTrue(a.discrepant());
        assertTrue(a.ratio() > 1e4, "ratio " + a.ratio());
    }

    @Test
    void roundingLevelDifferencesAreFaithfulAtEveryMagnitude() {
        for (double scale : new double[] {1e-6, 1, 30, 1e6}) {
            double[] ref = {0.1, -0.7, 0.33333333333, 2.5};
            Tensor torch = f(scale, ref);
            float[] other = torch.floats().clone();
            other[2] = Math.nextUp(other[2]); // one ulp away from the float32 reference
            Attribution a = AttributionOracle.attribute(torch, Tensor.ofFloats(new long[] {4}, other), d(scale, ref), RULE);
            assertFalse(a.discrepant(), "scale " + scale + ": " + a);
            assertTrue(a.ratio() < 16, "scale " + scale + ": " + a);
        }
    }

    @Test
    void scaledErrorsDoNotDependOnTheOutputMagnitude() {
        double[] ref = {0.25, -0.5, 1.0};
        Attribution small = AttributionOracle.attribute(f(1e-3, ref), f(1e-3, 0.25, -0.5, 1.1), d(1e-3, ref), RULE);
        Attribution big = AttributionOracle.attribute(f(1e3, ref), f(1e3, 0.25, -0.5, 1.1), d(1e3, ref), RULE);
        assertEquals(small.onnxErr(), big.onnxErr(), 1e-6);
    }

    @Test
    void theFloorSilencesLargeRatiosOfTinyErrors() {
        // torch exact, onnx off by 1e-7 relative: an enormous ratio, but below the floor.
        Attribution a = AttributionOracle.decide(1e-7, 0, RULE);
        assertFalse(a.discrepant());
        assertEquals(1e-7 / AttributionConfig.UNIT_ROUNDOFF, a.ratio(), 1e-9);
    }

    @Test
    void theRatioTakesAnExactReferenceAsUnitRoundoff() {
        assertEquals(1e-3 / 0x1p-24, AttributionOracle.decide(1e-3, 0, RULE).ratio(), 1e-6);
        assertTrue(AttributionOracle.decide(1e-3, 0, RULE).discrepant());
    }

    @Test
    void anErrorTheReferenceSharesIsNotTheConvertersFault() {
        // Both float32 results are 1e-3 off the float64 truth: ratio 1, faithful.
        assertFalse(AttributionOracle.decide(1e-3, 1e-3, RULE).discrepant());
    }

    @Test
    void allZeroReferenceUsesUnitScale() {
        assertEquals(1, AttributionOracle.scale(new double[] {0, 0}));
        assertEquals(1, AttributionOracle.scale(new double[] {Double.NaN}));
    }

    @Test
    void shapesMustAgree() {
        assertThrows(IllegalArgumentException.class,
                () -> AttributionOracle.attribute(f(1, 1, 2), f(1, 1, 2), d(1, 1, 2, 3), RULE));
    }

    @Test
    void configRejectsRatiosBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new AttributionConfig(0.5, 1e-4));
    }
}
