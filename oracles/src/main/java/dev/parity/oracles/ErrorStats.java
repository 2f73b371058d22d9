package dev.parity.oracles;

/**
 * Error statistics of one output, computed over the elements where both values are finite
 * (non-finite disagreements are counted in {@code mismatches} and {@code nonfiniteMismatches}).
 *
 * @param elements number of elements compared
 * @param maxAbs largest |onnx - torch|
 * @param meanAbs mean |onnx - torch|
 * @param p99Abs 99th percentile of |onnx - torch| (histogram estimate, at most 0.8% high)
 * @param maxRel largest |onnx - torch| / |torch| (infinite where torch is 0 and onnx is not)
 * @param rmse root mean square error
 * @param cosine cosine similarity of the two outputs as vectors (1 when both are all zero)
 * @param mismatches elements outside the tolerance, non-finite disagreements included
 * @param mismatchFraction mismatches / elements (0 for an empty output)
 * @param nonfiniteMismatches elements where NaN or infinity placement differs
 * @param neededAtol the smallest absolute tolerance that would have passed at the same rtol (as
 *     Polygraphy reports it): about max(|onnx - torch| - rtol * |torch|), exactly the smallest atol
 *     at which the oracle's own test accepts every finite element, so the output is discrepant at
 *     atol {@code A} (same rtol) exactly when {@code neededAtol > A}; 0 when nothing exceeds rtol,
 *     infinite when NaN/Inf placement differs; null in results written before it was recorded
 */
public record ErrorStats(
        long elements,
        double maxAbs,
        double meanAbs,
        double p99Abs,
        double maxRel,
        double rmse,
        double cosine,
        long mismatches,
        double mismatchFraction,
        long nonfiniteMismatches,
        Double neededAtol) {}
