package dev.parity.oracles;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.Arrays;

/**
 * The tolerance oracle: a pure function from a reference output (torch) and a candidate output
 * (onnx) to an {@link OutputFinding}.
 *
 * <p>Rules, each pinned by a test:
 * <ul>
 *   <li>Shapes must be equal; otherwise the output is discrepant and no statistics are computed.
 *   <li>Element types must be equal; otherwise discrepant (values are still compared).
 *   <li>NaN in both at the same place is agreement; NaN in one only is a mismatch.
 *   <li>Infinities agree only with an infinity of the same sign.
 *   <li>{@code -0.0} equals {@code 0.0}; subnormals are ordinary numbers.
 *   <li>A finite element mismatches when {@code |onnx - torch| > atol + rtol * |torch|}.
 *   <li>An empty output is faithful when shapes and types agree.
 * </ul>
 * One pass over both arrays, no boxing and no per-element allocation.
 */
public final class ClosenessOracle {
    /** How many (torch, onnx) pairs a finding keeps for plots. */
    public static final int SAMPLE = 200;

    private ClosenessOracle() {}

    public static OutputFinding compare(String name, Tensor torch, Tensor onnx, Tolerance tol) {
        long[] st = torch.shape();
        long[] so = onnx.shape();
        if (!Arrays.equals(st, so)) {
            return new OutputFinding(name, Verdict.DISCREPANT,
                    "shape differs: torch " + Tensor.shapeText(st) + ", onnx " + Tensor.shapeText(so),
                    torch.dtype(), onnx.dtype(), st, so, tol, null, null);
        }
        Accumulator acc = new Accumulator(tol, torch.size());
        if (torch.dtype() == DType.FLOAT32 && onnx.dtype() == DType.FLOAT32) {
            float[] a = torch.floats();
            float[] b = onnx.floats();
            for (int i = 0; i < a.length; i++) {
                acc.add(a[i], b[i], i);
            }
        } else {
            double[] a = torch.dtype() == DType.FLOAT64 ? torch.doubles() : torch.toDoubleArray();
            double[] b = onnx.dtype() == DType.FLOAT64 ? onnx.doubles() : onnx.toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                acc.add(a[i], b[i], i);
            }
        }
        ErrorStats stats = acc.stats();
        WorstElement worst = acc.worst(st);
        String reason = null;
        if (torch.dtype() != onnx.dtype()) {
            reason = "element type differs: torch " + torch.dtype() + ", onnx " + onnx.dtype();
        } else if (stats.nonfiniteMismatches() > 0) {
            reason = "NaN/Inf placement differs at " + stats.nonfiniteMismatches() + " of " + stats.elements()
                    + " elements";
        } else if (stats.mismatches() > 0) {
            reason = stats.mismatches() + " of " + stats.elements() + " elements outside " + tol;
        }
        Verdict verdict = reason == null ? Verdict.FAITHFUL : Verdict.DISCREPANT;
        return new OutputFinding(name, verdict, reason, torch.dtype(), onnx.dtype(), st, so, tol, stats, worst, null, null,
                ErrorBins.of(acc.histogram), acc.sample(worst));
    }

    /** Single-pass accumulation of every statistic; final so the JIT inlines {@link #add}. */
    private static final class Accumulator {
        private final double atol;
        private final double rtol;
        private final ErrorHistogram histogram = new ErrorHistogram();
        private long n;
        private long finite;
        private double sumAbs;
        private double sumSq;
        private double dot;
        private double normA;
        private double normB;
        private double maxAbs;
        private double relNum;
        private double relDen = 1;
        private long mismatches;
        private long nonfinite;
        private int worstIndex = -1;
        private double worstErr = -1;
        private boolean worstNonfinite;
        private double worstA;
        private double worstB;

        private final int stride;
        private int untilSample = 1;
        private final java.util.ArrayList<double[]> sample = new java.util.ArrayList<>();

        Accumulator(Tolerance tol, int n) {
            this.atol = tol.atol();
            this.rtol = tol.rtol();
            this.stride = Math.max(1, (n + SAMPLE - 2) / (SAMPLE - 1));
        }

        java.util.List<double[]> sample(WorstElement worst) {
            if (worst != null && Double.isFinite(worst.torch()) && Double.isFinite(worst.onnx())) {
                sample.add(new double[] {worst.torch(), worst.onnx()});
            }
            return sample;
        }

        void add(double a, double b, int i) {
            n++;
            if (--untilSample == 0) {
                untilSample = stride;
                if (sample.size() < SAMPLE - 1 && Double.isFinite(a) && Double.isFinite(b)) {
                    sample.add(new double[] {a, b});
                }
            }
            if (Double.isFinite(a) && Double.isFinite(b)) {
                double err = Math.abs(a - b);
                double absA = Math.abs(a);
                finite++;
                sumAbs += err;
                sumSq += err * err;
                dot += a * b;
                normA += a * a;
                normB += b * b;
                histogram.record(err);
                if (err > maxAbs) {
                    maxAbs = err;
                }
                // max of err / |a| without a division per element: compare err * den > num * |a|
                if (err * relDen > relNum * absA) {
                    relNum = err;
                    relDen = absA;
                }
                if (err > atol + rtol * absA) {
                    mismatches++;
                }
                if (!worstNonfinite && err > worstErr) {
                    worstErr = err;
                    worstIndex = i;
                    worstA = a;
                    worstB = b;
                }
            } else if (!sameNonfinite(a, b)) {
                mismatches++;
                nonfinite++;
                if (!worstNonfinite) {
                    worstNonfinite = true;
                    worstIndex = i;
                    worstA = a;
                    worstB = b;
                }
            }
        }

        private static boolean sameNonfinite(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Double.isNaN(a) && Double.isNaN(b);
            }
            return a == b; // both infinite with the same sign, or one finite: a != b
        }

        ErrorStats stats() {
            double cosine;
            if (normA == 0 && normB == 0) {
                cosine = 1;
            } else if (normA == 0 || normB == 0) {
                cosine = 0;
            } else {
                cosine = dot / (Math.sqrt(normA) * Math.sqrt(normB));
            }
            double mean = finite == 0 ? 0 : sumAbs / finite;
            double rmse = finite == 0 ? 0 : Math.sqrt(sumSq / finite);
            double fraction = n == 0 ? 0 : (double) mismatches / n;
            double maxRel = relDen > 0 ? relNum / relDen : (relNum > 0 ? Double.POSITIVE_INFINITY : 0);
            return new ErrorStats(n, maxAbs, mean, Math.min(histogram.quantile(0.99), maxAbs), maxRel, rmse,
                    cosine, mismatches, fraction, nonfinite);
        }

        WorstElement worst(long[] shape) {
            if (worstIndex < 0) {
                return null;
            }
            return new WorstElement(Tensor.unravel(worstIndex, shape), worstA, worstB);
        }
    }
}
