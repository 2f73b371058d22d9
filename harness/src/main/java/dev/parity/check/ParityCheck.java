package dev.parity.check;

import dev.parity.errors.BadInputException;
import dev.parity.engine.Engine;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.ReferenceSource;
import dev.parity.engine.ReferenceTraits;
import dev.parity.engine.TensorSpec;
import dev.parity.engine.TorchScriptArchive;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.CasePlanner;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.Perturbation;
import dev.parity.inputs.RoleAssignment;
import dev.parity.inputs.RoleInference;
import dev.parity.oracles.AccuracyFinding;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.AccuracyOracle;
import dev.parity.oracles.ClassificationOracle;
import dev.parity.oracles.ComparisonRule;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.OutputJudge;
import dev.parity.oracles.RepeatFinding;
import dev.parity.oracles.RepeatOracle;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.InputDescription;
import dev.parity.result.Latency;
import dev.parity.result.ModelFile;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks one TorchScript/ONNX pair: the library call under {@code parity check}.
 *
 * <p>Phases are separate: inputs are planned and validated first, then every case runs on both
 * engines (and on the float64 twin, and on one-ulp-perturbed inputs where some floating output has
 * no fitting twin output) and the outputs are kept, then the oracles judge the kept outputs, then
 * labelled data (if any) is classified by both models, then a discrepant export runs again on the
 * discrepant cases with ONNX Runtime's optimisations disabled ({@link OptimizationRerun}), judged
 * against the kept reference outputs. The reference runs twice on the first case's
 * inputs: if it differs from itself beyond rounding the verdict is
 * {@code nondeterministic-reference} and nothing is compared. Engine failures are recorded in the
 * result ({@code failed}); only bad input throws. A reference given as saved outputs is checked by
 * {@link SavedReferenceCheck} through the same judging.
 *
 * <pre>{@code
 * CheckResult r = ParityCheck.run(CheckRequest.builder(Path.of("model.pt"), Path.of("model.onnx")).build());
 * assertEquals(Verdict.FAITHFUL, r.verdict());
 * }</pre>
 */
public final class ParityCheck {
    public static final String MODE_TOLERANCE = "tolerance";
    public static final String MODE_ATTRIBUTION = "attribution";
    private static final int TOP_K = 5;

    private ParityCheck() {}

    public static CheckResult run(CheckRequest request) throws BadInputException {
        return run(request, CheckListener.NONE);
    }

    public static CheckResult run(CheckRequest req, CheckListener listener) throws BadInputException {
        return run(req, listener, ReferenceSource.FRESH);
    }

