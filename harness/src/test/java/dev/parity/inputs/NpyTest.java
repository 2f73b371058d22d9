package dev.parity.inputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    private static Tensor read(String fixture) throws IOException {
        try (InputStream in = Files.newInputStream(Corpus.fixture(fixture))) {
            return Npy.read(in);
        }
    }

    @Test
    void readsArraysWrittenByNumpy() throws Exception {
        Tensor f = read("f32_2x3.npy");
        assertArrayEquals(new long[] {2, 3}, f.shape());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, f.floats());
        assertArrayEquals(new long[] {-3, 0, 7, 1L << 40}, read("i64_4.npy").longs());
        Tensor b = read("bool_3.npy");
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new byte[] {1, 0, 1}, b.bytes());
        Tensor s = read("f64_scalar.npy");
        assertEquals(0, s.rank());
        assertEquals(2.5, s.doubles()[0]);
    }

    @Test
    void writeThenReadIsIdentityForEveryType() throws Exception {
        Tensor[] all = {
            Tensor.ofFloats(new long[] {2, 2}, new float[] {1, -0f, Float.NaN, 3}),
            Tensor.ofDoubles(new long[] {1}, new double[] {Math.PI}),
            Tensor.ofLongs(new long[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}),
            Tensor.ofInts(new long[] {0}, new int[0]),
            Tensor.ofBytes(DType.UINT8, new long[] {2}, new byte[] {(byte) 255, 1}),
        };
        for (Tensor t : all) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(t, out);
            assertEquals(0, (out.size() - t.size() * t.dtype().byteSize()) % 64, "header padded to 64 bytes");
            Tensor back = Npy.read(new ByteArrayInputStream(out.toByteArray()));
            assertEquals(t.dtype(), back.dtype());
            assertArrayEquals(t.shape(), back.shape());
            assertTrue(Arrays.equals(t.toDoubleArray(), back.toDoubleArray()) || t.dtype() == DType.FLOAT32);
        }
    }

    @Test
    void npzRoundTripKeepsNamesAndOrder(@TempDir Path dir) throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("b", Tensor.ofFloats(new long[] {1}, new float[] {2}));
        m.put("a", Tensor.ofLongs(new long[] {1}, new long[] {3}));
        Path f = dir.resolve("x.npz");
        Npy.writeNpz(m, f);
        assertEquals(java.util.List.of("b", "a"), new java.util.ArrayList<>(Npy.readNpz(f).keySet()));
    }

    @Test
    void truncatedDataIsReported() throws Exception {
        byte[] full = Files.readAllBytes(Corpus.fixture("f32_2x3.npy"));
        IOException e = assertThrows(IOException.class,
                () -> Npy.read(new ByteArrayInputStream(Arrays.copyOf(full, full.length - 4))));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void fortranOrderAndBigEndianAreRefused() throws Exception {
        String h = new String(Files.readAllBytes(Corpus.fixture("f32_2x3.npy")), java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] fortran = h.replace("'fortran_order': False", "'fortran_order': True ")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(fortran))).getMessage()
                .contains("Fortran"));
        byte[] big = h.replace("'<f4'", "'>f4'").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(big)));
    }

    @Test
    void nonNpyBytesAreRefused() {
        assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(new byte[] {1, 2, 3})));
    }
}
