package dev.parity.oracles;

import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Compares two classifiers' predictions on the same labelled samples with an exact McNemar test
 * (only discordant samples carry information; under the null each is equally likely to favour
 * either model) and a paired 95% interval for the accuracy difference. Pure.
 */
public final class AccuracyOracle {
    public static final double DEFAULT_ALPHA = 0.05;
    private static final double Z95 = 1.959963984540054;

    private AccuracyOracle() {}

    public static AccuracyFinding compare(long[] labels, long[] torchPred, long[] onnxPred, double alpha) {
        int n = labels.length;
        if (torchPred.length != n || onnxPred.length != n) {
            throw new IllegalArgumentException("labels and predictions differ in length");
        }
        int tc = 0;
        int oc = 0;
        int b = 0;
        int c = 0;
        for (int i = 0; i < n; i++) {
            boolean t = torchPred[i] == labels[i];
            boolean o = onnxPred[i] == labels[i];
            tc += t ? 1 : 0;
            oc += o ? 1 : 0;
            if (t && !o) {
                b++;
            } else if (o && !t) {
                c++;
            }
        }
        double p = exactMcNemar(b, c);
        double delta = n == 0 ? 0 : (double) (c - b) / n;
        double se = n == 0 ? 0 : Math.sqrt(Math.max(0, (b + c) - (double) (b - c) * (b - c) / n)) / n;
        return new AccuracyFinding(n, n == 0 ? 0 : (double) tc / n, n == 0 ? 0 : (double) oc / n, b, c, p, delta,
                delta - Z95 * se, delta + Z95 * se, alpha, p < alpha);
    }

    /** Two-sided exact McNemar p-value for b and c discordant pairs. */
    public static double exactMcNemar(int b, int c) {
        int m = b + c;
        if (m == 0) {
            return 1;
        }
        // Sum the lower tail in log space: the regularized-beta CDF underflows to 0 far in the tail.
        BinomialDistribution bin = new BinomialDistribution(null, m, 0.5);
        int k = Math.min(b, c);
        double max = Double.NEGATIVE_INFINITY;
        double[] logs = new double[k + 1];
        for (int i = 0; i <= k; i++) {
            logs[i] = bin.logProbability(i);
            max = Math.max(max, logs[i]);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return Math.min(1, 2 * Math.exp(max) * sum);
    }

    /** Argmax over the last axis of a (rows, classes) output. */
    public static long[] argmaxRows(dev.parity.tensor.Tensor logits) {
        long[] s = logits.shape();
        int classes = (int) s[s.length - 1];
        int rows = classes == 0 ? 0 : logits.size() / classes;
        long[] out = new long[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            double bv = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                double v = logits.getDouble(r * classes + k);
                if (v > bv) {
                    bv = v;
                    best = k;
                }
            }
            out[r] = best;
        }
        return out;
    }
}