    /**
     * A check whose TorchScript engines (reference and twin) come from {@code references}: a corpus run
     * keeps them loaded across the configurations of one model ({@link dev.parity.engine.LoadedReferences}).
     * The listener also hears each stage's wall time ({@link CheckListener#stageTimed}).
     */
    public static CheckResult run(CheckRequest req, CheckListener listener, ReferenceSource references)
            throws BadInputException {
        if (req.referenceOutputs() != null) {
            return SavedReferenceCheck.run(req, listener);
        }
        StageClock clock = new StageClock(listener);
        references.check(req.torch());
        if (req.reference64() != null) {
            references.check(req.reference64());
        }
        if (!Files.isRegularFile(req.onnx())) {
            throw new BadInputException("ONNX model not found: " + req.onnx());
        }
        if (req.dataset() != null && !Files.isRegularFile(req.dataset())) {
            throw new BadInputException("--dataset not found: " + req.dataset());
        }
        ModelFile torchFile = new ModelFile(req.torch().toString(), sha256(req.torch()));
        ModelFile onnxFile = new ModelFile(req.onnx().toString(), sha256(req.onnx()));
        ReferenceTraits traits = ReferenceTraits.read(req.torch());
        List<String> warnings = new ArrayList<>();
        String training = traits.trainingWarning(req.torch().getFileName().toString());
        if (training != null) {
            warnings.add(training);
        }
        clock.lap(Stage.FILE_CHECKS);
        Map<String, String> engines = EngineVersions.all();
        String mode = req.reference64() != null ? MODE_ATTRIBUTION : MODE_TOLERANCE;
        AttributionConfig rule = req.reference64() != null ? req.attribution() : null;

        dev.parity.engine.Devices.requireOnnx(req.placement());
        dev.parity.engine.Devices.requireTorch(req.torchOptions().device(), req.torchOptions().deviceId());
        clock.lap(Stage.ENGINE_INIT);
        CheckResult result;
        List<CaseRun> kept;
        try (OnnxRuntimeEngine onnx = clock.lap(Stage.LOAD_ONNX,
                OnnxRuntimeEngine.load(req.onnx(), req.onnxThreads(), req.placement()))) {
            requireKnownOutputs(req, onnx.outputs());
            List<InputCase> cases = req.inputsFile() != null
                    ? List.of(CasePlanner.fromFile(onnx.inputs(), req.inputsFile()))
                    : CasePlanner.plan(onnx.inputs(), req.inputOverrides(), roles(req, onnx.inputs()),
                            req.symbolicSizes(), req.symbolSizes(), req.seed());
            LabelledData data = req.dataset() != null ? LabelledData.load(req.dataset(), onnx.inputs()) : null;
            clock.lap(Stage.INPUTS);
            try (ReferenceSource.Lease torchLease = clock.lap(Stage.LOAD_TORCH, references.lease(req.torch(), req.torchOptions()));
                 ReferenceSource.Lease twinLease = req.reference64() != null
                         ? clock.lap(Stage.LOAD_TWIN, references.lease(req.reference64(), req.torchOptions())) : null) {
                TorchScriptEngine torch = torchLease.engine();
                TorchScriptEngine twin = twinLease == null ? null : twinLease.engine();
                Inference inferred = infer(torch, twin, onnx, cases, req, listener);
                clock.skip();
                if (inferred.repeat().kind() == RepeatFinding.Kind.NONDETERMINISTIC) {
                    String why = "the reference is nondeterministic: two runs on the inputs of case 0 differ: "
                            + inferred.repeat().evidence() + "; likely cause: " + traits.likelyCause()
                            + ". Nothing was compared";
                    return new CheckResult(Verdict.NONDETERMINISTIC_REFERENCE, mode, torchFile, onnxFile, engines,
                            req.seed(), why, List.of(), null, rule, null, null, warnings);
                }
                if (inferred.repeat().kind() == RepeatFinding.Kind.ROUNDING_LEVEL) {
                    warnings.add("the reference is not bitwise repeatable (" + inferred.repeat().evidence()
                            + "), at rounding level only, so outputs were compared");
                }
                List<CaseRun> runs = inferred.runs();
                List<CaseResult> judged = judge(runs, onnx.outputs(), req);
                warnings.addAll(lastPositionNotes(req, judged));
                if (twin != null && twinJudgedNothing(judged)) {
                    warnings.add("the float64 twin judged no output: wherever the reference's output is floating, the "
                            + "twin's is not float64 of the same shape, so those outputs were judged by tolerance "
                            + "(see each output's rule)");
                }
                clock.lap(Stage.JUDGE);
                saveInputs(cases, judged, req.saveInputsDir());
                clock.lap(Stage.REPRO_WRITE);
                Accuracy accuracy = data == null ? null : clock.lap(Stage.ACCURACY, accuracy(torch, onnx, data, req));
                Latency latency = judged.isEmpty() || judged.get(0).verdict() == Verdict.FAILED ? null
                        : latency(torch, onnx, cases.get(0), req.latencyRuns());
                clock.lap(Stage.LATENCY);
                Verdict overall = judged.stream().map(CaseResult::verdict).reduce(Verdict.FAITHFUL, Verdict::worse);
                if (accuracy != null) {
                    overall = Verdict.worse(overall, accuracy.verdict());
                }
                boolean discrepantOutput = judged.stream().flatMap(c -> c.outputs().stream())
                        .anyMatch(f -> f.verdict() == Verdict.DISCREPANT);
                dev.parity.result.Localization where = null;
                if (req.localize() != null && (discrepantOutput || overall == Verdict.ACCURACY_DISCREPANT)) {
                    where = dev.parity.localize.Localizer.localize(dev.parity.localize.Localizer.Probe.beside(req.localize()),
                            req.onnx(), cases.get(worstCase(judged)), req.attribution(),
                            new dev.parity.localize.Localizer.Settings(req.placement(), req.onnxThreads(), req.torchOptions()));
                    clock.lap(Stage.LOCALIZE);
                }
                kept = runs;
                String message = overall == Verdict.FAILED ? judged.stream().filter(c -> c.verdict() == Verdict.FAILED)
                        .map(CaseResult::message).findFirst().orElse(null) : null;
                if (message == null && accuracy != null && accuracy.finding().unjudged() != null) {
                    message = "accuracy could not be judged: " + accuracy.finding().unjudged();
                }
                result = new CheckResult(overall, mode, torchFile, onnxFile, engines, req.seed(), message, judged,
                        accuracy == null ? null : accuracy.finding(), rule, latency, where, warnings);
            }
        } catch (EngineFailure e) {
            return new CheckResult(Verdict.FAILED, mode, torchFile, onnxFile, engines, req.seed(), e.describe(),
                    List.of(), null, rule, null, null, warnings);
        }
        clock.lap(Stage.CLOSE);
        // after both engines are closed: the second ONNX Runtime session never sits beside the first
        return OptimizationRerun.applies(req, result.cases())
                ? clock.lap(Stage.OPTIMIZATION_PROBE, result.withOptimizationProbe(OptimizationRerun.run(req, kept,
                        result.cases()))) : result;
    }

