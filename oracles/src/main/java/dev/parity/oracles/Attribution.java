package dev.parity.oracles;

/**
 * How much of an output's error the converter owns, measured against a float64 twin of the
 * reference: {@code onnxErr} is the export's error, {@code torchErr} the float32 reference's own
 * rounding error, both as max |x - ref64| over the output divided by the RMS of ref64; {@code ratio}
 * is onnxErr / max(torchErr, 2^-24).
 *
 * <p>In tolerance mode (no twin) the same fields hold the export's deviation from the float32
 * reference and the reference's own movement under a one-ulp input perturbation.
 *
 * @param discrepant whether the rule (ratio above its threshold and onnxErr above the floor) fired
 */
public record Attribution(double onnxErr, double torchErr, double ratio, boolean discrepant) {}
