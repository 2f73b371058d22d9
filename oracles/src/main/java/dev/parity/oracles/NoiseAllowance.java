package dev.parity.oracles;

/**
 * How tolerance mode widened one output's absolute tolerance: {@code movement} is J, the float32
 * reference's largest output change under a one-ulp input perturbation, {@code factor} is the noise
 * factor K, and {@code baseAtol} the atol before widening. The output was judged at
 * {@code atolAt(factor)}; with the finding's {@link ErrorStats#neededAtol()} its verdict at any
 * other factor follows exactly, without re-running anything ({@link #discrepantAt}).
 */
public record NoiseAllowance(double movement, double factor, double baseAtol) {

    /** The absolute tolerance at noise factor {@code k}: {@code max(baseAtol, k * movement)}. */
    public double atolAt(double k) {
        return Math.max(baseAtol, k * movement);
    }

    /**
     * Whether an output that needs {@code neededAtol} is discrepant at noise factor {@code k}: the
     * tolerance-mode verdict of a floating output whose element types and NaN/Inf placement agree
     * (other outputs are discrepant or not whatever the factor).
     */
    public boolean discrepantAt(double neededAtol, double k) {
        return neededAtol > atolAt(k);
    }
}
