package dev.parity.engine;

import dev.parity.tensor.DType;
import java.util.Arrays;

/**
 * A model input or output as declared: name, element type, and dimensions where a symbolic
 * dimension is -1 with its name in {@code dimNames} (empty when unnamed).
 */
public record TensorSpec(String name, DType dtype, long[] dims, String[] dimNames) {
    public TensorSpec {
        if (dims.length != dimNames.length) {
            throw new IllegalArgumentException("dims and dimNames differ in length");
        }
        dims = dims.clone();
        dimNames = dimNames.clone();
    }

    /** A copy of the dims: callers fill symbolic entries in their own array. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public String[] dimNames() {
        return dimNames.clone();
    }

    public int rank() {
        return dims.length;
    }

    public boolean isSymbolic(int axis) {
        return dims[axis] < 0;
    }

    /** The key that ties equal symbolic dims together: their name, else {@code input[axis]}. */
    public String symbolKey(int axis) {
        String n = dimNames[axis];
        return n == null || n.isEmpty() ? name + "[" + axis + "]" : n;
    }

    /** Dims as text with symbols by name, e.g. {@code batch x 1 x 8 x 8}. */
    public String dimsText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(dims[i] < 0 ? symbolKey(i) : Long.toString(dims[i]));
        }
        return dims.length == 0 ? "scalar" : sb.toString();
    }

    @Override
    public String toString() {
        return name + ":" + dtype + ":" + dimsText() + " " + Arrays.toString(dims);
    }
}
