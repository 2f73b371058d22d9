package dev.parity.check;

import dev.parity.errors.BadInputException;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.Placement;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.OptimizationProbe;
import dev.parity.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs a discrepant export again with ONNX Runtime's graph optimisations disabled, on the inputs of the
 * discrepant cases, and judges the new outputs against the reference outputs already kept (no reference
 * runs again). ONNX Runtime's optimiser rewrites the graph (fusing a Pad into an AveragePool, folding
 * constants, choosing fused kernels); a discrepancy that vanishes without it is the optimiser's, one that
 * stays is the exported graph's or a kernel's. A runtime defect in a kernel that every level uses looks
 * like a converter defect here: only a second runtime tells them apart.
 */
final class OptimizationRerun {
    static final OnnxRuntimeEngine.Optimization LEVEL = OnnxRuntimeEngine.Optimization.DISABLED;

    private OptimizationRerun() {}

    /** Whether a check with this request and these judged cases gets the rerun. */
    static boolean applies(CheckRequest req, List<CaseResult> judged) {
        return req.optimizationProbe() && req.placement().optimization() != LEVEL
                && judged.stream().anyMatch(c -> c.verdict() == Verdict.DISCREPANT);
    }

    /**
     * Reruns the discrepant cases of {@code runs} (judged as {@code judged}) with optimisations disabled.
     * Never throws for engine trouble: a failure to load or run is the probe's {@code failed} verdict.
     */
    static OptimizationProbe run(CheckRequest req, List<ParityCheck.CaseRun> runs, List<CaseResult> judged)
            throws BadInputException {
        String checked = label(req.placement().optimization());
        Map<Integer, ParityCheck.CaseRun> byIndex = runs.stream()
                .collect(Collectors.toMap(r -> r.input().index(), Function.identity()));
        List<ParityCheck.CaseRun> again = judged.stream().filter(c -> c.verdict() == Verdict.DISCREPANT)
                .map(c -> byIndex.get(c.index())).collect(Collectors.toList());
        List<Integer> indices = again.stream().map(r -> r.input().index()).collect(Collectors.toList());
        Placement off = new Placement(req.placement().device(), req.placement().deviceId(), LEVEL);
        List<CaseResult> rejudged;
        try (OnnxRuntimeEngine onnx = OnnxRuntimeEngine.load(req.onnx(), req.onnxThreads(), off)) {
            List<ParityCheck.CaseRun> rerun = new ArrayList<>();
            for (ParityCheck.CaseRun r : again) {
                List<Tensor> o = onnx.run(r.input().tensors());
                rerun.add(new ParityCheck.CaseRun(r.input(), r.torch(), o, r.twin(), r.perturbed(), r.torchMs(), null,
                        null, r.note()));
            }
            rejudged = ParityCheck.judge(rerun, onnx.outputs(), req);
        } catch (EngineFailure e) {
            return new OptimizationProbe(label(LEVEL), checked, Verdict.FAILED, null, indices, 0, null,
                    "could not run again with optimisations disabled: " + e.describe());
        }
        int bad = (int) rejudged.stream().filter(c -> c.verdict() == Verdict.DISCREPANT).count();
        Double worst = rejudged.stream().flatMap(c -> c.outputs().stream()).map(OutputFinding::attribution)
                .filter(a -> a != null && Double.isFinite(a.ratio())).map(a -> a.ratio()).max(Double::compare)
                .orElse(null);
        String ratio = worst == null ? "" : String.format(Locale.ROOT, ", worst ratio %.3g", worst);
        String tally = bad + " of " + indices.size() + " case" + (indices.size() == 1 ? "" : "s") + " rerun" + ratio;
        if (bad > 0) {
            return new OptimizationProbe(label(LEVEL), checked, Verdict.DISCREPANT, OptimizationProbe.CAUSE_GRAPH_OR_KERNELS,
                    indices, bad, worst, "also discrepant with optimisations disabled (" + tally + "): the exported "
                            + "graph (or ONNX Runtime's kernels) disagrees; only another runtime tells which");
        }
        return new OptimizationProbe(label(LEVEL), checked, Verdict.FAITHFUL, OptimizationProbe.CAUSE_OPTIMIZATIONS,
                indices, 0, worst, "faithful with optimisations disabled (" + indices.size() + " discrepant case"
                        + (indices.size() == 1 ? "" : "s") + " rerun" + ratio + "): ONNX Runtime's graph "
                        + "optimisations (level " + checked + ") cause it");
    }

    static String label(OnnxRuntimeEngine.Optimization level) {
        return level.name().toLowerCase(Locale.ROOT);
    }
}
