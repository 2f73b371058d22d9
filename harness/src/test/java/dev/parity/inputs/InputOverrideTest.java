package dev.parity.inputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.tensor.DType;
import org.junit.jupiter.api.Test;

class InputOverrideTest {
    @Test
    void parsesShapeAndRange() {
        InputOverride o = InputOverride.parse("ids:int64:2x7:0:50");
        assertEquals("ids", o.name());
        assertEquals(DType.INT64, o.dtype());
        assertArrayEquals(new long[] {2, 7}, o.dims());
        assertEquals(0.0, o.low());
        assertEquals(50.0, o.high());
    }

    @Test
    void rangeIsOptional() {
        InputOverride o = InputOverride.parse("x:float32:4x16");
        assertNull(o.low());
        assertArrayEquals(new long[] {4, 16}, o.dims());
    }

    @Test
    void scalarShapeIsSpelledOut() {
        assertArrayEquals(new long[0], InputOverride.parse("t:float32:scalar").dims());
    }

    @Test
    void malformedDimsNameTheDims() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputOverride.parse("x:float32:2by3"));
        assertTrue(e.getMessage().contains("malformed dims '2by3'"), e.getMessage());
    }

    @Test
    void wrongFieldCountShowsTheForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputOverride.parse("x:2x3"));
        assertTrue(e.getMessage().contains("NAME:DTYPE:DIMS"), e.getMessage());
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputOverride.parse("x:cplx:2"));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void emptyOrInvertedRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> InputOverride.parse("x:float32:2:5:5"));
        assertThrows(IllegalArgumentException.class, () -> InputOverride.parse("x:float32:2:a:5"));
    }
}
