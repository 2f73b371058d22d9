package dev.parity.oracles;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares two runs of one model on the same inputs. Pure.
 *
 * <p>Rules: outputs are compared bitwise, NaN equal to NaN (any payload) and {@code -0.0} unequal to
 * {@code 0.0}. Any difference in output count, shape, element type, integer or bool values, or
 * NaN/Inf placement is {@code nondeterministic}. A floating output whose largest difference, divided
 * by the first run's RMS, exceeds {@code floor} is {@code nondeterministic}; smaller differences are
 * {@code rounding-level} (the same rounding noise the attribution floor tolerates).
 */
public final class RepeatOracle {
    private RepeatOracle() {}

    /**
     * @param names output names, by position (missing names read {@code output<i>})
     * @param floor scaled difference above which a floating output is nondeterministic
     */
    public static RepeatFinding compare(List<String> names, List<Tensor> first, List<Tensor> second, double floor) {
        if (first.size() != second.size()) {
            return nondeterministic("output count differs: " + first.size() + " then " + second.size());
        }
        RepeatFinding rounding = null;
        for (int i = 0; i < first.size(); i++) {
            String name = i < names.size() ? names.get(i) : "output" + i;
            Tensor a = first.get(i);
            Tensor b = second.get(i);
            if (a.dtype() != b.dtype() || !Arrays.equals(a.shape(), b.shape())) {
                return nondeterministic("output " + name + " is " + a.dtype() + " " + Tensor.shapeText(a.shape())
                        + ", then " + b.dtype() + " " + Tensor.shapeText(b.shape()));
            }
            int differing = 0;
            boolean placement = false;
            double maxDiff = 0;
            for (int k = 0; k < a.size(); k++) {
                if (sameBits(a, b, k)) {
                    continue;
                }
                differing++;
                double x = a.getDouble(k);
                double y = b.getDouble(k);
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    maxDiff = Math.max(maxDiff, Math.abs(x - y));
                } else {
                    placement = true;
                }
            }
            if (differing == 0) {
                continue;
            }
            String where = "output " + name + " differs in " + differing + " of " + a.size() + " elements";
            if (!a.dtype().isFloating()) {
                return nondeterministic(where);
            }
            if (placement) {
                return nondeterministic(where + " (NaN/Inf placement differs)");
            }
            double scaled = maxDiff / AttributionOracle.scale(a.toDoubleArray());
            String text = where + String.format(Locale.ROOT, " (max |diff| %.3g, %.3g of its RMS)", maxDiff, scaled);
            if (scaled > floor) {
                return nondeterministic(text);
            }
            if (rounding == null) {
                rounding = new RepeatFinding(RepeatFinding.Kind.ROUNDING_LEVEL, text);
            }
        }
        return rounding != null ? rounding : RepeatFinding.IDENTICAL;
    }

    private static RepeatFinding nondeterministic(String evidence) {
        return new RepeatFinding(RepeatFinding.Kind.NONDETERMINISTIC, evidence);
    }

    private static boolean sameBits(Tensor a, Tensor b, int k) {
        DType t = a.dtype();
        if (t == DType.FLOAT32) {
            return Float.floatToIntBits(a.floats()[k]) == Float.floatToIntBits(b.floats()[k]);
        }
        if (t == DType.FLOAT64) {
            return Double.doubleToLongBits(a.doubles()[k]) == Double.doubleToLongBits(b.doubles()[k]);
        }
        if (t == DType.INT64) {
            return a.longs()[k] == b.longs()[k];
        }
        return a.getDouble(k) == b.getDouble(k); // int32, int8, uint8, bool: exact in a double
    }
}
