package dev.parity.oracles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatOracleTest {
    private static final double FLOOR = AttributionConfig.DEFAULT_FLOOR;

    private static Tensor f(float... v) {
        return Tensor.ofFloats(new long[] {v.length}, v);
    }

    private static RepeatFinding.Kind kind(Tensor a, Tensor b) {
        return RepeatOracle.compare(List.of("y"), List.of(a), List.of(b), FLOOR).kind();
    }

    @Test
    void bitwiseEqualRunsAreIdenticalAndNanEqualsNan() {
        float otherNan = Float.intBitsToFloat(0x7fc00001);
        RepeatFinding r = RepeatOracle.compare(List.of("y"), List.of(f(1, Float.NaN, Float.NEGATIVE_INFINITY)),
                List.of(f(1, otherNan, Float.NEGATIVE_INFINITY)), FLOOR);
        assertEquals(RepeatFinding.Kind.IDENTICAL, r.kind());
        assertNull(r.evidence());
    }

    @Test
    void dropoutSizedDifferencesAreNondeterministicAndNamed() {
        RepeatFinding r = RepeatOracle.compare(List.of("y"), List.of(f(2, 0, 4, 0)), List.of(f(0, 0, 4, 6)), FLOOR);
        assertEquals(RepeatFinding.Kind.NONDETERMINISTIC, r.kind());
        assertTrue(r.evidence().startsWith("output y differs in 2 of 4 elements (max |diff| 6"), r.evidence());
    }

    @Test
    void oneUlpDifferencesAreRoundingLevel() {
        float x = 1.2345f;
        assertEquals(RepeatFinding.Kind.ROUNDING_LEVEL, kind(f(x, 2), f(Math.nextUp(x), 2)));
        assertEquals(RepeatFinding.Kind.ROUNDING_LEVEL, kind(f(-0.0f, 2), f(0.0f, 2)), "-0.0 differs bitwise only");
    }

    @Test
    void differencesJustAboveTheFloorAreNondeterministic() {
        // rms of (1, 1) is 1: a difference of 2e-4 is 2e-4 of the RMS, above the 1e-4 floor
        assertEquals(RepeatFinding.Kind.NONDETERMINISTIC, kind(f(1, 1), f(1.0002f, 1)));
        assertEquals(RepeatFinding.Kind.ROUNDING_LEVEL, kind(f(1, 1), f(1.00005f, 1)));
    }

    @Test
    void integerOrPlacementOrShapeDifferencesAreNondeterministic() {
        Tensor a = Tensor.ofLongs(new long[] {2}, new long[] {1L << 60, 2});
        Tensor b = Tensor.ofLongs(new long[] {2}, new long[] {(1L << 60) + 1, 2});
        assertEquals(RepeatFinding.Kind.NONDETERMINISTIC, kind(a, b), "int64 beyond 2^53 compared exactly");
        assertEquals(RepeatFinding.Kind.NONDETERMINISTIC, kind(f(1, 2), f(1, Float.NaN)));
        assertEquals(RepeatFinding.Kind.NONDETERMINISTIC, kind(f(1, 2), f(1, 2, 3)));
        assertEquals(RepeatFinding.Kind.NONDETERMINISTIC,
                RepeatOracle.compare(List.of("y"), List.of(f(1)), List.of(f(1), f(2)), FLOOR).kind());
    }
}
