package dev.parity.check;

import dev.parity.errors.BadInputException;
import dev.parity.engine.Devices;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.TensorSpec;
import dev.parity.inputs.CasePlanner;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.Npy;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.ModelFile;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A check whose reference is not a model Parity runs but its outputs, saved on given inputs (for models
 * only torch.export or eager PyTorch can run; {@code tools/save_reference_outputs.py} writes them). The
 * export runs on the saved inputs and the same oracles judge it against the saved outputs, and against
 * saved float64 outputs in attribution mode.
 *
 * <p>What a saved reference cannot give, said in the result's warnings: no inputs beyond the saved ones
 * (no value regimes, no symbolic sizes), no localization, no latency of the reference, no check that the
 * reference agrees with itself, and in tolerance mode fixed tolerances (the noise-aware tolerance reruns
 * the reference on moved inputs).
 */
final class SavedReferenceCheck {
    /** The warning every saved-reference result carries. */
    static final String LIMITS = "the reference is saved outputs: only the saved inputs are compared (no value regimes "
            + "or symbolic sizes beyond them), no localization, no reference latency, no check that the reference "
            + "agrees with itself";

    private SavedReferenceCheck() {}

    static CheckResult run(CheckRequest req, CheckListener listener) throws BadInputException {
        requireFile("--reference-outputs", req.referenceOutputs());
        requireFile("--reference64-outputs", req.reference64Outputs());
        requireFile("--inputs", req.inputsFile());
        if (!Files.isRegularFile(req.onnx())) {
            throw new BadInputException("ONNX model not found: " + req.onnx());
        }
        ModelFile refFile = new ModelFile(req.referenceOutputs().toString(), ParityCheck.sha256(req.referenceOutputs()));
        ModelFile onnxFile = new ModelFile(req.onnx().toString(), ParityCheck.sha256(req.onnx()));
        boolean twin = req.reference64Outputs() != null;
        String mode = twin ? ParityCheck.MODE_ATTRIBUTION : ParityCheck.MODE_TOLERANCE;
        AttributionConfig rule = twin ? req.attribution() : null;
        Map<String, String> engines = EngineVersions.all();
        List<String> warnings = new ArrayList<>();
        Devices.requireOnnx(req.placement());
        CheckResult result;
        List<ParityCheck.CaseRun> runs;
        try (OnnxRuntimeEngine onnx = OnnxRuntimeEngine.load(req.onnx(), req.onnxThreads(), req.placement())) {
            ParityCheck.requireKnownOutputs(req, onnx.outputs());
            InputCase c = CasePlanner.fromFile(onnx.inputs(), req.inputsFile());
            List<String> names = onnx.outputs().stream().map(TensorSpec::name).collect(Collectors.toList());
            Matched t = match(read("--reference-outputs", req.referenceOutputs()), names, "--reference-outputs",
                    req.referenceOutputs());
            Matched t64 = twin ? match(read("--reference64-outputs", req.reference64Outputs()), names,
                    "--reference64-outputs", req.reference64Outputs()) : null;
            if (t64 != null) {
                ParityCheck.requireTwin(t.tensors(), t64.tensors(), "--reference64-outputs", req.reference64Outputs());
            }
            warnings.add(LIMITS + (twin ? "" : ", and fixed tolerances (nothing reruns the reference on moved inputs)")
                    + "; outputs matched " + t.how());
            listener.caseStarted(0, 1, c.regime().label());
            List<Tensor> o = null;
            Double oMs = null;
            String failure = null;
            long o0 = System.nanoTime();
            try {
                o = onnx.run(c.tensors());
                oMs = (System.nanoTime() - o0) / 1e6;
            } catch (EngineFailure e) {
                failure = e.describe();
            }
            // the perturbed run is left out: its absence makes the judge use fixed tolerances
            runs = List.of(new ParityCheck.CaseRun(c, t.tensors(), o,
                    t64 == null ? null : t64.tensors(), null, null, oMs, failure, null));
            List<CaseResult> judged = ParityCheck.judge(runs, onnx.outputs(), req);
            ParityCheck.saveInputs(List.of(c), judged, req.saveInputsDir());
            Verdict overall = judged.stream().map(CaseResult::verdict).reduce(Verdict.FAITHFUL, Verdict::worse);
            String message = overall == Verdict.FAILED ? failure : null;
            result = new CheckResult(overall, mode, refFile, onnxFile, engines, req.seed(), message, judged, null, rule,
                    null, null, warnings);
        } catch (EngineFailure e) {
            return new CheckResult(Verdict.FAILED, mode, refFile, onnxFile, engines, req.seed(), e.describe(),
                    List.of(), null, rule, null, null, warnings);
        }
        return OptimizationRerun.applies(req, result.cases())
                ? result.withOptimizationProbe(OptimizationRerun.run(req, runs, result.cases())) : result;
    }

    private static void requireFile(String flag, Path file) throws BadInputException {
        if (file != null && !Files.isRegularFile(file)) {
            throw new BadInputException(flag + " not found: " + file);
        }
    }

    private static Map<String, Tensor> read(String flag, Path file) throws BadInputException {
        try {
            return Npy.readNpz(file);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(flag + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Saved outputs in the ONNX outputs' order, and how they were matched. */
    record Matched(List<Tensor> tensors, String how) {}

    /**
     * Orders saved outputs as the ONNX outputs: by name when the archive names every ONNX output (arrays
     * it has beyond them follow, so a count that differs is a discrepancy, as with a TorchScript reference),
     * else by position in the archive. An archive that names some ONNX outputs but not all is refused: by
     * position it would be compared in an order its names contradict.
     */
    static Matched match(Map<String, Tensor> saved, List<String> onnxNames, String flag, Path file)
            throws BadInputException {
        List<String> named = onnxNames.stream().filter(saved::containsKey).collect(Collectors.toList());
        if (named.size() == onnxNames.size()) {
            Map<String, Tensor> rest = new LinkedHashMap<>(saved);
            List<Tensor> out = new ArrayList<>();
            onnxNames.forEach(n -> out.add(rest.remove(n)));
            out.addAll(rest.values());
            return new Matched(out, "by name");
        }
        if (!named.isEmpty()) {
            List<String> missing = onnxNames.stream().filter(n -> !saved.containsKey(n)).collect(Collectors.toList());
            throw new BadInputException(flag + " " + file + " names the ONNX outputs " + named + " but not " + missing
                    + " (its arrays: " + saved.keySet() + "); name every output as the ONNX model does, or none");
        }
        return new Matched(new ArrayList<>(saved.values()), "by position (" + file.getFileName() + "'s arrays "
                + saved.keySet() + " are not the ONNX output names " + onnxNames + ")");
    }
}
