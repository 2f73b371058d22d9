package dev.parity.oracles;

/**
 * Accuracy of both models on labelled data and whether they differ beyond chance.
 *
 * @param samples labelled samples
 * @param torchAccuracy fraction the reference labels correctly
 * @param onnxAccuracy fraction the export labels correctly
 * @param torchOnlyCorrect discordant samples the reference gets right and the export wrong (b)
 * @param onnxOnlyCorrect discordant samples the export gets right and the reference wrong (c)
 * @param pValue exact two-sided McNemar p-value: 2 * P(Bin(b + c, 1/2) <= min(b, c)), at most 1
 * @param delta onnxAccuracy - torchAccuracy
 * @param deltaLow lower end of the 95% interval of delta (paired Wald)
 * @param deltaHigh upper end of the 95% interval of delta
 * @param alpha significance level of the verdict
 * @param discrepant pValue &lt; alpha
 * @param unjudged why the accuracy could not be judged (an engine failed on a batch, a model returned
 *     another number of rows than it was fed); the statistics are then NaN and {@code discrepant}
 *     false. Null when judged.
 */
public record AccuracyFinding(int samples, double torchAccuracy, double onnxAccuracy, int torchOnlyCorrect,
        int onnxOnlyCorrect, double pValue, double delta, double deltaLow, double deltaHigh, double alpha,
        boolean discrepant, String unjudged) {

    /** A judged accuracy. */
    public AccuracyFinding(int samples, double torchAccuracy, double onnxAccuracy, int torchOnlyCorrect,
            int onnxOnlyCorrect, double pValue, double delta, double deltaLow, double deltaHigh, double alpha,
            boolean discrepant) {
        this(samples, torchAccuracy, onnxAccuracy, torchOnlyCorrect, onnxOnlyCorrect, pValue, delta, deltaLow, deltaHigh,
                alpha, discrepant, null);
    }

    /** An accuracy that could not be judged on {@code samples} labelled samples, and why. */
    public static AccuracyFinding unjudged(int samples, double alpha, String reason) {
        return new AccuracyFinding(samples, Double.NaN, Double.NaN, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                alpha, false, java.util.Objects.requireNonNull(reason, "reason"));
    }
}
