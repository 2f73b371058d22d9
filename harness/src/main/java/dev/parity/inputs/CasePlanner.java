package dev.parity.inputs;

import dev.parity.errors.BadInputException;
import dev.parity.engine.TensorSpec;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a model's declared inputs, the user's {@code --input} overrides and the symbolic-dimension
 * sizes into the list of input cases a check runs: every regime at every size variant. With
 * symbolic sizes {1, 3} and a float input, that is 8 cases; a fully static model gets 4.
 *
 * <p>All validation happens here, before any inference: unknown names, type, rank and static
 * dimension conflicts are {@link BadInputException}s that name the flag and the valid values.
 */
public final class CasePlanner {
    /** Sizes tried for each free symbolic dimension when none are given. */
    public static final List<Long> DEFAULT_SYMBOLIC_SIZES = List.of(1L, 3L);
    /** Largest size a free symbolic dimension is tried at. */
    public static final long MAX_SYMBOLIC_SIZE = 65_536;
    /** Most elements one generated input may have (256 MiB of float32); real data has no such bound. */
    public static final long MAX_GENERATED_ELEMENTS = 1L << 26;

    private CasePlanner() {}

    public static List<InputCase> plan(List<TensorSpec> specs, List<InputOverride> overrides,
            List<Long> symbolicSizes, long seed) throws BadInputException {
        Map<String, InputOverride> byName = validateOverrides(specs, overrides);
        List<Long> sizes = symbolicSizes == null || symbolicSizes.isEmpty() ? DEFAULT_SYMBOLIC_SIZES : symbolicSizes;
        for (long s : sizes) {
            if (s < 1 || s > MAX_SYMBOLIC_SIZE) {
                throw new BadInputException("--symbolic-sizes must be in 1.." + MAX_SYMBOLIC_SIZE + ", got " + s);
            }
        }
        // Symbols fixed by an override take the override's size everywhere they appear.
        Map<String, Long> fixed = new LinkedHashMap<>();
        boolean free = false;
        for (TensorSpec spec : specs) {
            InputOverride o = byName.get(spec.name());
            for (int axis = 0; axis < spec.rank(); axis++) {
                if (!spec.isSymbolic(axis)) {
                    continue;
                }
                if (o != null && o.dims() != null) {
                    Long prev = fixed.put(spec.symbolKey(axis), o.dims()[axis]);
                    if (prev != null && prev != o.dims()[axis]) {
                        throw new BadInputException("--input flags disagree on symbolic dim '" + spec.symbolKey(axis)
                                + "': " + prev + " vs " + o.dims()[axis]);
                    }
                }
            }
        }
        for (TensorSpec spec : specs) {
            for (int axis = 0; axis < spec.rank(); axis++) {
                if (spec.isSymbolic(axis) && !fixed.containsKey(spec.symbolKey(axis))) {
                    free = true;
                }
            }
        }
        boolean anyFloat = specs.stream().anyMatch(s -> s.dtype().isFloating()
                && (byName.get(s.name()) == null || byName.get(s.name()).low() == null));
        InputRegime[] regimes = anyFloat ? InputRegime.floatingRegimes() : new InputRegime[] {InputRegime.DISCRETE};
        List<Long> variants = free ? sizes : List.of(-1L);
        List<InputCase> cases = new ArrayList<>();
        for (long size : variants) {
            List<ConcreteInput> concrete = new ArrayList<>();
            for (TensorSpec spec : specs) {
                InputOverride o = byName.get(spec.name());
                long[] shape = spec.dims();
                for (int axis = 0; axis < shape.length; axis++) {
                    if (spec.isSymbolic(axis)) {
                        shape[axis] = fixed.getOrDefault(spec.symbolKey(axis), size);
                    }
                }
                requireGeneratable(spec.name(), shape);
                concrete.add(new ConcreteInput(spec.name(), spec.dtype(), shape,
                        o == null ? null : o.low(), o == null ? null : o.high()));
            }
            for (InputRegime regime : regimes) {
                int index = cases.size();
                List<Tensor> tensors = new ArrayList<>();
                for (ConcreteInput in : concrete) {
                    tensors.add(InputGenerator.generate(seed, index, regime, in));
                }
                cases.add(new InputCase(index, regime, names(specs), tensors));
            }
        }
        return cases;
    }

