package dev.parity.oracles;

import dev.parity.tensor.DType;
import java.util.List;

/**
 * What the oracle found for one output: the verdict and the evidence behind it, so reports never
 * recompute. {@code stats} and {@code worst} are null when shapes differ (nothing to align).
 *
 * @param name output name (the ONNX output name, else {@code output<i>})
 * @param verdict faithful or discrepant
 * @param reason one line saying why, for discrepant outputs; null when faithful
 * @param errorHistogram absolute errors per power of two, for the report's histogram
 * @param sample up to {@value ClosenessOracle#SAMPLE} (torch, onnx) value pairs spread evenly over the
 *     output, the worst element included, for the report's scatter plot
 * @param rule which rule judged this output ({@link OutputJudge} sets it); null only in findings of
 *     the closeness oracle alone and in results written before the field existed
 * @param noise in tolerance mode, how atol was widened by the reference's own movement (the
 *     {@code tolerance} is the widened one); null otherwise
 */
public record OutputFinding(
        String name,
        Verdict verdict,
        String reason,
        DType dtypeTorch,
        DType dtypeOnnx,
        long[] shapeTorch,
        long[] shapeOnnx,
        Tolerance tolerance,
        ErrorStats stats,
        WorstElement worst,
        Attribution attribution,
        ClassificationFinding classification,
        ErrorBins errorHistogram,
        List<double[]> sample,
        ComparisonRule rule,
        NoiseAllowance noise) {

    /** A finding without a noise allowance (every mode but noise-aware tolerance). */
    public OutputFinding(String name, Verdict verdict, String reason, DType dtypeTorch, DType dtypeOnnx,
            long[] shapeTorch, long[] shapeOnnx, Tolerance tolerance, ErrorStats stats, WorstElement worst,
            Attribution attribution, ClassificationFinding classification, ErrorBins errorHistogram,
            List<double[]> sample, ComparisonRule rule) {
        this(name, verdict, reason, dtypeTorch, dtypeOnnx, shapeTorch, shapeOnnx, tolerance, stats, worst, attribution,
                classification, errorHistogram, sample, rule, null);
    }

    /** A finding without the rule that judged it (the closeness oracle's own). */
    public OutputFinding(String name, Verdict verdict, String reason, DType dtypeTorch, DType dtypeOnnx,
            long[] shapeTorch, long[] shapeOnnx, Tolerance tolerance, ErrorStats stats, WorstElement worst,
            Attribution attribution, ClassificationFinding classification, ErrorBins errorHistogram,
            List<double[]> sample) {
        this(name, verdict, reason, dtypeTorch, dtypeOnnx, shapeTorch, shapeOnnx, tolerance, stats, worst, attribution,
                classification, errorHistogram, sample, null);
    }

    /** A finding of the closeness oracle alone, without chart evidence. */
    public OutputFinding(String name, Verdict verdict, String reason, DType dtypeTorch, DType dtypeOnnx,
            long[] shapeTorch, long[] shapeOnnx, Tolerance tolerance, ErrorStats stats, WorstElement worst) {
        this(name, verdict, reason, dtypeTorch, dtypeOnnx, shapeTorch, shapeOnnx, tolerance, stats, worst, null, null,
                null, null);
    }

    /** An output that one side produced and the other did not. */
    public static OutputFinding missing(String name, String reason) {
        return new OutputFinding(name, Verdict.DISCREPANT, reason, null, null, null, null, null, null, null)
                .withRule(ComparisonRule.STRUCTURE);
    }

    /** This finding with a new verdict, reason and attribution. */
    public OutputFinding withAttribution(Verdict v, String why, Attribution a) {
        return new OutputFinding(name, v, why, dtypeTorch, dtypeOnnx, shapeTorch, shapeOnnx, tolerance, stats, worst, a,
                classification, errorHistogram, sample, rule, noise);
    }

    /** This finding with classification evidence attached. */
    public OutputFinding withClassification(ClassificationFinding c) {
        return new OutputFinding(name, verdict, reason, dtypeTorch, dtypeOnnx, shapeTorch, shapeOnnx, tolerance, stats,
                worst, attribution, c, errorHistogram, sample, rule, noise);
    }

    /** This finding, saying which rule judged it. */
    public OutputFinding withRule(ComparisonRule r) {
        return new OutputFinding(name, verdict, reason, dtypeTorch, dtypeOnnx, shapeTorch, shapeOnnx, tolerance, stats,
                worst, attribution, classification, errorHistogram, sample, r, noise);
    }

    /** This finding with tolerance mode's noise allowance attached. */
    public OutputFinding withNoise(NoiseAllowance n) {
        return new OutputFinding(name, verdict, reason, dtypeTorch, dtypeOnnx, shapeTorch, shapeOnnx, tolerance, stats,
                worst, attribution, classification, errorHistogram, sample, rule, n);
    }
}
