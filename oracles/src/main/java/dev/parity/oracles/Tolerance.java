package dev.parity.oracles;

/**
 * An element-wise closeness rule: {@code |onnx - torch| <= atol + rtol * |torch|}, the reference
 * (torch) on the right-hand side as in {@code torch.testing.assert_close}.
 */
public record Tolerance(double atol, double rtol) {
    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("tolerances must be non-negative numbers, got atol=" + atol
                    + " rtol=" + rtol);
        }
    }

    /** Whether an absolute error {@code err} against reference value {@code ref} is acceptable. */
    public boolean accepts(double err, double ref) {
        return err <= atol + rtol * Math.abs(ref);
    }

    @Override
    public String toString() {
        return "atol " + atol + " rtol " + rtol;
    }
}
