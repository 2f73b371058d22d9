package dev.parity.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void shapeMustMatchTheDataLength() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloats(new long[] {2, 2}, new float[3]));
    }

    @Test
    void shapeIsCopiedInAndOut() {
        long[] s = {2, 3};
        Tensor t = Tensor.ofFloats(s, new float[6]);
        s[0] = 99;
        t.shape()[1] = 99;
        assertArrayEquals(new long[] {2, 3}, t.shape());
    }

    @Test
    void unravelIsRowMajor() {
        assertArrayEquals(new long[] {1, 0, 2}, Tensor.unravel(14, new long[] {2, 4, 3}));
        assertArrayEquals(new long[] {}, Tensor.unravel(0, new long[] {}));
    }

    @Test
    void uint8IsReadUnsigned() {
        Tensor t = Tensor.ofBytes(DType.UINT8, new long[] {1}, new byte[] {(byte) 200});
        assertEquals(200, t.getDouble(0));
        Tensor s = Tensor.ofBytes(DType.INT8, new long[] {1}, new byte[] {(byte) 200});
        assertEquals(-56, s.getDouble(0));
    }

    @Test
    void dtypeNamesParseInNumpySpelling() {
        assertEquals(DType.FLOAT32, DType.parse("float32"));
        assertEquals(DType.INT64, DType.parse("i64"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DType.parse("complex64"));
        assertEquals(true, e.getMessage().contains("float32"));
    }

    @Test
    void shapeTextNamesScalars() {
        assertEquals("scalar", Tensor.shapeText(new long[0]));
        assertEquals("2x7", Tensor.shapeText(new long[] {2, 7}));
    }
}
