package dev.parity.check;

import dev.parity.engine.Engine;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.TensorSpec;
import dev.parity.engine.TorchScriptArchive;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.CasePlanner;
import dev.parity.inputs.InputCase;
import dev.parity.oracles.ClosenessOracle;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.InputDescription;
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

/**
 * Checks one TorchScript/ONNX pair: the library call under {@code parity check}.
 *
 * <p>Phases are separate: inputs are planned and validated first, then every case runs on both
 * engines and the outputs are kept, then the oracles judge the kept outputs. Engine failures are
 * recorded in the result ({@code failed}); only bad input throws.
 *
 * <pre>{@code
 * CheckResult r = ParityCheck.run(CheckRequest.builder(Path.of("model.pt"), Path.of("model.onnx")).build());
 * assertEquals(Verdict.FAITHFUL, r.verdict());
 * }</pre>
 */
public final class ParityCheck {
    public static final String MODE_TOLERANCE = "tolerance";

    private ParityCheck() {}

    public static CheckResult run(CheckRequest request) throws BadInputException {
        return run(request, CheckListener.NONE);
    }

    public static CheckResult run(CheckRequest req, CheckListener listener) throws BadInputException {
        TorchScriptArchive.check(req.torch());
        if (!Files.isRegularFile(req.onnx())) {
            throw new BadInputException("ONNX model not found: " + req.onnx());
        }
        ModelFile torchFile = new ModelFile(req.torch().toString(), sha256(req.torch()));
        ModelFile onnxFile = new ModelFile(req.onnx().toString(), sha256(req.onnx()));
        Map<String, String> engines = EngineVersions.all();

        try (OnnxRuntimeEngine onnx = OnnxRuntimeEngine.load(req.onnx(), req.onnxThreads(), req.onnxOptimization())) {
            List<InputCase> cases = req.inputsFile() != null
                    ? List.of(CasePlanner.fromFile(onnx.inputs(), req.inputsFile()))
                    : CasePlanner.plan(onnx.inputs(), req.inputOverrides(), req.symbolicSizes(), req.seed());
            try (TorchScriptEngine torch = TorchScriptEngine.load(req.torch(), req.torchOptions())) {
                List<CaseRun> runs = infer(torch, onnx, cases, listener);
                List<CaseResult> judged = judge(runs, onnx.outputs(), req.tolerances());
                Verdict overall = judged.stream().map(CaseResult::verdict).reduce(Verdict.FAITHFUL, Verdict::worse);
                String message = overall == Verdict.FAILED ? judged.stream().filter(c -> c.verdict() == Verdict.FAILED)
                        .map(CaseResult::message).findFirst().orElse(null) : null;
                return new CheckResult(overall, MODE_TOLERANCE, torchFile, onnxFile, engines, req.seed(), message, judged);
            }
        } catch (EngineFailure e) {
            return new CheckResult(Verdict.FAILED, MODE_TOLERANCE, torchFile, onnxFile, engines, req.seed(),
                    e.describe(), List.of());
        }
    }

    /** What one case produced on both engines, before any judgement. */
    record CaseRun(InputCase input, List<Tensor> torch, List<Tensor> onnx, Double torchMs, Double onnxMs,
            String failure) {}

    private static List<CaseRun> infer(Engine torch, OnnxRuntimeEngine onnx, List<InputCase> cases,
            CheckListener listener) throws BadInputException {
        List<CaseRun> runs = new ArrayList<>();
        for (InputCase c : cases) {
            listener.caseStarted(c.index(), cases.size(), c.regime().label());
            List<Tensor> t = null;
            List<Tensor> o = null;
            Double tMs = null;
            Double oMs = null;
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
            runs.add(new CaseRun(c, t, o, tMs, oMs, failures.isEmpty() ? null : String.join("; ", failures)));
        }
        return runs;
    }

    private static List<CaseResult> judge(List<CaseRun> runs, List<TensorSpec> onnxOutputs, ToleranceConfig tol) {
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
            List<OutputFinding> findings = compareOutputs(r.torch(), r.onnx(), onnxOutputs, tol);
            Verdict v = findings.stream().map(OutputFinding::verdict).reduce(Verdict.FAITHFUL, Verdict::worse);
            out.add(new CaseResult(r.input().index(), r.input().regime().label(), inputs, v, null, findings,
                    r.torchMs(), r.onnxMs()));
        }
        return out;
    }

    /** Outputs are matched by position; names come from the ONNX graph. */
    static List<OutputFinding> compareOutputs(List<Tensor> torch, List<Tensor> onnx, List<TensorSpec> onnxSpecs,
            ToleranceConfig tol) {
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
            findings.add(ClosenessOracle.compare(name, t, onnx.get(i), tol.forOutput(name, t.dtype())));
        }
        return findings;
    }

    static String sha256(Path file) throws BadInputException {
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
