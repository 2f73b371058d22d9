package dev.parity.oracles;

import dev.parity.tensor.Tensor;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Label-level agreement of two logit outputs: top-1 and top-k agreement, Spearman rank
 * correlation per row (commons-math3), label flips. Pure; the last axis is the class axis and all
 * leading axes are rows.
 */
public final class ClassificationOracle {
    private static final Pattern LOGIT_NAME = Pattern.compile("(?i).*(logit|score|prob|class).*");

    private ClassificationOracle() {}

    /** Whether an output looks like class logits: floating, rank 2, at least 2 classes, a telling name. */
    public static boolean looksLikeLogits(String name, Tensor t) {
        long[] s = t.shape();
        return t.dtype().isFloating() && s.length == 2 && s[1] >= 2 && LOGIT_NAME.matcher(name).matches();
    }

    public static ClassificationFinding compare(Tensor torch, Tensor onnx, int k) {
        long[] s = torch.shape();
        if (s.length < 1 || !Arrays.equals(s, onnx.shape())) {
            throw new IllegalArgumentException("classification needs equal shapes with a class axis");
        }
        int classes = (int) s[s.length - 1];
        int rows = classes == 0 ? 0 : torch.size() / classes;
        int kk = Math.max(1, Math.min(k, classes));
        double[] a = torch.toDoubleArray();
        double[] b = onnx.toDoubleArray();
        int same1 = 0;
        int sameK = 0;
        double rho = 0;
        int rhoRows = 0;
        SpearmansCorrelation spearman = new SpearmansCorrelation();
        for (int r = 0; r < rows; r++) {
            double[] ra = Arrays.copyOfRange(a, r * classes, (r + 1) * classes);
            double[] rb = Arrays.copyOfRange(b, r * classes, (r + 1) * classes);
            int[] ta = topK(ra, kk);
            int[] tb = topK(rb, kk);
            // A label read off NaN logits is no label: rows whose NaN placement differs never agree
            // (otherwise an all-NaN row "predicts" class 0 and agrees with a reference that does).
            boolean nanAlike = sameNaNs(ra, rb);
            if (nanAlike && ta[0] == tb[0]) {
                same1++;
            }
            int[] sa = ta.clone();
            int[] sb = tb.clone();
            Arrays.sort(sa);
            Arrays.sort(sb);
            if (nanAlike && Arrays.equals(sa, sb)) {
                sameK++;
            }
            if (classes >= 2 && finite(ra) && finite(rb)) {
                double c = spearman.correlation(ra, rb);
                if (!Double.isNaN(c)) {
                    rho += c;
                    rhoRows++;
                }
            }
        }
        return new ClassificationFinding(rows, kk, rows == 0 ? 1 : (double) same1 / rows,
                rows == 0 ? 1 : (double) sameK / rows, rhoRows == 0 ? 1 : rho / rhoRows, rows - same1);
    }

    private static boolean sameNaNs(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) != Double.isNaN(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Indices of the k largest values, largest first; NaN ranks below everything; ties broken by the lower index. */
    static int[] topK(double[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> {
            double vx = Double.isNaN(v[x]) ? Double.NEGATIVE_INFINITY : v[x];
            double vy = Double.isNaN(v[y]) ? Double.NEGATIVE_INFINITY : v[y];
            int c = Double.compare(vy, vx);
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    private static boolean finite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
