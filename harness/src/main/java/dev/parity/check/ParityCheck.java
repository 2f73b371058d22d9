package dev.parity.check;

import dev.parity.engine.Engine;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.TensorSpec;
import dev.parity.engine.TorchScriptArchive;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.CasePlanner;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.Perturbation;
import dev.parity.oracles.AccuracyFinding;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.AccuracyOracle;
import dev.parity.oracles.ClassificationOracle;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.OutputJudge;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.InputDescription;
import dev.parity.result.Latency;
import dev.parity.result.ModelFile;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks one TorchScript/ONNX pair: the library call under {@code parity check}.
 *
 * <p>Phases are separate: inputs are planned and validated first, then every case runs on both
 * engines (and on the float64 twin, or on one-ulp-perturbed inputs when there is no twin) and the
 * outputs are kept, then the oracles judge the kept outputs, then labelled data (if any) is
 * classified by both models. Engine failures are recorded in the result ({@code failed}); only bad
 * input throws.
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
        TorchScriptArchive.check(req.torch());
        if (req.reference64() != null) {
            TorchScriptArchive.check(req.reference64());
        }
        if (!Files.isRegularFile(req.onnx())) {
            throw new BadInputException("ONNX model not found: " + req.onnx());
        }
        if (req.dataset() != null && !Files.isRegularFile(req.dataset())) {
            throw new BadInputException("--dataset not found: " + req.dataset());
        }
        ModelFile torchFile = new ModelFile(req.torch().toString(), sha256(req.torch()));
        ModelFile onnxFile = new ModelFile(req.onnx().toString(), sha256(req.onnx()));
        Map<String, String> engines = EngineVersions.all();
        String mode = req.reference64() != null ? MODE_ATTRIBUTION : MODE_TOLERANCE;
        AttributionConfig rule = req.reference64() != null ? req.attribution() : null;

        dev.parity.engine.Devices.requireOnnx(req.placement());
        dev.parity.engine.Devices.requireTorch(req.torchOptions().device(), req.torchOptions().deviceId());
        try (OnnxRuntimeEngine onnx = OnnxRuntimeEngine.load(req.onnx(), req.onnxThreads(), req.placement())) {
            List<InputCase> cases = req.inputsFile() != null
                    ? List.of(CasePlanner.fromFile(onnx.inputs(), req.inputsFile()))
                    : CasePlanner.plan(onnx.inputs(), req.inputOverrides(), req.symbolicSizes(), req.seed());
            LabelledData data = req.dataset() != null ? LabelledData.load(req.dataset(), onnx.inputs()) : null;
            try (TorchScriptEngine torch = TorchScriptEngine.load(req.torch(), req.torchOptions());
                 TorchScriptEngine twin = req.reference64() != null
                         ? TorchScriptEngine.load(req.reference64(), req.torchOptions()) : null) {
                List<CaseRun> runs = infer(torch, twin, onnx, cases, req, listener);
                List<CaseResult> judged = judge(runs, onnx.outputs(), req);
                saveInputs(cases, judged, req.saveInputsDir());
                AccuracyFinding accuracy = data == null ? null : accuracy(torch, onnx, data, req);
                Latency latency = judged.isEmpty() || judged.get(0).verdict() == Verdict.FAILED ? null
                        : latency(torch, onnx, cases.get(0), req.latencyRuns());
                Verdict overall = judged.stream().map(CaseResult::verdict).reduce(Verdict.FAITHFUL, Verdict::worse);
                if (accuracy != null && accuracy.discrepant()) {
                    overall = Verdict.ACCURACY_DISCREPANT;
                }
                dev.parity.result.Localization where = null;
                if (req.localize() != null && (overall == Verdict.DISCREPANT || overall == Verdict.ACCURACY_DISCREPANT)) {
                    where = dev.parity.localize.Localizer.localize(dev.parity.localize.Localizer.Probe.beside(req.localize()),
                            req.onnx(), cases.get(worstCase(judged)), req.attribution(),
                            new dev.parity.localize.Localizer.Settings(req.placement(), req.onnxThreads(), req.torchOptions()));
                }
                String message = overall == Verdict.FAILED ? judged.stream().filter(c -> c.verdict() == Verdict.FAILED)
                        .map(CaseResult::message).findFirst().orElse(null) : null;
                return new CheckResult(overall, mode, torchFile, onnxFile, engines, req.seed(), message, judged,
                        accuracy, rule, latency, where);
            }
        } catch (EngineFailure e) {
            return new CheckResult(Verdict.FAILED, mode, torchFile, onnxFile, engines, req.seed(), e.describe(),
                    List.of(), null, rule, null, null);
        }
    }

    /**
     * What one case produced, before any judgement: the reference, the export, and either the
     * float64 twin or the reference on one-ulp-perturbed inputs.
     */
    record CaseRun(InputCase input, List<Tensor> torch, List<Tensor> onnx, List<Tensor> twin, List<Tensor> perturbed,
            Double torchMs, Double onnxMs, String failure, String note) {}

    private static List<CaseRun> infer(TorchScriptEngine torch, TorchScriptEngine twin, OnnxRuntimeEngine onnx,
            List<InputCase> cases, CheckRequest req, CheckListener listener) throws BadInputException {
        List<CaseRun> runs = new ArrayList<>();
        for (InputCase c : cases) {
            listener.caseStarted(c.index(), cases.size(), c.regime().label());
            List<Tensor> t = null;
            List<Tensor> o = null;
            List<Tensor> t64 = null;
            List<Tensor> tp = null;
            Double tMs = null;
            Double oMs = null;
            String note = null;
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
            long o0 = System.nanoTime();
            try {
                o = onnx.run(c.tensors());
                oMs = (System.nanoTime() - o0) / 1e6;
            } catch (EngineFailure e) {
                failures.add(e.describe());
            }
            if (failures.isEmpty()) {
                if (twin != null) {
                    try {
                        t64 = twin.run(c.tensors().stream().map(Perturbation::toFloat64).collect(Collectors.toList()));
                    } catch (EngineFailure e) {
                        if (runs.isEmpty()) {
                            throw new BadInputException("--reference64 " + req.reference64() + " is not a float64 twin of "
                                    + "the reference: " + e.describe(), e);
                        }
                        note = "float64 twin failed (" + e.describe() + "); judged in tolerance mode";
                    }
                    if (t64 != null && runs.isEmpty()) {
                        requireTwin(t, t64, req.reference64());
                    }
                }
                if (t64 == null && req.noiseFactor() > 0) {
                    List<Tensor> moved = new ArrayList<>();
                    for (int i = 0; i < c.tensors().size(); i++) {
                        moved.add(Perturbation.oneUlp(c.tensors().get(i), req.seed() * 31 + c.index() * 7L + i));
                    }
                    try {
                        tp = torch.run(moved);
                    } catch (EngineFailure e) {
                        note = "reference failed on one-ulp-perturbed inputs; fixed tolerances used";
                    }
                }
            }
            runs.add(new CaseRun(c, t, o, t64, tp, tMs, oMs, failures.isEmpty() ? null : String.join("; ", failures),
                    note));
        }
        return runs;
    }

    /** A twin must return as many outputs as the reference, of the same shapes, in float64. */
    private static void requireTwin(List<Tensor> t, List<Tensor> t64, Path file) throws BadInputException {
        boolean ok = t64.size() == t.size();
        for (int i = 0; ok && i < t.size(); i++) {
            ok = java.util.Arrays.equals(t.get(i).shape(), t64.get(i).shape())
                    && (!t.get(i).dtype().isFloating() || t64.get(i).dtype() == dev.parity.tensor.DType.FLOAT64);
        }
        if (!ok) {
            throw new BadInputException("--reference64 " + file + " is not a float64 twin of the reference: its outputs "
                    + t64.stream().map(x -> x.dtype() + " " + Tensor.shapeText(x.shape())).collect(Collectors.toList())
                    + " differ from the reference's "
                    + t.stream().map(x -> x.dtype() + " " + Tensor.shapeText(x.shape())).collect(Collectors.toList()));
        }
    }

    private static List<CaseResult> judge(List<CaseRun> runs, List<TensorSpec> onnxOutputs, CheckRequest req) {
        List<CaseResult> out = new ArrayList<>();
        for (CaseRun r : runs) {
            List<InputDescription> inputs = new ArrayList<>();
            for (int i = 0; i < r.input().tensors().size(); i++) {
                Tensor t = r.input().tensors().get(i);
                inputs.add(new InputDescription(r.input().names().get(i), t.dtype().label(), t.shape()));
            }
            if (r.failure() != null) {
                out.add(new CaseResult(r.input().index(), r.input().regime().label(), inputs, Verdict.FAILED,
                        r.failure(), List.of(), r.torchMs(), r.onnxMs()));
                continue;
            }
            List<OutputFinding> findings = compareOutputs(r, onnxOutputs, req);
            Verdict v = findings.stream().map(OutputFinding::verdict).reduce(Verdict.FAITHFUL, Verdict::worse);
            out.add(new CaseResult(r.input().index(), r.input().regime().label(), inputs, v, r.note(), findings,
                    r.torchMs(), r.onnxMs()));
        }
        return out;
    }

    private static void saveInputs(List<InputCase> cases, List<CaseResult> judged, Path dir) throws BadInputException {
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

    private static AccuracyFinding accuracy(TorchScriptEngine torch, OnnxRuntimeEngine onnx, LabelledData data,
            CheckRequest req) throws EngineFailure {
        int out = 0;
        for (int i = 0; i < onnx.outputs().size(); i++) {
            if (req.logits().contains(onnx.outputs().get(i).name())) {
                out = i;
                break;
            }
        }
        long[] tp = new long[data.size()];
        long[] op = new long[data.size()];
        int at = 0;
        for (LabelledData.Batch b : data.batches(onnx.inputs())) {
            long[] t = AccuracyOracle.argmaxRows(torch.run(b.tensors()).get(out));
            long[] o = AccuracyOracle.argmaxRows(onnx.run(b.tensors()).get(out));
            System.arraycopy(t, 0, tp, at, b.valid());
            System.arraycopy(o, 0, op, at, b.valid());
            at += b.valid();
        }
        return AccuracyOracle.compare(data.labels(), tp, op, req.alpha());
    }

    public static String sha256(Path file) throws BadInputException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
