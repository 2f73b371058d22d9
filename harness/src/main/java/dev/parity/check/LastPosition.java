package dev.parity.check;

import dev.parity.tensor.Tensor;
import java.util.Arrays;

/**
 * The last sequence position of a [B, S, V] output, as the [B, V] logits a causal language model
 * predicts its next token from: {@code x[:, -1]}. For rank above 3 the sequence axis is the one
 * before the last ({@code x[..., -1, :]}). Pure.
 */
final class LastPosition {
    private LastPosition() {}

    /** The derived output's name, e.g. {@code logits[:, -1]}. */
    static String name(String output) {
        return output + "[:, -1]";
    }

    /** Whether both outputs are of rank 3 or more, with equal shapes and a sequence of at least one position. */
    static boolean applies(Tensor torch, Tensor onnx) {
        return torch.rank() >= 3 && Arrays.equals(torch.shape(), onnx.shape())
                && torch.shape()[torch.rank() - 2] >= 1 && torch.dtype() == onnx.dtype();
    }

    /** {@link #slice} of {@code t} when it has {@code like}'s shape; null otherwise (or for null). */
    static Tensor sliceOrNull(Tensor t, Tensor like) {
        return t == null || !Arrays.equals(t.shape(), like.shape()) ? null : slice(t);
    }

    /** The elements at the last index of axis rank-2; that axis removed from the shape. */
    static Tensor slice(Tensor t) {
        long[] s = t.shape();
        int r = s.length;
        if (r < 2 || s[r - 2] < 1) {
            throw new IllegalArgumentException("no sequence axis to slice in shape " + Tensor.shapeText(s));
        }
        long[] out = new long[r - 1];
        System.arraycopy(s, 0, out, 0, r - 2);
        out[r - 2] = s[r - 1];
        int classes = (int) s[r - 1];
        int seq = (int) s[r - 2];
        int rows = Math.toIntExact(Tensor.elementCount(out)) / Math.max(classes, 1);
        Object src = t.data();
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), rows * classes);
        for (int row = 0; row < rows; row++) {
            System.arraycopy(src, (row * seq + seq - 1) * classes, dst, row * classes, classes);
        }
        switch (t.dtype()) {
            case FLOAT32:
                return Tensor.ofFloats(out, (float[]) dst);
            case FLOAT64:
                return Tensor.ofDoubles(out, (double[]) dst);
            case INT64:
                return Tensor.ofLongs(out, (long[]) dst);
            case INT32:
                return Tensor.ofInts(out, (int[]) dst);
            default:
                return Tensor.ofBytes(t.dtype(), out, (byte[]) dst);
        }
    }
}
