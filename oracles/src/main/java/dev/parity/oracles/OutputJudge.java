package dev.parity.oracles;

import dev.parity.tensor.Tensor;
import java.util.Locale;

/**
 * The default verdict on one output: the closeness oracle's structural rules (shape, element
 * type, NaN/Inf placement) always apply; the numeric verdict comes from attribution against a
 * float64 twin when one is given, else from a noise-aware tolerance.
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
     * @param ref64 the float64 twin's output, or null
     * @param perturbed the float32 reference's output on one-ulp-perturbed inputs, or null
     * @param noiseFactor multiple of the perturbation movement added to atol in tolerance mode
     *     (0 disables: the fixed-tolerance oracle)
     */
    public static OutputFinding judge(String name, Tensor torch, Tensor onnx, Tensor ref64, Tensor perturbed,
            Tolerance tol, AttributionConfig cfg, double noiseFactor) {
        OutputFinding base = ClosenessOracle.compare(name, torch, onnx, tol);
        boolean numeric = base.stats() != null && torch.dtype() == onnx.dtype() && torch.dtype().isFloating()
                && base.stats().nonfiniteMismatches() == 0;
        if (!numeric) {
            return base;
        }
        if (ref64 != null && java.util.Arrays.equals(ref64.shape(), torch.shape())) {
            Attribution a = AttributionOracle.attribute(torch, onnx, ref64, cfg);
            String why = a.discrepant() ? String.format(Locale.ROOT,
                    "converter error %.3g is %.3gx the reference's own rounding error %.3g (limit %.3gx above %.1g)",
                    a.onnxErr(), a.ratio(), a.torchErr(), cfg.ratio(), cfg.floor()) : null;
            return base.withAttribution(a.discrepant() ? Verdict.DISCREPANT : Verdict.FAITHFUL, why, a);
        }
        if (perturbed == null || noiseFactor <= 0 || !java.util.Arrays.equals(perturbed.shape(), torch.shape())) {
            return base;
        }
        double jitter = 0;
        for (int i = 0; i < torch.size(); i++) {
            double d = Math.abs(perturbed.getDouble(i) - torch.getDouble(i));
            if (Double.isFinite(d)) {
                jitter = Math.max(jitter, d);
            }
        }
        NoiseAllowance noise = new NoiseAllowance(jitter, noiseFactor, tol.atol());
        Tolerance widened = new Tolerance(noise.atolAt(noiseFactor), tol.rtol());
        OutputFinding noiseAware = ClosenessOracle.compare(name, torch, onnx, widened);
        double s = AttributionOracle.scale(torch.toDoubleArray());
        Attribution a = AttributionOracle.decide(noiseAware.stats().maxAbs() / s, jitter / s, cfg);
        Attribution shown = new Attribution(a.onnxErr(), a.torchErr(), a.ratio(), noiseAware.verdict() == Verdict.DISCREPANT);
        return noiseAware.withAttribution(noiseAware.verdict(), noiseAware.reason(), shown).withNoise(noise);
    }
}