    /** The roles a request gives, then those inferred from the ONNX graph (unless turned off); the planner picks. */
    static List<RoleAssignment> roles(CheckRequest req, List<TensorSpec> inputs) throws BadInputException {
        List<RoleAssignment> out = new ArrayList<>(req.roles());
        if (req.inferRoles()) {
            out.addAll(RoleInference.infer(dev.parity.safety.OnnxModelCheck.read(req.onnx()), inputs));
        }
        return out;
    }

    /**
     * A note for each {@code --last-position} output that was compared but never sliced: its shape is not
     * [batch, sequence, classes] (rank below 3) or differs between the engines.
     */
    static List<String> lastPositionNotes(CheckRequest req, List<CaseResult> judged) {
        List<String> notes = new ArrayList<>();
        for (String name : req.lastPosition()) {
            List<OutputFinding> all = judged.stream().flatMap(c -> c.outputs().stream()).collect(Collectors.toList());
            boolean sliced = all.stream().anyMatch(f -> f.name().equals(LastPosition.name(name)));
            OutputFinding seen = all.stream().filter(f -> f.name().equals(name) && f.shapeTorch() != null).findFirst()
                    .orElse(null);
            if (!sliced && seen != null) {
                String shape = java.util.Arrays.equals(seen.shapeTorch(), seen.shapeOnnx())
                        ? Tensor.shapeText(seen.shapeTorch()) : "torch " + Tensor.shapeText(seen.shapeTorch()) + ", onnx "
                        + (seen.shapeOnnx() == null ? "none" : Tensor.shapeText(seen.shapeOnnx()));
                notes.add("--last-position " + name + ": output " + name + " has shape " + shape + ", not [batch, "
                        + "sequence, classes] in both engines; its last position is not judged");
            }
        }
        return notes;
    }

    /** Whether floating outputs were judged by value (NaN/Inf placement agreeing), but none by attribution. */
    private static boolean twinJudgedNothing(List<CaseResult> judged) {
        List<OutputFinding> all = judged.stream().flatMap(c -> c.outputs().stream()).collect(Collectors.toList());
        return all.stream().noneMatch(f -> f.rule() == ComparisonRule.ATTRIBUTION)
                && all.stream().anyMatch(f -> (f.rule() == ComparisonRule.TOLERANCE
                        || f.rule() == ComparisonRule.NOISE_AWARE_TOLERANCE) && f.dtypeTorch().isFloating()
                        && f.stats().nonfiniteMismatches() == 0);
    }

