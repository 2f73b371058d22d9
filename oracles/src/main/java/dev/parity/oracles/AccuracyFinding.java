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
 */
public record AccuracyFinding(int samples, double torchAccuracy, double onnxAccuracy, int torchOnlyCorrect,
        int onnxOnlyCorrect, double pValue, double delta, double deltaLow, double deltaHigh, double alpha,
        boolean discrepant) {}
