package dev.parity.oracles;

import dev.parity.tensor.DType;
import java.util.Map;

/**
 * Which {@link Tolerance} applies to which output: per-dtype defaults, optionally overridden
 * globally ({@code --atol}/{@code --rtol}, each on its own) and per output name ({@code --tol}).
 *
 * <p>Defaults: float32 atol 1e-5 / rtol 1.3e-6 (torch.testing's), float64 1e-7 / 1e-7, integer
 * and bool outputs exact.
 *
 * @param atol global absolute tolerance override for floating outputs, or null
 * @param rtol global relative tolerance override for floating outputs, or null
 * @param perOutput tolerances by output name; they win over everything else
 */
public record ToleranceConfig(Double atol, Double rtol, Map<String, Tolerance> perOutput) {
    public static final Tolerance FLOAT32_DEFAULT = new Tolerance(1e-5, 1.3e-6);
    public static final Tolerance FLOAT64_DEFAULT = new Tolerance(1e-7, 1e-7);
    public static final Tolerance EXACT = new Tolerance(0, 0);

    /** @throws IllegalArgumentException for a negative, NaN or infinite tolerance, naming it */
    public ToleranceConfig {
        perOutput = perOutput == null ? Map.of() : Map.copyOf(perOutput);
        if (atol != null) {
            requireFinite("atol (--atol)", atol);
        }
        if (rtol != null) {
            requireFinite("rtol (--rtol)", rtol);
        }
        for (Map.Entry<String, Tolerance> e : perOutput.entrySet()) {
            requireFinite("atol of output '" + e.getKey() + "' (--tol)", e.getValue().atol());
            requireFinite("rtol of output '" + e.getKey() + "' (--tol)", e.getValue().rtol());
        }
    }

    private static void requireFinite(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + v);
        }
    }

    public static ToleranceConfig defaults() {
        return new ToleranceConfig(null, null, Map.of());
    }

    /** The tolerance for output {@code name} whose reference element type is {@code dtype}. */
    public Tolerance forOutput(String name, DType dtype) {
        Tolerance explicit = perOutput.get(name);
        if (explicit != null) {
            return explicit;
        }
        Tolerance base = defaultFor(dtype);
        if (!dtype.isFloating()) {
            return base;
        }
        return new Tolerance(atol != null ? atol : base.atol(), rtol != null ? rtol : base.rtol());
    }

    public static Tolerance defaultFor(DType dtype) {
        switch (dtype) {
            case FLOAT32: return FLOAT32_DEFAULT;
            case FLOAT64: return FLOAT64_DEFAULT;
            default: return EXACT;
        }
    }
}