    /** {@code --tol} and {@code --logits} must name outputs the ONNX model has. */
    static void requireKnownOutputs(CheckRequest req, List<TensorSpec> outputs) throws BadInputException {
        Set<String> names = new LinkedHashSet<>();
        outputs.forEach(o -> names.add(o.name()));
        for (String n : req.tolerances().perOutput().keySet()) {
            if (!names.contains(n)) {
                throw new BadInputException("--tol names unknown output '" + n + "', expected one of " + names);
            }
        }
        for (String n : req.logits()) {
            if (!names.contains(n)) {
                throw new BadInputException("--logits names unknown output '" + n + "', expected one of " + names);
            }
        }
        for (String n : req.lastPosition()) {
            if (!names.contains(n)) {
                throw new BadInputException("--last-position names unknown output '" + n + "', expected one of " + names);
            }
        }
    }

    /**
     * What one case produced, before any judgement: the reference, the export, the float64 twin (if
     * any), and the reference on one-ulp-perturbed inputs where some floating output has no fitting
     * twin output.
     */
    record CaseRun(InputCase input, List<Tensor> torch, List<Tensor> onnx, List<Tensor> twin, List<Tensor> perturbed,
            Double torchMs, Double onnxMs, String failure, String note) {}

    /** Every case's run, and how two runs of the reference on the first case's inputs compare. */
    record Inference(List<CaseRun> runs, RepeatFinding repeat) {}

    private static Inference infer(TorchScriptEngine torch, TorchScriptEngine twin, OnnxRuntimeEngine onnx,
            List<InputCase> cases, CheckRequest req, CheckListener listener) throws BadInputException {
        List<CaseRun> runs = new ArrayList<>();
        List<String> outputNames = onnx.outputs().stream().map(TensorSpec::name).collect(Collectors.toList());
        RepeatFinding repeat = RepeatFinding.IDENTICAL;
        for (InputCase c : cases) {
            listener.caseStarted(c.index(), cases.size(), c.regime().label());
            List<Tensor> t = null;
            List<Tensor> o = null;
            List<Tensor> t64 = null;
            List<Tensor> tp = null;
            Double tMs = null;
            Double oMs = null;
            List<String> notes = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            long t0 = System.nanoTime();
            try {
                t = torch.run(c.tensors());
                tMs = (System.nanoTime() - t0) / 1e6;
            } catch (TorchScriptEngine.ArityMismatch e) {
                throw new BadInputException("input counts differ: the ONNX model takes " + onnx.inputs().size()
                        + " input(s) " + c.names() + ", " + e.getMessage(), e);
            } catch (EngineFailure e) {
                failures.add(e.describe());
            }
            if (runs.isEmpty() && t != null) {
                // Cheap insurance: a reference that differs from itself makes every comparison noise.
                try {
                    repeat = RepeatOracle.compare(outputNames, t, torch.run(c.tensors()), req.attribution().floor());
                } catch (EngineFailure e) {
                    failures.add(e.describe() + " (on a second run with the same inputs)");
                }
                if (repeat.kind() == RepeatFinding.Kind.NONDETERMINISTIC) {
                    listener.stageTimed(Stage.INFER_TORCH, System.nanoTime() - t0);
                    return new Inference(List.of(), repeat);
                }
            }
            long o0 = System.nanoTime();
            listener.stageTimed(Stage.INFER_TORCH, o0 - t0);
            try {
                o = onnx.run(c.tensors());
                oMs = (System.nanoTime() - o0) / 1e6;
            } catch (EngineFailure e) {
                failures.add(e.describe());
            }
            listener.stageTimed(Stage.INFER_ONNX, System.nanoTime() - o0);
            if (failures.isEmpty()) {
                if (twin != null) {
                    long w0 = System.nanoTime();
                    try {
                        t64 = twin.run(c.tensors().stream().map(Perturbation::toFloat64).collect(Collectors.toList()));
                        listener.stageTimed(Stage.INFER_TWIN, System.nanoTime() - w0);
                    } catch (EngineFailure e) {
                        if (runs.isEmpty()) {
                            throw new BadInputException("--reference64 " + req.reference64() + " is not a float64 twin of "
                                    + "the reference: " + e.describe(), e);
                        }
                        notes.add("float64 twin failed (" + e.describe() + "); judged in tolerance mode");
                    }
                    if (t64 != null && runs.isEmpty()) {
                        requireTwin(t, t64, "--reference64", req.reference64());
                    }
                    if (t64 != null) {
                        String misfit = twinShapeMisfits(t, t64, outputNames);
                        if (misfit != null) {
                            notes.add(misfit);
                        }
                    }
                }
                if (req.noiseFactor() > 0 && needsNoiseRun(t, t64)) {
                    List<Tensor> moved = new ArrayList<>();
                    for (int i = 0; i < c.tensors().size(); i++) {
                        moved.add(Perturbation.oneUlp(c.tensors().get(i), req.seed() * 31 + c.index() * 7L + i));
                    }
                    long p0 = System.nanoTime();
                    try {
                        tp = torch.run(moved);
                        listener.stageTimed(Stage.INFER_PERTURBED, System.nanoTime() - p0);
                    } catch (EngineFailure e) {
                        notes.add("reference failed on one-ulp-perturbed inputs; fixed tolerances used");
                    }
                }
            }
            runs.add(new CaseRun(c, t, o, t64, tp, tMs, oMs, failures.isEmpty() ? null : String.join("; ", failures),
                    notes.isEmpty() ? null : String.join("; ", notes)));
        }
        return new Inference(runs, repeat);
    }

