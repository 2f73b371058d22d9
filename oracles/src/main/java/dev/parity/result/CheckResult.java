package dev.parity.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.parity.oracles.AccuracyFinding;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.Verdict;
import java.util.List;
import java.util.Map;

/**
 * The whole result of checking one TorchScript/ONNX pair; its JSON form is Parity's contract
 * for scripts (fields are added, never renamed).
 *
 * @param verdict overall verdict: discrepant if any case is, else failed if any case failed or a
 *     model could not be loaded, else faithful
 * @param mode how verdicts were decided: {@code attribution} (float64 twin) or {@code tolerance}
 * @param accuracy accuracy of both models on labelled data ({@code --dataset}), or null
 * @param attribution the attribution rule in force (attribution mode), or null
 * @param latency warm latency of both engines on the first case, or null
 * @param localization the first divergent module ({@code --localize}, discrepant checks only), or null
 * @param engines engine names to versions
 * @param message why the check failed, was not compared (nondeterministic reference) or is discrepant
 *     without a discrepant output (labelled batches came back with another number of rows); else null
 * @param warnings things about the models that hold whatever the verdict (e.g. a reference saved in
 *     training mode), one line each; empty when none (never null)
 * @param optimizationProbe a discrepant export run again with ONNX Runtime's optimisations disabled, and what
 *     that says about the cause; null when not run (faithful checks, checks already at {@code disabled},
 *     discrepancies of accuracy only, or turned off)
 */
public record CheckResult(
        Verdict verdict,
        String mode,
        ModelFile torch,
        ModelFile onnx,
        Map<String, String> engines,
        long seed,
        String message,
        List<CaseResult> cases,
        AccuracyFinding accuracy,
        AttributionConfig attribution,
        Latency latency,
        Localization localization,
        List<String> warnings,
        OptimizationProbe optimizationProbe) {

    @JsonCreator
    public CheckResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A result without an optimisation probe. */
    public CheckResult(Verdict verdict, String mode, ModelFile torch, ModelFile onnx, Map<String, String> engines,
            long seed, String message, List<CaseResult> cases, AccuracyFinding accuracy, AttributionConfig attribution,
            Latency latency, Localization localization, List<String> warnings) {
        this(verdict, mode, torch, onnx, engines, seed, message, cases, accuracy, attribution, latency, localization,
                warnings, null);
    }

    /** A result without warnings. */
    public CheckResult(Verdict verdict, String mode, ModelFile torch, ModelFile onnx, Map<String, String> engines,
            long seed, String message, List<CaseResult> cases, AccuracyFinding accuracy, AttributionConfig attribution,
            Latency latency, Localization localization) {
        this(verdict, mode, torch, onnx, engines, seed, message, cases, accuracy, attribution, latency, localization,
                List.of());
    }

    /** This result with {@code probe} as its optimisation probe. */
    public CheckResult withOptimizationProbe(OptimizationProbe probe) {
        return new CheckResult(verdict, mode, torch, onnx, engines, seed, message, cases, accuracy, attribution,
                latency, localization, warnings, probe);
    }

        /** A result without accuracy data. */
    public CheckResult(Verdict verdict, String mode, ModelFile torch, ModelFile onnx, Map<String, String> engines,
            long seed, String message, List<CaseResult> cases) {
        this(verdict, mode, torch, onnx, engines, seed, message, cases, null, null, null, null, List.of());
    }
}
