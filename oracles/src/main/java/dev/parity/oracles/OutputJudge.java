package dev.parity.oracles;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * The default verdict on one output: the closeness oracle's structural rules (shape, element
 * type, NaN/Inf placement) always apply; the numeric verdict comes from attribution against a
 * float64 twin when one is given, else from a noise-aware tolerance.
 *
 * <p>A twin's output judges only where it fits ({@link #twinFits}); integer and bool outputs are
 * exact (unless a tolerance is given for them), and floating outputs the twin cannot judge fall back
 * to the noise-aware tolerance.
 *
 * <p><b>Noise-aware tolerance</b> (no twin): the reference is run a second time on inputs moved by
 * one ulp in random directions; its largest output movement {@code J} is the rounding noise the
 * model amplifies, and the absolute tolerance becomes {@code max(atol, noiseFactor * J)}. The
 * finding records J, the factor and the atol before widening ({@link NoiseAllowance}) beside the
 * smallest atol that would have passed ({@link ErrorStats#neededAtol()}), so its verdict at any
 * other factor is re-derived exactly by {@link NoiseAllowance#discrepantAt}.
 */
public final class OutputJudge {
    /** Multiples of the one-ulp reference movement tolerated in tolerance mode (scored by {@code parity calibrate}). */
    public static final double DEFAULT_NOISE_FACTOR = 8;

    private OutputJudge() {}

    /**
     * The noise factor, if it is one: a finite number &gt;= 0.
     *
     * @throws IllegalArgumentException otherwise, naming the value
     */
    public static double requireNoiseFactor(double factor) {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("noise factor (--noise-factor) must be a finite number >= 0, got " + factor);
        }
        return factor;
    }

    /**
     * Whether a float64 twin's output can judge a reference output by attribution: the reference
     * output is floating and the twin's is float64 of the same shape. Integer and bool outputs, and
     * outputs the model casts back to float32, are judged by the other rules.
     */
    public static boolean twinFits(Tensor torch, Tensor ref64) {
        return ref64 != null && torch.dtype().isFloating() && ref64.dtype() == DType.FLOAT64
                && Arrays.equals(ref64.shape(), torch.shape());
    }

    /**
     * Judges one output; {@link OutputFinding#rule} says which rule decided: {@code structure}
     * (shapes or element types differ), {@code exact} (integer or bool output at tolerance 0),
     * {@code tolerance} (fixed tolerances: no twin output and no perturbed run, noise factor 0, or
     * NaN/Inf placement differs), {@code attribution} (a fitting twin output), else
     * {@code noise-aware-tolerance}.
     *
     * @param ref64 the float64 twin's output, or null
     * @param perturbed the float32 reference's output on one-ulp-perturbed inputs, or null
     * @param noiseFactor multiple of the perturbation movement added to atol in tolerance mode
     *     (0 disables: the fixed-tolerance oracle)
     */
    public static OutputFinding judge(String name, Tensor torch, Tensor onnx, Tensor ref64, Tensor perturbed,
            Tolerance tol, AttributionConfig cfg, double noiseFactor) {
        OutputFinding base = ClosenessOracle.compare(name, torch, onnx, tol);
        if (base.stats() == null || torch.dtype() != onnx.dtype()) {
            return base.withRule(ComparisonRule.STRUCTURE);
        }
        if (!torch.dtype().isFloating()) {
            boolean exact = tol.atol() == 0 && tol.rtol() == 0;
            return base.withRule(exact ? ComparisonRule.EXACT : ComparisonRule.TOLERANCE);
        }
        if (base.stats().nonfiniteMismatches() > 0) {
            return base.withRule(ComparisonRule.TOLERANCE);
        }
        if (twinFits(torch, ref64)) {
            Attribution a = AttributionOracle.attribute(torch, onnx, ref64, cfg);
            String why = a.discrepant() ? String.format(Locale.ROOT,
                    "converter error %.3g is %.3gx the reference's own rounding error %.3g (limit %.3gx above %.1g)",
                    a.onnxErr(), a.ratio(), a.torchErr(), cfg.ratio(), cfg.floor()) : null;
            return base.withAttribution(a.discrepant() ? Verdict.DISCREPANT : Verdict.FAITHFUL, why, a)
                    .withRule(ComparisonRule.ATTRIBUTION);
        }
        if (perturbed == null || noiseFactor <= 0 || !Arrays.equals(perturbed.shape(), torch.shape())) {
            return base.withRule(ComparisonRule.TOLERANCE);
        }
        double jitter = 0;
        for (int i = 0; i < torch.size(); i++) {
            double d = Math.abs(perturbed.getDouble(i) - torch.getDouble(i));
            if (Double.isFinite(d)) {
                jitter = Math.max(jitter, d);
            }
        }
        NoiseAllowance noise = new NoiseAllowance(jitter, noiseFactor, tol.atol());
        double widenedAtol = noise.atolAt(noiseFactor);
        Tolerance widened = new Tolerance(Double.isFinite(widenedAtol) ? widenedAtol : Double.MAX_VALUE, tol.rtol());
        OutputFinding noiseAware = ClosenessOracle.compare(name, torch, onnx, widened);
        double s = AttributionOracle.scale(torch.toDoubleArray());
        Attribution a = AttributionOracle.decide(noiseAware.stats().maxAbs() / s, jitter / s, cfg);
        Attribution shown = new Attribution(a.onnxErr(), a.torchErr(), a.ratio(), noiseAware.verdict() == Verdict.DISCREPANT);
        return noiseAware.withAttribution(noiseAware.verdict(), noiseAware.reason(), shown)
                .withRule(ComparisonRule.NOISE_AWARE_TOLERANCE).withNoise(noise);
    }
}
