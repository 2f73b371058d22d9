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
 * One pass over both arrays, no boxing and no per-element allocation. Float32 outputs take a fast
 * path: the Vector API loop ({@link VectorFloatPass}) where the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else an unrolled scalar loop ({@link FloatPass}).
 * Every other element type goes one element at a time through the scalar path, which
 * {@link #compareScalar} exposes so that tests hold both fast loops to it.
 */
public final class ClosenessOracle {
    /** How many (torch, onnx) pairs a finding keeps for plots. */
    public static final int SAMPLE = 200;

    /** How float32 outputs are walked; every path computes the same finding (sums up to their order). */
    enum FloatPath {
        /** One element at a time through the scalar path: the reference. */
        SCALAR,
        /** Two elements per step, plain Java. */
        UNROLLED,
        /** The Vector API loop; needs the module jdk.incubator.vector. */
        VECTOR
    }

    /** The module holding the Vector API; resolved only when the JVM is started with --add-modules. */
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final FloatPath FAST = vectorPass() ? FloatPath.VECTOR : FloatPath.UNROLLED;

    private ClosenessOracle() {}

    /**
     * Whether float32 outputs take the Vector API loop in this JVM: its module is in the boot layer
     * (the JVM then prints "WARNING: Using incubator modules" on stderr when it starts) and the
     * preferred vectors hold 4 or 8 doubles. A JVM without the module (a library user's) takes the
     * unrolled loop and gets the same findings.
     */
    static boolean vectorPass() {
        return vectorModule() && VectorFloatPass.suited();
    }

    /** Whether the Vector API's module is in the boot layer, so that {@link VectorFloatPass} can load. */
    static boolean vectorModule() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** The path {@link #compare(String, Tensor, Tensor, Tolerance)} takes for float32 outputs in this JVM. */
    static FloatPath fastPath() {
        return FAST;
    }

    public static OutputFinding compare(String name, Tensor torch, Tensor onnx, Tolerance tol) {
        return compare(name, torch, onnx, tol, FAST);
    }

    /**
     * The same comparison with every element, float32 ones included, taken one at a time by the
     * scalar path: the reference that the float32 fast paths must agree with (exactly, except sums,
     * which may differ by their summation order).
     */
    static OutputFinding compareScalar(String name, Tensor torch, Tensor onnx, Tolerance tol) {
        return compare(name, torch, onnx, tol, FloatPath.SCALAR);
    }

    /** The comparison with float32 outputs walked by {@code path} (tests pin each path to the scalar one). */
    static OutputFinding compare(String name, Tensor torch, Tensor onnx, Tolerance tol, FloatPath path) {
        long[] st = torch.shape();
        long[] so = onnx.shape();
        if (!Arrays.equals(st, so)) {
            return new OutputFinding(name, Verdict.DISCREPANT,
                    "shape differs: torch " + Tensor.shapeText(st) + ", onnx " + Tensor.shapeText(so),
                    torch.dtype(), onnx.dtype(), st, so, tol, null, null);
        }
        Accumulator acc = new Accumulator(tol, torch.size());
        if (path != FloatPath.SCALAR && torch.dtype() == DType.FLOAT32 && onnx.dtype() == DType.FLOAT32) {
            acc.floats(torch.floats(), onnx.floats(), path == FloatPath.VECTOR);
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

    /**
     * The smallest atol >= 0 at which the oracle's own test {@code e <= atol + r} accepts an element
     * with absolute error {@code e} and relative allowance {@code r = rtol * |torch|}, both evaluated
     * in double as the oracle evaluates them. That is {@code e - r} up to rounding; the search makes
     * it exact, since both {@code e - r} and {@code atol + r} round. Non-negative doubles order as
     * their bit patterns do, and {@code atol + r} grows with atol, so a bisection on the bits finds it.
     */
    static double neededAtol(double e, double r) {
        if (e <= r) {
            return 0;
        }
        double hi = e - r;
        if (!(hi + r >= e)) {
            hi = Math.nextUp(hi); // at or above the exact e - r, so hi + r >= e even after rounding
        }
        if (Math.nextDown(hi) + r < e) {
            return hi; // the usual case: the rounded difference is the answer
        }
        long lo = 0; // 0 fails: 0 + r = r < e
        long up = Double.doubleToRawLongBits(hi);
        while (up - lo > 1) {
            long mid = (lo + up) >>> 1;
            if (Double.longBitsToDouble(mid) + r >= e) {
                up = mid;
            } else {
                lo = mid;
            }
        }
        return Double.longBitsToDouble(up);
    }

    /** Whether two values of which one at least is NaN or infinite agree: both NaN, or the same infinity. */
    static boolean sameNonfinite(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        return a == b; // both infinite with the same sign, or one finite: a != b
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
        private double maxRel; // the largest err / |a| as a double quotient (err / 0 = infinity)
        private long mismatches;
        private long nonfinite;
        private double needed; // the largest neededAtol(e, rtol * |torch|) so far
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

        /**
         * The float32 fast path ({@link VectorFloatPass} or {@link FloatPass#unrolled}), folded into
         * this accumulator; the plot sample is taken afterwards from the strided positions only.
         */
        void floats(float[] a, float[] b, boolean vector) {
            FloatPass p = new FloatPass(atol, rtol, histogram.buckets(), a.length);
            if (vector) {
                VectorFloatPass.run(p, a, b);
            } else {
                p.unrolled(a, b);
            }
            p.mergeInto(histogram);
            n += a.length;
            finite += p.finite;
            sumAbs += p.sumAbs;
            sumSq += p.sumSq;
            dot += p.dot;
            normA += p.normA;
            normB += p.normB;
            mismatches += p.mismatches;
            nonfinite += p.nonfiniteMismatches;
            needed = p.needed;
            maxRel = p.maxRel;
            maxAbs = Math.max(maxAbs, Math.max(p.maxErr, 0));
            if (p.firstNonfinite >= 0) {
                worstNonfinite = true;
                worstIndex = p.firstNonfinite;
            } else {
                worstIndex = p.worstIndex(a, b);
                worstErr = p.maxErr;
            }
            if (worstIndex >= 0) {
                worstA = a[worstIndex];
                worstB = b[worstIndex];
            }
            for (int k = 0; k < a.length && sample.size() < SAMPLE - 1; k += stride) {
                if (Float.isFinite(a[k]) && Float.isFinite(b[k])) {
                    sample.add(new double[] {a[k], b[k]});
                }
            }
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
                // the largest quotient is the rounded largest ratio, since division rounds monotonically
                if (err > 0 && err / absA > maxRel) {
                    maxRel = err / absA;
                }
                double r = rtol * absA;
                if (err > atol + r) {
                    mismatches++;
                }
                if (err > needed + r) {
                    needed = neededAtol(err, r);
                }
                if (!worstNonfinite && err > worstErr) {
                    worstErr = err;
                    worstIndex = i;
                    worstA = a;
                    worstB = b;
                }
            } else {
                nonFinite(a, b, i);
            }
        }

        /** An element where a NaN or an infinity is involved: agreement only if both are the same. */
        private void nonFinite(double a, double b, int i) {
            if (!sameNonfinite(a, b)) {
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
            return new ErrorStats(n, maxAbs, mean, Math.min(histogram.quantile(0.99), maxAbs), maxRel, rmse,
                    cosine, mismatches, fraction, nonfinite, nonfinite > 0 ? Double.POSITIVE_INFINITY : needed);
        }

        WorstElement worst(long[] shape) {
            if (worstIndex < 0) {
                return null;
            }
            return new WorstElement(Tensor.unravel(worstIndex, shape), worstA, worstB);
        }
    }
}
