package dev.parity.inputs;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Moves every floating input element by one ulp up or down (seeded coin flips): the smallest
 * change of input that float32 can express. How far the reference's output moves in response is
 * the rounding noise the model amplifies; tolerance mode scales its atol by it.
 */
public final class Perturbation {
    private Perturbation() {}

    public static Tensor oneUlp(Tensor t, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        if (t.dtype() == DType.FLOAT32) {
            float[] a = t.floats().clone();
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextBoolean() ? Math.nextUp(a[i]) : Math.nextDown(a[i]);
            }
            return Tensor.ofFloats(t.shape(), a);
        }
        if (t.dtype() == DType.FLOAT64) {
            double[] a = t.doubles().clone();
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextBoolean() ? Math.nextUp(a[i]) : Math.nextDown(a[i]);
            }
            return Tensor.ofDoubles(t.shape(), a);
        }
        return t;
    }

    /** The same values widened to float64, for the float64 twin; other types unchanged. */
    public static Tensor toFloat64(Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            return t;
        }
        float[] a = t.floats();
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return Tensor.ofDoubles(t.shape(), d);
    }
}
