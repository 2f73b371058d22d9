package dev.parity.oracles;

import dev.parity.tensor.DType;

/**
 * What the oracle found for one output: the verdict and the evidence behind it, so reports never
 * recompute. {@code stats} and {@code worst} are null when shapes differ (nothing to align).
 *
 * @param name output name (the ONNX output name, else {@code output<i>})
 * @param verdict faithful or discrepant
 * @param reason one line saying why, for discrepant outputs; null when faithful
 */
public record OutputFinding(
        String name,
        Verdict verdict,
        String reason,
        DType dtypeTorch,
        DType dtypeOnnx,
        long[] shapeTorch,
        long[] shapeOnnx,
        Tolerance tolerance,
        ErrorStats stats,
        WorstElement worst) {

    /** An output that one side produced and the other did not. */
    public static OutputFinding missing(String name, String reason) {
        return new OutputFinding(name, Verdict.DISCREPANT, reason, null, null, null, null, null, null, null);
    }
}
