package dev.parity.tensor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Element types Parity can compare. Names follow NumPy/ONNX spelling ({@code float32}, {@code int64}). */
public enum DType {
    FLOAT32("float32", 4, true),
    FLOAT64("float64", 8, true),
    INT64("int64", 8, false),
    INT32("int32", 4, false),
    INT8("int8", 1, false),
    UINT8("uint8", 1, false),
    BOOL("bool", 1, false);

    private final String label;
    private final int byteSize;
    private final boolean floating;

    DType(String label, int byteSize, boolean floating) {
        this.label = label;
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** The NumPy-style name, e.g. {@code float32}. */
    @JsonValue
    public String label() {
        return label;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return floating;
    }

    /**
     * Parses a NumPy-style name ({@code float32}, {@code f32}, {@code int64}, {@code bool}, ...).
     *
     * @throws IllegalArgumentException naming the accepted spellings
     */
    @JsonCreator
    public static DType parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "float32": case "float": case "f32": case "fp32": return FLOAT32;
            case "float64": case "double": case "f64": case "fp64": return FLOAT64;
            case "int64": case "long": case "i64": return INT64;
            case "int32": case "int": case "i32": return INT32;
            case "int8": case "i8": return INT8;
            case "uint8": case "u8": return UINT8;
            case "bool": case "boolean": return BOOL;
            default:
                throw new IllegalArgumentException("unknown element type '" + text + "', expected one of "
                        + Arrays.toString(Arrays.stream(values()).map(DType::label).toArray()));
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
