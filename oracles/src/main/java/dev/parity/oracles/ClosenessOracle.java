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
 * One pass over both arrays, no boxing and no per-element allocation. Float32 outputs take an
 * unrolled fast path; every other element type goes one element at a time through the scalar path,
 * which {@link #compareScalar} exposes so that tests hold the fast path to it.
 */
public final class ClosenessOracle {
    /** How many (torch, onnx) pairs a finding keeps for plots. */
    public static final int SAMPLE = 200;

    private ClosenessOracle() {}

    public static OutputFinding compare(String name, Tensor torch, Tensor onnx, Tolerance tol) {
        return compare(name, torch, onnx, tol, true);
    }

    /**
     * The same comparison with every element, float32 ones included, taken one at a time by the
     * scalar path: the reference that the float32 fast path must agree with (exactly, except sums,
     * which may differ by their summation order).
     */
    static OutputFinding compareScalar(String name, Tensor torch, Tensor onnx, Tolerance tol) {
        return compare(name, torch, onnx, tol, false);
    }

    private static OutputFinding compare(String name, Tensor torch, Tensor onnx, Tolerance tol, boolean fast) {
        long[] st = torch.shape();
        long[] so = onnx.shape();
        if (!Arrays.equals(st, so)) {
            return new OutputFinding(name, Verdict.DISCREPANT,
                    "shape differs: torch " + Tensor.shapeText(st) + ", onnx " + Tensor.shapeText(so),
                    torch.dtype(), onnx.dtype(), st, so, tol, null, null);
        }
        Accumulator acc = new Accumulator(tol, torch.size());
        if (fast && torch.dtype() == DType.FLOAT32 && onnx.dtype() == DType.FLOAT32) {
            acc.floats(torch.floats(), onnx.floats());
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

    /** The needed atol after element (x torch, y onnx): {@code need}, or more if the element fails at it. */
    private static double raiseNeeded(double need, double x, double y, double rtol) {
        double e = Math.abs(x - y);
        double r = rtol * Math.abs(x);
        return e > need + r ? neededAtol(e, r) : need;
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
         * The float32 fast path: every statistic in one pass with local accumulators, two interleaved
         * histogram arrays (consecutive equal buckets would otherwise serialise on the same counter),
         * no division, and non-finite elements handed to {@link #add}. The plot sample is taken
         * afterwards from the strided positions only.
         */
        void floats(float[] a, float[] b) {
            int[] h0 = histogram.buckets();
            int[] h1 = ErrorHistogram.newBuckets();
            int[] h2 = ErrorHistogram.newBuckets();
            int[] h3 = ErrorHistogram.newBuckets();
            // Two independent sets of accumulators (even and odd elements): each floating-point sum is
            // a dependency chain, and two chains per statistic halve the time spent waiting on adds.
            double abs0 = 0;
            double abs1 = 0;
            double sq0 = 0;
            double sq1 = 0;
            double dot0 = 0;
            double dot1 = 0;
            double na0 = 0;
            double na1 = 0;
            double nb0 = 0;
            double nb1 = 0;
            double wErr = -1;
            int wIdx = -1;
            double need = 0;
            double rNum = 0;
            double rDen = 1;
            long mis = 0;
            long fin = 0;
            final double at = atol;
            final double rt = rtol;
            final int len = a.length;
            int i = 0;
            int resume = len & ~1; // where the scalar loop starts: the odd tail, or the first non-finite pair
            // The pair loop is left for a non-finite pair (for good: the scalar loop takes over) and for a
            // pair that raises the needed atol (found here, outside the loop, then the pair is taken
            // again): the search inside the loop, however rarely run, made the whole loop 1.7x slower.
            pairs:
            for (;;) {
                for (; i + 1 < len; i += 2) {
                    double x0 = a[i];
                    double y0 = b[i];
                    double x1 = a[i + 1];
                    double y1 = b[i + 1];
                    double e0 = Math.abs(x0 - y0);
                    double e1 = Math.abs(x1 - y1);
                    // NaN or infinity in an operand makes the difference non-finite (float32 values
                    // cannot overflow a double)
                    if (!(e0 <= Double.MAX_VALUE) || !(e1 <= Double.MAX_VALUE)) {
                        resume = i; // the scalar loop below takes these two elements one at a time
                        break pairs;
                    }
                    double ax0 = Math.abs(x0);
                    double ax1 = Math.abs(x1);
                    double r0 = rt * ax0;
                    double r1 = rt * ax1;
                    // the oracle's own test at atol = need: a pair that fails it raises the needed atol
                    if (e0 > need + r0 || e1 > need + r1) {
                        break;
                    }
                    abs0 += e0;
                    abs1 += e1;
                    sq0 += e0 * e0;
                    sq1 += e1 * e1;
                    dot0 += x0 * y0;
                    dot1 += x1 * y1;
                    na0 += x0 * x0;
                    na1 += x1 * x1;
                    nb0 += y0 * y0;
                    nb1 += y1 * y1;
                    // four bucket arrays in rotation: equal buckets in a row would otherwise wait on each
                    // other's stores
                    boolean even = (i & 2) == 0;
                    (even ? h0 : h2)[Float.floatToRawIntBits((float) e0) >>> 16]++;
                    (even ? h1 : h3)[Float.floatToRawIntBits((float) e1) >>> 16]++;
                    mis += (e0 > at + r0 ? 1 : 0) + (e1 > at + r1 ? 1 : 0);
                    if (e0 > wErr || e1 > wErr) {
                        if (e0 >= e1) {
                            if (e0 > wErr) {
                                wErr = e0;
                                wIdx = i;
                            }
                        } else {
                            wErr = e1;
                            wIdx = i + 1;
                        }
                    }
                    if (e0 * rDen > rNum * ax0) {
                        rNum = e0;
                        rDen = ax0;
                    }
                    if (e1 * rDen > rNum * ax1) {
                        rNum = e1;
                        rDen = ax1;
                    }
                    fin += 2;
                }
                if (i + 1 >= len) {
                    break;
                }
                need = raiseNeeded(need, a[i], b[i], rt);
                need = raiseNeeded(need, a[i + 1], b[i + 1], rt);
            }
            for (i = resume; i < len; i++) { // the odd tail, and everything from a non-finite pair on
                double x = a[i];
                double y = b[i];
                double e = Math.abs(x - y);
                if (!(e <= Double.MAX_VALUE)) {
                    n++;
                    nonFinite(x, y, i);
                    continue;
                }
                double ax = Math.abs(x);
                abs0 += e;
                sq0 += e * e;
                dot0 += x * y;
                na0 += x * x;
                nb0 += y * y;
                h0[Float.floatToRawIntBits((float) e) >>> 16]++;
                double r = rt * ax;
                mis += e > at + r ? 1 : 0;
                if (e > need + r) {
                    need = neededAtol(e, r);
                }
                if (e > wErr) {
                    wErr = e;
                    wIdx = i;
                }
                if (e * rDen > rNum * ax) {
                    rNum = e;
                    rDen = ax;
                }
                fin++;
            }
            histogram.merge(h1, fin);
            histogram.merge(h2, 0);
            histogram.merge(h3, 0);
            n += fin;
            finite += fin;
            sumAbs += abs0 + abs1;
            sumSq += sq0 + sq1;
            dot += dot0 + dot1;
            normA += na0 + na1;
            normB += nb0 + nb1;
            mismatches += mis;
            needed = need;
            maxAbs = Math.max(maxAbs, Math.max(wErr, 0));
            relNum = rNum;
            relDen = rDen;
            if (!worstNonfinite && wIdx >= 0) {
                worstErr = wErr;
                worstIndex = wIdx;
                worstA = a[wIdx];
                worstB = b[wIdx];
            }
            for (int k = 0; k < len && sample.size() < SAMPLE - 1; k += stride) {
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
                // max of err / |a| without a division per element: compare err * den > num * |a|
                if (err * relDen > relNum * absA) {
                    relNum = err;
                    relDen = absA;
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
