package dev.parity.result;

/**
 * Warm inference latency of both engines on the same inputs: median, fastest and slowest of
 * {@code runs} timed calls after one warm-up call each, in milliseconds, and onnx median / torch median.
 */
public record Latency(int runs, double torchMedianMs, double torchMinMs, double torchMaxMs, double onnxMedianMs,
        double onnxMinMs, double onnxMaxMs, double ratio) {

    /**
     * Whether the two engines' ranges (fastest to slowest run) overlap: then the medians' ratio is no
     * difference the runs can show, and reports say so instead of a speed-up or slow-down.
     */
    public boolean spreadsOverlap() {
        return torchMinMs <= onnxMaxMs && onnxMinMs <= torchMaxMs;
    }

    /** Median, min and max of timings in milliseconds. */
    public static double[] summary(double[] ms) {
        double[] s = ms.clone();
        java.util.Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return new double[] {median, s[0], s[s.length - 1]};
    }
}
