package dev.parity.oracles;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.Arrays;

/**
 * Attributes an output's error to the converter or to floating-point rounding, against a float64
 * twin of the reference: a pure function of (torch fp32, onnx fp32, reference fp64, config).
 *
 * <p>Both errors use one statistic: the largest absolute deviation from the float64 output,
 * divided by the float64 output's root mean square. Dividing by the output's own scale makes the
 * rule independent of input magnitude (where fixed atol/rtol fail); taking the max keeps a fault in
 * a few elements (a border row, one class) visible. Elements where any of the three values is
 * non-finite are left to the closeness oracle's NaN/Inf rules.
 */
public final class AttributionOracle {
    private AttributionOracle() {}

    /** Scaled max deviation of {@code x} from {@code ref} (see class doc). */
    public static double scaledError(Tensor x, double[] ref, double scale) {
        double max = 0;
        for (int i = 0; i < ref.length; i++) {
            double r = ref[i];
            double v = x.getDouble(i);
            if (Double.isFinite(r) && Double.isFinite(v)) {
                max = Math.max(max, Math.abs(v - r));
            }
        }
        return max / scale;
    }

    /** Root mean square of the finite elements, or 1 when there are none or all are zero. */
    public static double scale(double[] ref) {
        double s = 0;
        long n = 0;
        for (double r : ref) {
            if (Double.isFinite(r)) {
                s += r * r;
                n++;
            }
        }
        double rms = n == 0 ? 0 : Math.sqrt(s / n);
        return rms > 0 ? rms : 1;
    }

    /**
     * @throws IllegalArgumentException when the three shapes are not equal (callers check shapes
     *     with the closeness oracle first)
     */
    public static Attribution attribute(Tensor torch, Tensor onnx, Tensor ref64, AttributionConfig cfg) {
        if (!Arrays.equals(torch.shape(), onnx.shape()) || !Arrays.equals(torch.shape(), ref64.shape())) {
            throw new IllegalArgumentException("attribution needs equal shapes: torch " + Tensor.shapeText(torch.shape())
                    + ", onnx " + Tensor.shapeText(onnx.shape()) + ", ref64 " + Tensor.shapeText(ref64.shape()));
        }
        double[] ref = ref64.dtype() == DType.FLOAT64 ? ref64.doubles() : ref64.toDoubleArray();
        double s = scale(ref);
        return decide(scaledError(onnx, ref, s), scaledError(torch, ref, s), cfg);
    }

    /** The attribution ratio: onnxErr / max(torchErr, 2^-24). */
    public static double ratio(double onnxErr, double torchErr) {
        return onnxErr / Math.max(torchErr, AttributionConfig.UNIT_ROUNDOFF);
    }

    /** The rule itself, on the two scaled errors (a NaN error is never discrepant). */
    public static Attribution decide(double onnxErr, double torchErr, AttributionConfig cfg) {
        double ratio = ratio(onnxErr, torchErr);
        return new Attribution(onnxErr, torchErr, ratio, ratio > cfg.ratio() && onnxErr > cfg.floor());
    }
}