    /** Whether some floating reference output lacks a fitting twin output (or there is no twin). */
    private static boolean needsNoiseRun(List<Tensor> t, List<Tensor> t64) {
        for (int i = 0; i < t.size(); i++) {
            Tensor ref = t.get(i);
            if (ref.dtype().isFloating() && !OutputJudge.twinFits(ref, t64 == null || i >= t64.size() ? null : t64.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** A case note naming the twin outputs whose shape differs from the reference's on this case, or null. */
    private static String twinShapeMisfits(List<Tensor> t, List<Tensor> t64, List<String> names) {
        List<String> off = new ArrayList<>();
        for (int i = 0; i < Math.min(t.size(), t64.size()); i++) {
            if (!java.util.Arrays.equals(t.get(i).shape(), t64.get(i).shape())) {
                off.add((i < names.size() ? names.get(i) : "output" + i) + " (twin " + Tensor.shapeText(t64.get(i).shape())
                        + ", reference " + Tensor.shapeText(t.get(i).shape()) + ")");
            }
        }
        return off.isEmpty() ? null : "float64 twin's shape differs on this case for " + String.join(", ", off)
                + "; judged without the twin";
    }

    /**
     * A twin must return as many outputs as the reference, of the same shapes, on the first case.
     * Element types may differ: integer and bool outputs, and outputs the model casts back to
     * float32, are judged by the other rules ({@link OutputJudge#twinFits}).
     */
    static void requireTwin(List<Tensor> t, List<Tensor> t64, String flag, Path file) throws BadInputException {
        boolean ok = t64.size() == t.size();
        for (int i = 0; ok && i < t.size(); i++) {
            ok = java.util.Arrays.equals(t.get(i).shape(), t64.get(i).shape());
        }
        if (!ok) {
            throw new BadInputException(flag + " " + file + " is not a float64 twin of the reference: its outputs "
                    + t64.stream().map(x -> x.dtype() + " " + Tensor.shapeText(x.shape())).collect(Collectors.toList())
                    + " differ in count or shape from the reference's "
                    + t.stream().map(x -> x.dtype() + " " + Tensor.shapeText(x.shape())).collect(Collectors.toList()));
        }
    }

    static List<CaseResult> judge(List<CaseRun> runs, List<TensorSpec> onnxOutputs, CheckRequest req) {
        List<CaseResult> out = new ArrayList<>();
        for (CaseRun r : runs) {
            List<InputDescription> inputs = new ArrayList<>();
            for (int i = 0; i < r.input().tensors().size(); i++) {
                Tensor t = r.input().tensors().get(i);
                String name = r.input().names().get(i);
                inputs.add(new InputDescription(name, t.dtype().label(), t.shape(), r.input().roleText(name)));
            }
            String padding = r.input().padding() == null ? null : r.input().padding().label();
            if (r.failure() != null) {
                out.add(new CaseResult(r.input().index(), r.input().regime().label(), inputs, Verdict.FAILED,
                        r.failure(), List.of(), r.torchMs(), r.onnxMs(), padding));
                continue;
            }
            List<OutputFinding> findings = compareOutputs(r, onnxOutputs, req);
            Verdict v = findings.stream().map(OutputFinding::verdict).reduce(Verdict.FAITHFUL, Verdict::worse);
            out.add(new CaseResult(r.input().index(), r.input().regime().label(), inputs, v, r.note(), findings,
                    r.torchMs(), r.onnxMs(), padding));
        }
        return out;
    }

    static void saveInputs(List<InputCase> cases, List<CaseResult> judged, Path dir) throws BadInputException {
        if (dir == null) {
            return;
        }
        for (CaseResult c : judged) {
            if (c.verdict() == Verdict.FAITHFUL) {
                continue;
            }
            InputCase in = cases.get(c.index());
            Map<String, Tensor> arrays = new java.util.LinkedHashMap<>();
            for (int i = 0; i < in.names().size(); i++) {
                arrays.put(in.names().get(i), in.tensors().get(i));
            }
            try {
                Files.createDirectories(dir);
                dev.parity.inputs.Npy.writeNpz(arrays, dir.resolve("case" + c.index() + ".npz"));
            } catch (IOException e) {
                throw new BadInputException("cannot write inputs to " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Outputs are matched by position; names come from the ONNX graph. */
    static List<OutputFinding> compareOutputs(CaseRun r, List<TensorSpec> onnxSpecs, CheckRequest req) {
        List<Tensor> torch = r.torch();
        List<Tensor> onnx = r.onnx();
        List<OutputFinding> findings = new ArrayList<>();
        int n = Math.max(torch.size(), onnx.size());
        for (int i = 0; i < n; i++) {
            String name = i < onnxSpecs.size() ? onnxSpecs.get(i).name() : "output" + i;
            if (i >= torch.size() || i >= onnx.size()) {
                findings.add(OutputFinding.missing(name, "output count differs: torch " + torch.size() + ", onnx "
                        + onnx.size()));
                continue;
            }
            Tensor t = torch.get(i);
            Tensor o = onnx.get(i);
            Tensor ref64 = r.twin() != null && i < r.twin().size() ? r.twin().get(i) : null;
            Tensor moved = r.perturbed() != null && i < r.perturbed().size() ? r.perturbed().get(i) : null;
            OutputFinding f = OutputJudge.judge(name, t, o, ref64, moved, req.tolerances().forOutput(name, t.dtype()),
                    req.attribution(), req.noiseFactor());
            boolean logits = req.logits().contains(name) || ClassificationOracle.looksLikeLogits(name, t);
            if (logits && f.stats() != null && t.dtype().isFloating() && o.dtype().isFloating() && t.rank() >= 1) {
                f = f.withClassification(ClassificationOracle.compare(t, o, TOP_K));
            }
            findings.add(f);
            if (req.lastPosition().contains(name) && LastPosition.applies(t, o)) {
                OutputFinding last = OutputJudge.judge(LastPosition.name(name), LastPosition.slice(t),
                        LastPosition.slice(o), LastPosition.sliceOrNull(ref64, t), LastPosition.sliceOrNull(moved, t),
                        req.tolerances().forOutput(name, t.dtype()), req.attribution(), req.noiseFactor());
                if (last.stats() != null && t.dtype().isFloating() && o.dtype().isFloating()) {
                    last = last.withClassification(ClassificationOracle.compare(LastPosition.slice(t),
                            LastPosition.slice(o), TOP_K));
                }
                findings.add(last);
            }
        }
        return findings;
    }

    /** The case whose discrepant output has the largest attribution ratio (else the first discrepant one). */
    static int worstCase(List<CaseResult> judged) {
        int best = 0;
        double bestRatio = -1;
        for (CaseResult c : judged) {
            for (OutputFinding f : c.outputs()) {
                if (f.verdict() != Verdict.DISCREPANT) {
                    continue;
                }
                double r = f.attribution() == null ? 0 : f.attribution().ratio();
                if (r > bestRatio) {
                    bestRatio = r;
                    best = c.index();
                }
            }
        }
        return best;
    }

    /** Warm latency: one untimed call per engine, then {@code runs} timed calls each, interleaved. */
    static Latency latency(Engine torch, Engine onnx, InputCase c, int runs) {
        if (runs <= 0) {
            return null;
        }
        try {
            torch.run(c.tensors());
            onnx.run(c.tensors());
            double[] t = new double[runs];
            double[] o = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                torch.run(c.tensors());
                t[i] = (System.nanoTime() - t0) / 1e6;
                long o0 = System.nanoTime();
                onnx.run(c.tensors());
                o[i] = (System.nanoTime() - o0) / 1e6;
            }
            double[] ts = Latency.summary(t);
            double[] os = Latency.summary(o);
            return new Latency(runs, ts[0], ts[1], ts[2], os[0], os[1], os[2], ts[0] > 0 ? os[0] / ts[0] : Double.NaN);
        } catch (EngineFailure e) {
            return null;
        }
    }

    /** The accuracy finding and the check verdict it implies (faithful when judged and not discrepant). */
    private record Accuracy(AccuracyFinding finding, Verdict verdict) {}

    /**
     * Both models classify the labelled data. An engine failure on a batch leaves the accuracy
     * unjudged and the check failed; a model returning another number of rows than it was fed (a
     * batch size frozen by tracing) leaves it unjudged and the check discrepant.
     */
    private static Accuracy accuracy(TorchScriptEngine torch, OnnxRuntimeEngine onnx, LabelledData data,
            CheckRequest req) {
        int out = 0;
        for (int i = 0; i < onnx.outputs().size(); i++) {
            if (req.logits().contains(onnx.outputs().get(i).name())) {
                out = i;
                break;
            }
        }
        String name = out < onnx.outputs().size() ? onnx.outputs().get(out).name() : "output" + out;
        long[] tp = new long[data.size()];
        long[] op = new long[data.size()];
        int at = 0;
        for (LabelledData.Batch b : data.batches(onnx.inputs())) {
            long fed = b.tensors().isEmpty() || b.tensors().get(0).rank() == 0 ? b.valid() : b.tensors().get(0).shape()[0];
            String samples = "labelled samples " + at + ".." + (at + b.valid() - 1);
            long[][] predicted = new long[2][];
            Engine[] both = {torch, onnx};
            for (int k = 0; k < 2; k++) {
                List<Tensor> result;
                try {
                    result = both[k].run(b.tensors());
                } catch (EngineFailure e) {
                    return new Accuracy(AccuracyFinding.unjudged(data.size(), req.alpha(), e.describe() + " (" + samples
                            + ")"), Verdict.FAILED);
                }
                if (out >= result.size() || result.get(out).rank() == 0) {
                    return new Accuracy(AccuracyFinding.unjudged(data.size(), req.alpha(), both[k].id() + " returned "
                            + (out >= result.size() ? "no output " + name : "a scalar " + name) + " for " + samples),
                            Verdict.DISCREPANT);
                }
                predicted[k] = AccuracyOracle.argmaxRows(result.get(out));
                if (predicted[k].length != fed) {
                    return new Accuracy(AccuracyFinding.unjudged(data.size(), req.alpha(), both[k].id() + " returned "
                            + predicted[k].length + " rows of " + name + " for a batch of " + fed + " (" + samples
                            + "); is the batch size frozen in the model?"), Verdict.DISCREPANT);
                }
            }
            System.arraycopy(predicted[0], 0, tp, at, b.valid());
            System.arraycopy(predicted[1], 0, op, at, b.valid());
            at += b.valid();
        }
        AccuracyFinding f = AccuracyOracle.compare(data.labels(), tp, op, req.alpha());
        return new Accuracy(f, f.discrepant() ? Verdict.ACCURACY_DISCREPANT : Verdict.FAITHFUL);
    }

    /** Hex sha256 of a file; a file unchanged since it was last hashed is not read again ({@link FileDigest}). */
    public static String sha256(Path file) throws BadInputException {
        return FileDigest.sha256(file);
    }
}
