package dev.parity.inputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class InputGeneratorTest {
    private static final ConcreteInput X = new ConcreteInput("x", DType.FLOAT32, new long[] {64, 64}, null, null);

    private static byte[] bytes(Tensor t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(t, out);
        return out.toByteArray();
    }

    @Test
    void sameSeedGivesTheSameBytes() throws Exception {
        for (InputRegime r : InputRegime.floatingRegimes()) {
            assertArrayEquals(bytes(InputGenerator.generate(5, 2, r, X)), bytes(InputGenerator.generate(5, 2, r, X)));
        }
    }

    @Test
    void seedCaseAndNameEachChangeTheValues() {
        float[] base = InputGenerator.generate(5, 2, InputRegime.NORMAL, X).floats();
        assertFalse(Arrays.equals(base, InputGenerator.generate(6, 2, InputRegime.NORMAL, X).floats()));
        assertFalse(Arrays.equals(base, InputGenerator.generate(5, 3, InputRegime.NORMAL, X).floats()));
        ConcreteInput y = new ConcreteInput("y", DType.FLOAT32, X.shape(), null, null);
        assertFalse(Arrays.equals(base, InputGenerator.generate(5, 2, InputRegime.NORMAL, y).floats()));
    }

    /** Pins the generator across JDKs and refactorings: a change here changes every stored run. */
    @Test
    void generationIsPinnedAcrossVersions() throws Exception {
        Tensor t = InputGenerator.generate(0, 0, InputRegime.NORMAL,
                new ConcreteInput("x", DType.FLOAT32, new long[] {4, 16}, null, null));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(t)));
        assertEquals(GOLDEN_NORMAL_4x16, sha);
    }

    // Same digest measured on OpenJDK 17.0.15 and Temurin 25.0.3 (2026-11-27).
    static final String GOLDEN_NORMAL_4x16 = "7697c0f008a6b83451637101f0393de11b7a466a12958ab3eb7a44376b3230c5";

    @Test
    void regimesHaveTheirDocumentedScale() {
        assertEquals(1.0, std(InputGenerator.generate(1, 0, InputRegime.NORMAL, X).floats()), 0.05);
        assertEquals(30.0, std(InputGenerator.generate(1, 0, InputRegime.LARGE, X).floats()), 1.5);
        assertEquals(1e-3, std(InputGenerator.generate(1, 0, InputRegime.SMALL, X).floats()), 5e-5);
        float[] u = InputGenerator.generate(1, 0, InputRegime.UNIFORM, X).floats();
        for (float v : u) {
            assertTrue(v >= 0 && v < 1);
        }
    }

    @Test
    void explicitRangeReplacesTheRegime() {
        ConcreteInput r = new ConcreteInput("m", DType.FLOAT32, new long[] {1000}, 2.0, 3.0);
        for (float v : InputGenerator.generate(1, 0, InputRegime.LARGE, r).floats()) {
            assertTrue(v >= 2 && v < 3, "value " + v);
        }
    }

    @Test
    void integersAreUniformInTheirHalfOpenRange() {
        long[] ids = InputGenerator.generate(1, 0, InputRegime.NORMAL,
                new ConcreteInput("ids", DType.INT64, new long[] {5000}, 0.0, 50.0)).longs();
        long min = Arrays.stream(ids).min().getAsLong();
        long max = Arrays.stream(ids).max().getAsLong();
        assertEquals(0, min);
        assertEquals(49, max);
        long[] dflt = InputGenerator.generate(1, 0, InputRegime.NORMAL,
                new ConcreteInput("k", DType.INT64, new long[] {1000}, null, null)).longs();
        assertTrue(Arrays.stream(dflt).allMatch(v -> v >= 0 && v < 10));
    }

    @Test
    void booleansAreZeroOrOneAndBothOccur() {
        byte[] b = InputGenerator.generate(1, 0, InputRegime.NORMAL,
                new ConcreteInput("m", DType.BOOL, new long[] {100}, null, null)).bytes();
        int ones = 0;
        for (byte v : b) {
            assertTrue(v == 0 || v == 1);
            ones += v;
        }
        assertTrue(ones > 20 && ones < 80, "ones " + ones);
    }

    private static double std(float[] a) {
        double m = 0;
        for (float v : a) {
            m += v;
        }
        m /= a.length;
        double s = 0;
        for (float v : a) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / a.length);
    }
}
