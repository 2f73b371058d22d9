package dev.parity.inputs;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Deterministic input values: a pure function of (seed, case index, input name, regime, shape).
 * The same arguments give the same bytes on every JVM: the stream is SplittableRandom seeded by a
 * SplitMix64 mix of the arguments, and normals come from Box-Muller written here rather than
 * {@code RandomGenerator.nextGaussian}, whose algorithm is not pinned across JDK releases.
 *
 * <p>Integers are uniform in [low, high) (default [0, 10)); booleans are fair coin flips.
 */
public final class InputGenerator {
    public static final long DEFAULT_INT_LOW = 0;
    public static final long DEFAULT_INT_HIGH = 10;

    private InputGenerator() {}

    public static Tensor generate(long seed, int caseIndex, InputRegime regime, ConcreteInput in) {
        SplittableRandom rng = new SplittableRandom(streamSeed(seed, caseIndex, in.name()));
        int n = Math.toIntExact(Tensor.elementCount(in.shape()));
        long[] shape = in.shape();
        switch (in.dtype()) {
            case FLOAT32: {
                float[] a = new float[n];
                fillFloating(rng, regime, in, n, (i, v) -> a[i] = (float) v);
                return Tensor.ofFloats(shape, a);
            }
            case FLOAT64: {
                double[] a = new double[n];
                fillFloating(rng, regime, in, n, (i, v) -> a[i] = v);
                return Tensor.ofDoubles(shape, a);
            }
            case BOOL: {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) (rng.nextBoolean() ? 1 : 0);
                }
                return Tensor.ofBytes(DType.BOOL, shape, a);
            }
            default:
                return integers(rng, in, n);
        }
    }

    /**
     * Values of an input with a role, in a padding pattern (null: no padding, as {@link
     * PaddingPattern#NO_PADDING}). Axis 0 is the batch row and the last axis the sequence position (a
     * rank-1 input is one row). Token ids are uniform in the role's [low, high) and the pad id 0 at padded
     * positions; a mask is 1 at real positions and 0 at padded ones; position ids count 0, 1, 2, ... along
     * every row, padded positions included (as transformers' default {@code arange} does), capped at high - 1;
     * token-type ids are the role's low
     * before a per-row split point and low + 1 (within the range) from it to the row's end, low at padded
     * positions. Row lengths depend on (seed, case index, row, sequence length) only, so the ids, mask and
     * token types of one case pad the same positions.
     */
    public static Tensor generate(long seed, int caseIndex, ConcreteInput in, InputRole role, PaddingPattern padding) {
        long[] shape = in.shape();
        int n = Math.toIntExact(Tensor.elementCount(shape));
        long seqLen = shape.length == 0 ? 1 : shape[shape.length - 1];
        long rows = shape.length < 2 ? 1 : shape[0];
        long perRow = rows == 0 ? 0 : n / rows;
        long[] lengths = new long[(int) rows];
        for (int r = 0; r < rows; r++) {
            lengths[r] = validLength(padding, seed, caseIndex, r, rows, seqLen);
        }
        SplittableRandom rng = new SplittableRandom(streamSeed(seed, caseIndex, in.name()));
        long[] v = new long[n];
        long[] split = new long[(int) rows];
        if (role.kind() == InputRole.Kind.TOKEN_TYPE_IDS) {
            for (int r = 0; r < rows; r++) {
                split[r] = lengths[r] == 0 ? 0
                        : 1 + new SplittableRandom(streamSeed(seed, caseIndex, "segment#" + r)).nextLong(lengths[r]);
            }
        }
        for (int i = 0; i < n; i++) {
            int row = perRow == 0 ? 0 : (int) (i / perRow);
            long pos = seqLen == 0 ? 0 : i % seqLen;
            boolean real = pos < lengths[row];
            switch (role.kind()) {
                case TOKEN_IDS:
                    long id = rng.nextLong(role.low(), role.high());
                    v[i] = real ? id : 0;
                    break;
                case ATTENTION_MASK:
                    v[i] = real ? 1 : 0;
                    break;
                case TOKEN_TYPE_IDS:
                    v[i] = real && pos >= split[row] ? Math.min(role.low() + 1, role.high() - 1) : role.low();
                    break;
                case POSITION_IDS:
                    v[i] = Math.min(role.low() + pos, role.high() - 1);
                    break;
                default:
                    throw new IllegalArgumentException("no values for role " + role);
            }
        }
        return ofValues(in.dtype(), shape, v);
    }

    /**
     * How many leading positions of row {@code row} are real: all of them without padding and in row 0;
     * none in the last row of {@link PaddingPattern#PADDED_ROW} (at one row, row 0 itself); else a length
     * in [1, seqLen] drawn from (seed, case index, row).
     */
    static long validLength(PaddingPattern padding, long seed, int caseIndex, int row, long rows, long seqLen) {
        if (padding == null || padding == PaddingPattern.NO_PADDING) {
            return seqLen;
        }
        if (padding == PaddingPattern.PADDED_ROW && row == rows - 1) {
            return 0;
        }
        if (row == 0 || seqLen <= 1) {
            return seqLen;
        }
        return 1 + new SplittableRandom(streamSeed(seed, caseIndex, "padding#" + row)).nextLong(seqLen);
    }

    private static Tensor ofValues(DType dtype, long[] shape, long[] v) {
        switch (dtype) {
            case INT64:
                return Tensor.ofLongs(shape, v);
            case INT32: {
                int[] a = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    a[i] = Math.toIntExact(v[i]);
                }
                return Tensor.ofInts(shape, a);
            }
            case FLOAT32: {
                float[] a = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    a[i] = v[i];
                }
                return Tensor.ofFloats(shape, a);
            }
            case FLOAT64: {
                double[] a = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    a[i] = v[i];
                }
                return Tensor.ofDoubles(shape, a);
            }
            default: {
                byte[] a = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    a[i] = (byte) v[i];
                }
                return Tensor.ofBytes(dtype, shape, a);
            }
        }
    }

    /** SplitMix64 finaliser over the arguments; String.hashCode is specified, so stable. */
    static long streamSeed(long seed, int caseIndex, String name) {
        long z = seed;
        z = mix(z + 0x9E3779B97F4A7C15L * (caseIndex + 1));
        z = mix(z ^ name.hashCode());
        return z;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private interface Sink {
        void put(int i, double v);
    }

    private static void fillFloating(SplittableRandom rng, InputRegime regime, ConcreteInput in, int n, Sink out) {
        if (in.low() != null) {
            double lo = in.low();
            double span = in.high() - lo;
            for (int i = 0; i < n; i++) {
                out.put(i, lo + span * rng.nextDouble());
            }
            return;
        }
        switch (regime) {
            case UNIFORM:
                for (int i = 0; i < n; i++) {
                    out.put(i, rng.nextDouble());
                }
                return;
            case LARGE:
                normals(rng, n, 30.0, out);
                return;
            case SMALL:
                normals(rng, n, 1e-3, out);
                return;
            default:
                normals(rng, n, 1.0, out);
        }
    }

    /** Box-Muller pairs: both outputs of each draw are used. */
    private static void normals(SplittableRandom rng, int n, double scale, Sink out) {
        for (int i = 0; i < n; i += 2) {
            double u1 = 1.0 - rng.nextDouble(); // (0, 1]: log is finite
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            double t = 2.0 * Math.PI * u2;
            out.put(i, scale * r * Math.cos(t));
            if (i + 1 < n) {
                out.put(i + 1, scale * r * Math.sin(t));
            }
        }
    }

    private static Tensor integers(SplittableRandom rng, ConcreteInput in, int n) {
        long lo = in.low() == null ? DEFAULT_INT_LOW : (long) Math.ceil(in.low());
        long hi = in.high() == null ? DEFAULT_INT_HIGH : (long) Math.ceil(in.high());
        if (hi <= lo) {
            hi = lo + 1;
        }
        long[] shape = in.shape();
        switch (in.dtype()) {
            case INT64: {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = rng.nextLong(lo, hi);
                }
                return Tensor.ofLongs(shape, a);
            }
            case INT32: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (int) rng.nextLong(Math.max(lo, Integer.MIN_VALUE), Math.min(hi, Integer.MAX_VALUE));
                }
                return Tensor.ofInts(shape, a);
            }
            default: {
                long min = in.dtype() == DType.UINT8 ? 0 : Byte.MIN_VALUE;
                long max = in.dtype() == DType.UINT8 ? 256 : Byte.MAX_VALUE + 1;
                long l = Math.max(lo, min);
                long h = Math.min(hi, max);
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) rng.nextLong(l, Math.max(h, l + 1));
                }
                return Tensor.ofBytes(in.dtype(), shape, a);
            }
        }
    }
}