    private static void requireGeneratable(String name, long[] shape) throws BadInputException {
        long n;
        try {
            n = Tensor.elementCount(shape);
        } catch (ArithmeticException e) {
            n = Long.MAX_VALUE;
        }
        if (n > MAX_GENERATED_ELEMENTS) {
            throw new BadInputException("input '" + name + "' would be generated at " + Tensor.shapeText(shape) + " ("
                    + (n == Long.MAX_VALUE ? "more than 2^63" : Long.toString(n)) + " elements); generated inputs are "
                    + "limited to " + MAX_GENERATED_ELEMENTS + " elements: use smaller --input dims or --symbolic-sizes, "
                    + "or real data with --inputs");
        }
    }

    private static List<String> names(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::name).collect(Collectors.toList());
    }

    private static Map<String, InputOverride> validateOverrides(List<TensorSpec> specs, List<InputOverride> overrides)
            throws BadInputException {
        Map<String, TensorSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        Map<String, InputOverride> out = new LinkedHashMap<>();
        for (InputOverride o : overrides == null ? List.<InputOverride>of() : overrides) {
            TensorSpec spec = byName.get(o.name());
            if (spec == null) {
                throw new BadInputException("--input names unknown input '" + o.name() + "', expected one of "
                        + byName.keySet());
            }
            if (out.put(o.name(), o) != null) {
                throw new BadInputException("--input given twice for '" + o.name() + "'");
            }
            if (spec.dtype() != o.dtype()) {
                throw new BadInputException("--input " + o.name() + ": element type " + o.dtype()
                        + " does not match the ONNX model's " + spec.dtype());
            }
            if (o.dims() != null) {
                checkShape("--input " + o.name(), spec, o.dims());
            }
        }
        return out;
    }

    private static void checkShape(String what, TensorSpec spec, long[] dims) throws BadInputException {
        if (dims.length != spec.rank()) {
            throw new BadInputException(what + ": rank " + dims.length + " (" + Tensor.shapeText(dims)
                    + ") does not match the ONNX model's rank " + spec.rank() + " (" + spec.dimsText() + ")");
        }
        for (int axis = 0; axis < dims.length; axis++) {
            if (!spec.isSymbolic(axis) && spec.dims()[axis] != dims[axis]) {
                throw new BadInputException(what + ": dim " + axis + " is " + dims[axis] + " but the ONNX model fixes it at "
                        + spec.dims()[axis] + " (" + spec.dimsText() + ")");
            }
        }
    }

    /**
     * One case from user data: an {@code .npz} file or a folder of {@code NAME.npy} files, one
     * array per model input, checked against the declared types, ranks and static dimensions.
     */
    public static InputCase fromFile(List<TensorSpec> specs, Path source) throws BadInputException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.list(source)) {
                    for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                        String fn = p.getFileName().toString();
                        if (fn.endsWith(".npy")) {
                            try (var in = Files.newInputStream(p)) {
                                arrays.put(fn.substring(0, fn.length() - 4), Npy.read(in));
                            } catch (IOException e) {
                                throw new IOException(fn + ": " + e.getMessage(), e);
                            }
                        }
                    }
                }
            } else if (Files.isRegularFile(source) && source.toString().endsWith(".npy") && specs.size() == 1) {
                try (var in = Files.newInputStream(source)) {
                    arrays.put(specs.get(0).name(), Npy.read(in));
                }
            } else if (Files.isRegularFile(source)) {
                arrays.putAll(Npy.readNpz(source));
            } else {
                throw new BadInputException("--inputs not found: " + source);
            }
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("--inputs " + source + ": " + e.getMessage(), e);
        }
        List<Tensor> tensors = new ArrayList<>();
        for (TensorSpec spec : specs) {
            Tensor t = arrays.remove(spec.name());
            if (t == null) {
                throw new BadInputException("--inputs " + source + " has no array for input '" + spec.name()
                        + "' (model inputs: " + names(specs) + ")");
            }
            if (t.dtype() != spec.dtype()) {
                throw new BadInputException("--inputs " + source + ": array '" + spec.name() + "' is " + t.dtype()
                        + " but the ONNX model expects " + spec.dtype());
            }
            checkShape("--inputs array '" + spec.name() + "'", spec, t.shape());
            tensors.add(t);
        }
        if (!arrays.isEmpty()) {
            throw new BadInputException("--inputs " + source + " has arrays " + arrays.keySet()
                    + " that match no model input (model inputs: " + names(specs) + ")");
        }
        return new InputCase(0, InputRegime.DATA, names(specs), tensors);
    }


}
