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
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a model's declared inputs, the user's {@code --input} overrides, the inputs' roles and the
 * symbolic-dimension sizes into the list of input cases a check runs: every regime at every size
 * variant (and every padding pattern, when some input is an attention mask). With symbolic sizes
 * {1, 3} and a float input, that is 8 cases; a fully static model gets 4; a text model with ids, mask
 * and symbolic batch and sequence 2 x 3 x 3 = 18.
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

    /** Sizes of the sequence symbol of a text model (token ids with a free axis 1) when none are given. */
    public static final List<Long> DEFAULT_SEQUENCE_SIZES = List.of(1L, 8L, 32L);
    /** Most size variants a per-symbol sweep may make (their product over the free symbols). */
    public static final int MAX_SIZE_VARIANTS = 64;

    /** Cases without roles or per-symbol sizes: every size of {@code symbolicSizes} for all free symbols together. */
    public static List<InputCase> plan(List<TensorSpec> specs, List<InputOverride> overrides,
            List<Long> symbolicSizes, long seed) throws BadInputException {
        return plan(specs, overrides, List.of(), symbolicSizes, Map.of(), seed);
    }

    /**
     * Every regime at every size variant and, when some input is an attention mask, every padding pattern.
     *
     * <p>Size variants: with no per-symbol sizes and no text role, each size of {@code symbolicSizes} (default
     * {@link #DEFAULT_SYMBOLIC_SIZES}) is given to every free symbol at once, as before roles existed. With
     * per-symbol sizes, or token ids whose axis 1 is a free symbol (which then defaults to
     * {@link #DEFAULT_SEQUENCE_SIZES} unless {@code symbolicSizes} was given), the variants are the product
     * over the free symbols of each one's sizes, at most {@link #MAX_SIZE_VARIANTS}.
     *
     * @param roles roles from a manifest, {@code --role} flags and inference, in any order: a manifest's or a
     *     flag's wins over an inferred one, an inferred one is dropped for an input whose {@code --input}
     *     gives a range, and {@link InputRole.Kind#NONE} leaves an input without a role
     * @param symbolicSizes sizes of the free symbols; empty: not given (the defaults apply)
     * @param symbolSizes sizes of single symbols by name ({@code --symbolic-sizes seq=1,8,16})
     */
    public static List<InputCase> plan(List<TensorSpec> specs, List<InputOverride> overrides, List<RoleAssignment> roles,
            List<Long> symbolicSizes, Map<String, List<Long>> symbolSizes, long seed) throws BadInputException {
        Map<String, InputOverride> byName = validateOverrides(specs, overrides);
        boolean sizesGiven = symbolicSizes != null && !symbolicSizes.isEmpty();
        List<Long> sizes = sizesGiven ? symbolicSizes : DEFAULT_SYMBOLIC_SIZES;
        requireSizes("--symbolic-sizes", sizes);
        Map<String, RoleAssignment> role = resolveRoles(specs, byName, roles == null ? List.of() : roles);
        // Symbols fixed by an override take the override's size everywhere they appear.
        Map<String, Long> fixed = new LinkedHashMap<>();
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
        Set<String> symbols = new LinkedHashSet<>();
        Set<String> free = new LinkedHashSet<>();
        for (TensorSpec spec : specs) {
            for (int axis = 0; axis < spec.rank(); axis++) {
                if (spec.isSymbolic(axis)) {
                    symbols.add(spec.symbolKey(axis));
                    if (!fixed.containsKey(spec.symbolKey(axis))) {
                        free.add(spec.symbolKey(axis));
                    }
                }
            }
        }
        Map<String, List<Long>> perSymbol = new LinkedHashMap<>();
        for (var e : (symbolSizes == null ? Map.<String, List<Long>>of() : symbolSizes).entrySet()) {
            String sym = e.getKey();
            if (!symbols.contains(sym)) {
                throw new BadInputException("--symbolic-sizes names '" + sym + "', which is no symbolic dim of the model's "
                        + "inputs (its symbols: " + symbols + ")");
            }
            if (fixed.containsKey(sym)) {
                throw new BadInputException("--symbolic-sizes " + sym + "=... conflicts with --input, which fixes '" + sym
                        + "' at " + fixed.get(sym));
            }
            requireSizes("--symbolic-sizes " + sym + "=N", e.getValue());
            perSymbol.put(sym, List.copyOf(e.getValue()));
        }
        if (!sizesGiven) {
            for (TensorSpec spec : specs) {
                RoleAssignment a = role.get(spec.name());
                if (a != null && a.role().kind() == InputRole.Kind.TOKEN_IDS && spec.rank() >= 2 && spec.isSymbolic(1)
                        && free.contains(spec.symbolKey(1))) {
                    perSymbol.putIfAbsent(spec.symbolKey(1), DEFAULT_SEQUENCE_SIZES);
                }
            }
        }
        List<Map<String, Long>> variants = sizeVariants(free, sizes, perSymbol);
        boolean anyFloat = specs.stream().anyMatch(s -> s.dtype().isFloating() && !role.containsKey(s.name())
                && (byName.get(s.name()) == null || byName.get(s.name()).low() == null));
        InputRegime[] regimes = anyFloat ? InputRegime.floatingRegimes() : new InputRegime[] {InputRegime.DISCRETE};
        boolean masked = role.values().stream().anyMatch(a -> a.role().kind() == InputRole.Kind.ATTENTION_MASK);
        List<PaddingPattern> paddings = masked ? List.of(PaddingPattern.values()) : java.util.Collections.singletonList(null);
        List<InputCase> cases = new ArrayList<>();
        for (Map<String, Long> variant : variants) {
            List<ConcreteInput> concrete = new ArrayList<>();
            for (TensorSpec spec : specs) {
                InputOverride o = byName.get(spec.name());
                long[] shape = spec.dims();
                for (int axis = 0; axis < shape.length; axis++) {
                    if (spec.isSymbolic(axis)) {
                        String key = spec.symbolKey(axis);
                        shape[axis] = fixed.containsKey(key) ? fixed.get(key) : variant.get(key);
                    }
                }
                requireGeneratable(spec.name(), shape);
                concrete.add(new ConcreteInput(spec.name(), spec.dtype(), shape,
                        o == null ? null : o.low(), o == null ? null : o.high()));
            }
            for (PaddingPattern padding : paddings) {
                for (InputRegime regime : regimes) {
                    int index = cases.size();
                    List<Tensor> tensors = new ArrayList<>();
                    for (ConcreteInput in : concrete) {
                        RoleAssignment a = role.get(in.name());
                        tensors.add(a == null ? InputGenerator.generate(seed, index, regime, in)
                                : InputGenerator.generate(seed, index, in, a.role(), padding));
                    }
                    cases.add(new InputCase(index, regime, names(specs), tensors, role, padding));
                }
            }
        }
        return cases;
    }

    /**
     * The size of every free symbol in each variant. Without per-symbol sizes, one variant per size, all
     * free symbols at it (no free symbol: one empty variant); with them, the product over the free symbols
     * in order of appearance, the first varying slowest.
     */
    static List<Map<String, Long>> sizeVariants(Set<String> free, List<Long> sizes, Map<String, List<Long>> perSymbol)
            throws BadInputException {
        List<Map<String, Long>> out = new ArrayList<>();
        if (free.isEmpty()) {
            out.add(Map.of());
            return out;
        }
        if (perSymbol.isEmpty()) {
            for (long s : sizes) {
                Map<String, Long> v = new LinkedHashMap<>();
                free.forEach(f -> v.put(f, s));
                out.add(v);
            }
            return out;
        }
        long count = 1;
        List<String> parts = new ArrayList<>();
        for (String f : free) {
            List<Long> l = perSymbol.getOrDefault(f, sizes);
            count *= l.size();
            parts.add(f + " " + l);
        }
        if (count > MAX_SIZE_VARIANTS) {
            throw new BadInputException("--symbolic-sizes: " + count + " size variants (" + String.join(" x ", parts)
                    + ") exceed " + MAX_SIZE_VARIANTS + "; give fewer sizes per symbol (CheckRequest symbolSizes)");
        }
        out.add(new LinkedHashMap<>());
        for (String f : free) {
            List<Map<String, Long>> next = new ArrayList<>();
            for (Map<String, Long> v : out) {
                for (long s : perSymbol.getOrDefault(f, sizes)) {
                    Map<String, Long> w = new LinkedHashMap<>(v);
                    w.put(f, s);
                    next.add(w);
                }
            }
            out = next;
        }
        return out;
    }

    private static void requireSizes(String flag, List<Long> sizes) throws BadInputException {
        if (sizes == null || sizes.isEmpty()) {
            throw new BadInputException(flag + " needs at least one size");
        }
        for (long s : sizes) {
            if (s < 1 || s > MAX_SYMBOLIC_SIZE) {
                throw new BadInputException(flag + " must be in 1.." + MAX_SYMBOLIC_SIZE + ", got " + s);
            }
        }
    }

    /** One past the largest value an integer type holds; -1 for a type that is not an integer. */
    private static long integerLimit(DType t) {
        return t == DType.INT64 ? Long.MAX_VALUE : t == DType.INT32 ? (long) Integer.MAX_VALUE + 1
                : t == DType.INT8 ? 128 : t == DType.UINT8 ? 256 : -1;
    }

    /**
     * One role per input at most: a manifest's or flag's over an inferred one; an inferred one is dropped
     * where {@code --input} gives a range; NONE removes the role. Token ids and token-type ids need an
     * integer input whose type holds their range; a given role and an {@code --input} range on one input
     * are refused, as are two given roles.
     */
    static Map<String, RoleAssignment> resolveRoles(List<TensorSpec> specs, Map<String, InputOverride> overrides,
            List<RoleAssignment> roles) throws BadInputException {
        Map<String, TensorSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        Map<String, RoleAssignment> given = new LinkedHashMap<>();
        Map<String, RoleAssignment> inferred = new LinkedHashMap<>();
        for (RoleAssignment a : roles) {
            TensorSpec spec = byName.get(a.input());
            String flag = a.origin() == RoleAssignment.Origin.MANIFEST ? "manifest role" : "--role";
            if (spec == null) {
                throw new BadInputException(flag + " names unknown input '" + a.input() + "', expected one of "
                        + byName.keySet());
            }
            if (a.origin() == RoleAssignment.Origin.INFERRED) {
                long max = integerLimit(spec.dtype());
                if (InputRole.takesRange(a.role().kind()) && max < 0) {
                    continue;
                }
                if (InputRole.takesRange(a.role().kind()) && a.role().high() > max) {
                    // a vocabulary larger than the input's type can hold: ids stay within what the type holds
                    a = new RoleAssignment(a.input(), new InputRole(a.role().kind(), a.role().low(), max), a.origin(),
                            a.evidence() + "; capped at " + spec.dtype().label() + "'s " + max);
                }
                inferred.putIfAbsent(a.input(), a);
                continue;
            }
            if (given.put(a.input(), a) != null) {
                throw new BadInputException(flag + " given twice for '" + a.input() + "'");
            }
            InputOverride o = overrides.get(a.input());
            if (a.role().kind() != InputRole.Kind.NONE && o != null && o.low() != null) {
                throw new BadInputException(flag + " " + a.input() + "=" + a.role().label() + " and the range of --input "
                        + a.input() + " both set its values; give one");
            }
            if (InputRole.takesRange(a.role().kind())) {
                DType t = spec.dtype();
                long max = integerLimit(t);
                if (max < 0) {
                    throw new BadInputException(flag + " " + a.input() + "=" + a.role().label() + ": " + a.role().kind().label()
                            + " need an integer input, but '" + a.input() + "' is " + t);
                }
                if (a.role().high() > max) {
                    throw new BadInputException(flag + " " + a.input() + "=" + a.role().label() + ": " + t
                            + " cannot hold values up to " + (a.role().high() - 1));
                }
            }
        }
        Map<String, RoleAssignment> out = new LinkedHashMap<>();
        for (TensorSpec spec : specs) {
            RoleAssignment a = given.get(spec.name());
            if (a == null) {
                a = inferred.get(spec.name());
                InputOverride o = overrides.get(spec.name());
                if (a != null && o != null && o.low() != null) {
                    a = null;
                }
            }
            if (a != null && a.role().kind() != InputRole.Kind.NONE) {
                out.put(spec.name(), a);
            }
        }
        return out;
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
