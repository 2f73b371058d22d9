package dev.parity.check;

import dev.parity.errors.BadInputException;
import dev.parity.engine.TensorSpec;
import dev.parity.inputs.Npy;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A labelled data set for the accuracy oracle: one array per model input (samples on axis 0) and
 * an int64 {@code labels} array, read from an {@code .npz}; split into batches the model accepts.
 */
public final class LabelledData {
    public static final String LABELS = "labels";
    private static final int DEFAULT_BATCH = 64;

    private final List<Tensor> inputs;
    private final long[] labels;

    private LabelledData(List<Tensor> inputs, long[] labels) {
        this.inputs = inputs;
        this.labels = labels;
    }

    public long[] labels() {
        return labels.clone();
    }

    public int size() {
        return labels.length;
    }

    /** Reads and validates {@code file} against the model's inputs. */
    public static LabelledData load(Path file, List<TensorSpec> specs) throws BadInputException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("--dataset not found: " + file);
        }
        Map<String, Tensor> arrays;
        try {
            arrays = Npy.readNpz(file);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("--dataset " + file + ": " + e.getMessage(), e);
        }
        Tensor lab = arrays.get(LABELS);
        if (lab == null || lab.rank() != 1 || lab.dtype() != DType.INT64) {
            throw new BadInputException("--dataset " + file + " needs an int64 array 'labels' of rank 1 (found "
                    + (lab == null ? "none" : lab) + ")");
        }
        int n = lab.size();
        List<Tensor> in = new ArrayList<>();
        for (TensorSpec spec : specs) {
            Tensor t = arrays.get(spec.name());
            if (t == null) {
                throw new BadInputException("--dataset " + file + " has no array for input '" + spec.name()
                        + "' (arrays: " + arrays.keySet() + ")");
            }
            if (t.dtype() != spec.dtype() || t.rank() != spec.rank() || t.shape()[0] != n) {
                throw new BadInputException("--dataset " + file + ": array '" + spec.name() + "' is " + t.dtype() + " "
                        + Tensor.shapeText(t.shape()) + "; expected " + spec.dtype() + " with " + n
                        + " samples on axis 0 and the model's rank " + spec.rank());
            }
            for (int axis = 1; axis < spec.rank(); axis++) {
                if (!spec.isSymbolic(axis) && spec.dims()[axis] != t.shape()[axis]) {
                    throw new BadInputException("--dataset " + file + ": array '" + spec.name() + "' dim " + axis + " is "
                            + t.shape()[axis] + " but the model fixes it at " + spec.dims()[axis]);
                }
            }
            in.add(t);
        }
        return new LabelledData(List.copyOf(in), lab.longs());
    }

    /**
     * Batches in sample order. A model whose batch axis is symbolic gets batches of up to 64; one
     * with a static batch size B gets exactly B rows, the last batch padded with its own first row
     * ({@link Batch#valid} says how many rows count).
     */
    public List<Batch> batches(List<TensorSpec> specs) {
        long fixed = specs.isEmpty() || specs.get(0).isSymbolic(0) ? -1 : specs.get(0).dims()[0];
        int size = fixed > 0 ? (int) fixed : DEFAULT_BATCH;
        List<Batch> out = new ArrayList<>();
        for (int start = 0; start < labels.length; start += size) {
            int valid = Math.min(size, labels.length - start);
            int rows = fixed > 0 ? size : valid;
            List<Tensor> b = new ArrayList<>();
            for (Tensor t : inputs) {
                b.add(rows(t, start, valid, rows));
            }
            out.add(new Batch(b, valid));
        }
        return out;
    }

    /** One batch: tensors in input order and the number of real (unpadded) rows. */
    public record Batch(List<Tensor> tensors, int valid) {}

    private static Tensor rows(Tensor t, int start, int valid, int rows) {
        long[] shape = t.shape();
        int per = (int) (Tensor.elementCount(shape) / Math.max(1, shape[0]));
        shape[0] = rows;
        Object src = t.data();
        Object dst = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), rows * per);
        System.arraycopy(src, start * per, dst, 0, valid * per);
        for (int r = valid; r < rows; r++) {
            System.arraycopy(src, start * per, dst, r * per, per);
        }
        switch (t.dtype()) {
            case FLOAT32: return Tensor.ofFloats(shape, (float[]) dst);
            case FLOAT64: return Tensor.ofDoubles(shape, (double[]) dst);
            case INT64: return Tensor.ofLongs(shape, (long[]) dst);
            case INT32: return Tensor.ofInts(shape, (int[]) dst);
            default: return Tensor.ofBytes(t.dtype(), shape, (byte[]) dst);
        }
    }
}
