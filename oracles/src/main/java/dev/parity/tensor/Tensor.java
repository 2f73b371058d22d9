package dev.parity.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable-by-contract dense tensor in row-major order: element type, shape and a primitive
 * Java array that holds the elements ({@code float[]} for float32, {@code double[]} for float64,
 * {@code long[]} for int64, {@code int[]} for int32, {@code byte[]} for int8, uint8 and bool).
 *
 * <p>Tensors are engine-neutral values: engines copy their outputs into one before any native
 * memory is released, and oracles read them without knowing where they came from. The backing
 * array is shared, not copied; callers must not mutate it after construction.
 */
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final Object data;

    private Tensor(DType dtype, long[] shape, Object data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = Objects.requireNonNull(data, "data");
        long n = elementCount(this.shape);
        int len = java.lang.reflect.Array.getLength(data);
        if (n != len) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data holds " + len);
        }
    }

    public static Tensor ofFloats(long[] shape, float[] data) {
        return new Tensor(DType.FLOAT32, shape, data);
    }

    public static Tensor ofDoubles(long[] shape, double[] data) {
        return new Tensor(DType.FLOAT64, shape, data);
    }

    public static Tensor ofLongs(long[] shape, long[] data) {
        return new Tensor(DType.INT64, shape, data);
    }

    public static Tensor ofInts(long[] shape, int[] data) {
        return new Tensor(DType.INT32, shape, data);
    }

    /** int8, uint8 or bool elements (bool: 0 or 1). */
    public static Tensor ofBytes(DType dtype, long[] shape, byte[] data) {
        if (dtype != DType.INT8 && dtype != DType.UINT8 && dtype != DType.BOOL) {
            throw new IllegalArgumentException("byte data is for int8, uint8 or bool, not " + dtype);
        }
        return new Tensor(dtype, shape, data);
    }

    /** Number of elements of a shape; every dimension must be non-negative. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return java.lang.reflect.Array.getLength(data);
    }

    public float[] floats() {
        return (float[]) expect(DType.FLOAT32);
    }

    public double[] doubles() {
        return (double[]) expect(DType.FLOAT64);
    }

    public long[] longs() {
        return (long[]) expect(DType.INT64);
    }

    public int[] ints() {
        return (int[]) expect(DType.INT32);
    }

    public byte[] bytes() {
        if (!(data instanceof byte[])) {
            throw new IllegalStateException("tensor is " + dtype + ", not a byte type");
        }
        return (byte[]) data;
    }

    /** Element {@code i} widened to double (uint8 read unsigned). */
    public double getDouble(int i) {
        switch (dtype) {
            case FLOAT32: return ((float[]) data)[i];
            case FLOAT64: return ((double[]) data)[i];
            case INT64: return ((long[]) data)[i];
            case INT32: return ((int[]) data)[i];
            case UINT8: return ((byte[]) data)[i] & 0xff;
            default: return ((byte[]) data)[i];
        }
    }

    /** All elements widened to a new double array. */
    public double[] toDoubleArray() {
        if (dtype == DType.FLOAT64) {
            return ((double[]) data).clone();
        }
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** Writes the elements into {@code out} at its position, in {@code out}'s byte order. */
    public void writeTo(java.nio.ByteBuffer out) {
        switch (dtype) {
            case FLOAT32: out.asFloatBuffer().put((float[]) data); break;
            case FLOAT64: out.asDoubleBuffer().put((double[]) data); break;
            case INT64: out.asLongBuffer().put((long[]) data); break;
            case INT32: out.asIntBuffer().put((int[]) data); break;
            default: out.duplicate().put((byte[]) data); break;
        }
    }

    /** Row-major multi-index of flat position {@code flat}. */
    public static long[] unravel(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) {
                return idx;
            }
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Shape as {@code 2x3x4}; a scalar is {@code scalar}. */
    public static String shapeText(long[] shape) {
        if (shape.length == 0) {
            return "scalar";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(shape[i]);
        }
        return sb.toString();
    }

    private Object expect(DType want) {
        if (dtype != want) {
            throw new IllegalStateException("tensor is " + dtype + ", not " + want);
        }
        return data;
    }

    /** Raw backing array; for engines and serializers that copy it out. */
    public Object data() {
        return data;
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + shapeText(shape) + "]";
    }
}
