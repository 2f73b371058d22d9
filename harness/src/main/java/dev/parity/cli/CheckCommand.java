package dev.parity.cli;

import dev.parity.errors.BadInputException;
import dev.parity.check.CheckListener;
import dev.parity.check.CheckRequest;
import dev.parity.check.ParityCheck;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.InputOverride;
import dev.parity.inputs.InputRole;
import dev.parity.inputs.RoleAssignment;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.Tolerance;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.result.CheckResult;
import dev.parity.result.ResultJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parity check}: one TorchScript/ONNX pair. Parses flags into a {@link CheckRequest}. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a TorchScript model and its ONNX export on identical inputs and compare every output.",
        footerHeading = "%nA reference that is not TorchScript:%n",
        footer = {"  parity check --reference-outputs OUT.npz [--reference64-outputs OUT64.npz] --inputs IN.npz "
                + "--onnx M.onnx",
            "  judges the export against outputs saved on IN.npz (tools/save_reference_outputs.py writes all three "
                + "from a module or a torch.export .pt2). Limits: only the saved inputs are compared (no value "
                + "regimes or symbolic sizes beyond them), no --localize, no reference latency, no check that the "
                + "reference agrees with itself, no --dataset; without OUT64.npz the tolerances are fixed (nothing "
                + "reruns the reference on moved inputs). Outputs are matched by name when OUT.npz names every ONNX "
                + "output, else by position.",
            "%nOptimisation probe:%n  a discrepant export is run again with ONNX Runtime's optimisations disabled "
                + "(--no-opt-probe turns it off): faithful then means ONNX Runtime's optimiser causes the "
                + "discrepancy; discrepant means the exported graph or an ONNX Runtime kernel, which only a second "
                + "runtime tells apart."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:faithful", "1:discrepant, accuracy-discrepant or nondeterministic-reference",
            "2:usage error or bad input",
            "3:an engine failed to load or run the model", "4:internal error",
            "5:a model file refused as unsafe (pickle global, path escape, zip bomb, code that writes files)",
            "6:the requested device is unavailable (e.g. CUDA on a CPU-only build)"})
public final class CheckCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CommonOptions common;

    @Option(names = "--torch", paramLabel = "REF.pt",
            description = "TorchScript reference (torch.jit.save); or give --reference-outputs.")
    Path torch;

    @Option(names = "--onnx", required = true, paramLabel = "MODEL.onnx", description = "ONNX export under test.")
    Path onnx;

    @Option(names = "--reference64", paramLabel = "REF64.pt",
            description = "Float64 twin of the reference (same weights, traced in float64): verdicts by error attribution.")
    Path reference64;

    @Option(names = "--reference-outputs", paramLabel = "OUT.npz",
            description = "The reference's outputs saved on --inputs IN.npz, instead of --torch (limits: see below).")
    Path referenceOutputs;

    @Option(names = "--reference64-outputs", paramLabel = "OUT64.npz",
            description = "Outputs of a float64 copy of the reference on the same inputs: attribution mode with "
                    + "--reference-outputs.")
    Path reference64Outputs;

    @Option(names = "--dataset", paramLabel = "FILE.npz",
            description = "Labelled data (one array per input, int64 'labels'): accuracy of both models and a McNemar test.")
    Path dataset;

    @Option(names = "--logits", paramLabel = "OUT", description = "Read this output as class logits (detected otherwise). Repeatable.")
    List<String> logits = new ArrayList<>();

    @Option(names = "--input", paramLabel = "NAME:DTYPE:DIMS[:LO:HI]",
            description = "Shape and value range of an input, e.g. ids:int64:2x7:0:50 or x:float32:4x16. Repeatable.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--inputs", paramLabel = "FILE.npz|DIR", description = "Real inputs: an .npz or a folder of NAME.npy, instead of generated ones.")
    Path inputsFile;

    @Option(names = "--symbolic-sizes", paramLabel = "[SYM=]N,...",
            description = "Sizes tried for every free symbolic dimension (N,...), or for one by name (SYM=N,...: the "
                    + "variants become the product over the free symbols, at most 64), each 1..65536 (default: 1,3; "
                    + "a text model's sequence symbol 1,8,32). Repeatable.")
    List<String> symbolicSizes = new ArrayList<>();

    @Option(names = "--role", paramLabel = "NAME=ROLE",
            description = "Role of an input: token-ids:V (ids in [0, V)), attention-mask (0/1 in padding patterns), "
                    + "token-type-ids:N, position-ids:P (0, 1, 2, ... along the sequence) or none; wins over the inferred role. Repeatable.")
    List<String> roles = new ArrayList<>();

    @Option(names = "--no-infer-roles",
            description = "Do not infer input roles (token ids, attention masks, token types) from the ONNX graph and names.")
    boolean noInferRoles;

    @Option(names = "--last-position", paramLabel = "OUT",
            description = "Also judge the last sequence position of this [batch, seq, classes] output as class logits "
                    + "(top-1/top-5 agreement), as output OUT[:, -1]. Repeatable.")
    List<String> lastPosition = new ArrayList<>();

    @Option(names = "--atol", description = "Absolute tolerance for every floating output (default per dtype; float32 1e-5).")
    Double atol;

    @Option(names = "--rtol", description = "Relative tolerance for every floating output (default per dtype; float32 1.3e-6).")
    Double rtol;

    @Option(names = "--tol", paramLabel = "OUT=ATOL:RTOL", description = "Tolerance for one output. Repeatable.")
    List<String> perOutput = new ArrayList<>();

    @Option(names = "--attribution-ratio", paramLabel = "R",
            description = "Attribution mode: the export may make R times the reference's own error (default: ${DEFAULT-VALUE}).",
            defaultValue = "16")
    double attributionRatio;

    @Option(names = "--attribution-floor", paramLabel = "F",
            description = "Attribution mode: scaled errors below F are noise (default: ${DEFAULT-VALUE}).", defaultValue = "1e-4")
    double attributionFloor;

    @Option(names = "--alpha", defaultValue = "0.05", description = "Significance level of the accuracy verdict (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads of both engines (0: engine default).")
    int threads;

    @Option(names = "--torch-graph-optimizer", description = "Run TorchScript's profiling graph executor (default off: the module as saved).")
    boolean graphOptimizer;

    @Option(names = "--onnx-opt", defaultValue = "all", paramLabel = "LEVEL",
            description = "ONNX Runtime graph optimisation: disabled, basic, extended or all (default: ${DEFAULT-VALUE}).")
    String onnxOpt;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Where ONNX Runtime runs the export (CUDA needs the GPU build: mvn -Pcuda) (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--localize", paramLabel = "PROBE.pt",
            description = "On a discrepancy, name the first divergent module, using this probe of the reference "
                    + "(probe64.pt and probe.json beside it; made by model-corpus/builders/probe.py).")
    Path localize;

    @Option(names = "--no-opt-probe",
            description = "Do not rerun a discrepant export with ONNX Runtime's optimisations disabled.")
    boolean noOptProbe;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the whole result as JSON.")
    Path json;

    @CommandLine.Mixin
    WorkerOptions workerOptions;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "Wall-clock limit of the check; the worker is killed past it (0: none; default: ${DEFAULT-VALUE}).")
    int timeout;

    @Option(names = "--in-process",
            description = "Run the engines in this process: no worker, no sandbox, no memory cap or timeout (trusted models only).")
    boolean inProcess;

    @Override
    public Integer call() throws BadInputException {
        if (common.verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            OnnxRuntimeEngine.setNativeLogs(true);
        }
        CheckRequest request = toRequest();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean interactive = System.console() != null;
        CheckListener progress = new CheckListener() {
            @Override
            public void caseStarted(int index, int total, String regime) {
                if (interactive || common.verbose) {
                    err.print("\rcase " + (index + 1) + "/" + total + " (" + regime + ")   " + (common.verbose ? "\n" : ""));
                    err.flush();
                }
            }
        };
        CheckResult result;
        if (inProcess) {
            result = ParityCheck.run(request, progress);
        } else {
            dev.parity.isolation.Limits limits = workerOptions.limits(spec, timeout);
            if (limits.sandbox() && !dev.parity.isolation.WorkerProcess.sandboxed(limits)) {
                err.println("parity: note: no OS sandbox (" + dev.parity.isolation.Sandbox.unavailableReason()
                        + "); the worker runs with its memory cap and timeout only");
                err.flush();
            }
            result = dev.parity.check.IsolatedCheck.run(request, limits, progress);
        }
        if (interactive && !common.verbose) {
            err.print("\r" + " ".repeat(40) + "\r");
            err.flush();
        }
        out.print(dev.parity.reports.ConsoleReport.render(result));
        if (result.optimizationProbe() != null) {
            out.println("onnx optimisations: " + result.optimizationProbe().message());
        }
        out.flush();
        if (json != null) {
            try {
                ResultJson.write(result, json);
            } catch (IOException e) {
                throw new BadInputException("cannot write --json " + json + ": " + e.getMessage(), e);
            }
        }
        switch (result.verdict()) {
            case FAITHFUL: return ExitCodes.FAITHFUL;
            case DISCREPANT: return ExitCodes.DISCREPANT;
            case ACCURACY_DISCREPANT: return ExitCodes.DISCREPANT;
            case NONDETERMINISTIC_REFERENCE: return ExitCodes.DISCREPANT;
            default: return ExitCodes.ENGINE_FAILED;
        }
    }

    /** {@code --symbolic-sizes 1,3} (repeated: the lists join) and {@code --symbolic-sizes SYM=1,8,16} (once per symbol). */
    private void parseSymbolicSizes(CheckRequest.Builder b) {
        List<Long> plain = new ArrayList<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        for (String text : symbolicSizes) {
            int eq = text.indexOf('=');
            String symbol = eq < 0 ? null : text.substring(0, eq).trim();
            List<Long> sizes = new ArrayList<>();
            try {
                for (String n : text.substring(eq + 1).split(",", -1)) {
                    sizes.add(Long.parseLong(n.trim()));
                }
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "malformed --symbolic-sizes '" + text
                        + "' (expected sizes such as 1,3 or a symbol's sizes such as seq=1,8,16)");
            }
            if (symbol == null) {
                plain.addAll(sizes);
            } else {
                if (symbol.isEmpty() || !named.add(symbol)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--symbolic-sizes '" + text + "': "
                            + (symbol.isEmpty() ? "no symbol name" : "symbol '" + symbol + "' given twice"));
                }
                b.optSymbolSizes(symbol, sizes);
            }
        }
        if (!plain.isEmpty()) {
            b.optSymbolicSizes(plain);
        }
    }

    /** Validates every flag before any model is loaded. */
    CheckRequest toRequest() {
        if (referenceOutputs != null) {
            String torchOnly = torch != null ? "--torch" : reference64 != null ? "--reference64"
                    : localize != null ? "--localize" : dataset != null ? "--dataset" : !inputs.isEmpty() ? "--input"
                    : graphOptimizer ? "--torch-graph-optimizer" : !common.torchDevice.equals("cpu") ? "--torch-device"
                    : null;
            if (torchOnly != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--reference-outputs and " + torchOnly
                        + " exclude each other: saved outputs are compared on their saved inputs only, with no "
                        + "TorchScript model (see 'parity check --help')");
            }
            if (inputsFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--reference-outputs needs --inputs IN.npz, "
                        + "the inputs the outputs were saved on");
            }
        } else if (torch == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --torch REF.pt (or --reference-outputs "
                    + "OUT.npz with --inputs IN.npz)");
        } else if (reference64Outputs != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reference64-outputs needs --reference-outputs; "
                    + "with --torch give the float64 twin as --reference64 REF64.pt");
        }
        CheckRequest.Builder b = (referenceOutputs != null
                ? CheckRequest.savedOutputsBuilder(referenceOutputs, inputsFile, onnx).optReference64Outputs(reference64Outputs)
                : CheckRequest.builder(torch, onnx)).optSeed(common.seed).optOnnxThreads(threads)
                .optOptimizationProbe(!noOptProbe);
        try {
            b.optTorchOptions(TorchScriptEngine.Options.forDevice(graphOptimizer, threads, common.torchDevice));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--torch-device: " + e.getMessage());
        }
        for (String text : inputs) {
            try {
                b.optInput(InputOverride.parse(text));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (threads < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 0, got " + threads);
        }
        if (json != null && java.nio.file.Files.isDirectory(json)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--json " + json + " is a directory, expected a file path");
        }
        if (inputsFile != null && !inputs.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--inputs and --input exclude each other");
        }
        b.optInputsFile(inputsFile);
        b.optReference64(reference64).optDataset(dataset).optLocalize(localize);
        logits.forEach(b::optLogits);
        try {
            b.optAttribution(new AttributionConfig(attributionRatio, attributionFloor)).optNoiseFactor(common.noiseFactor)
                    .optAlpha(alpha);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        parseSymbolicSizes(b);
        for (String text : roles) {
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "malformed --role '" + text
                        + "' (expected NAME=ROLE, e.g. input_ids=token-ids:30522, attention_mask=attention-mask, "
                        + "token_type_ids=token-type-ids:2, x=none)");
            }
            try {
                b.optRole(text.substring(0, eq).trim(), InputRole.parse(text.substring(eq + 1)), RoleAssignment.Origin.FLAG);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--role " + text + ": " + e.getMessage());
            }
        }
        if (referenceOutputs != null && !roles.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--role and --reference-outputs exclude each "
                    + "other: saved outputs are compared on their saved inputs only");
        }
        b.optInferRoles(!noInferRoles);
        lastPosition.forEach(b::optLastPosition);
        OnnxRuntimeEngine.Optimization opt;
        try {
            opt = OnnxRuntimeEngine.Optimization.valueOf(onnxOpt.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--onnx-opt '" + onnxOpt
                    + "' is not one of disabled, basic, extended, all");
        }
        b.optOnnxOptimization(opt);
        try {
            dev.parity.engine.Placement p = dev.parity.engine.Placement.parse(device);
            b.optPlacement(new dev.parity.engine.Placement(p.device(), p.deviceId(), opt));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }
        Map<String, Tolerance> per = new LinkedHashMap<>();
        for (String t : perOutput) {
            int eq = t.lastIndexOf('=');
            String[] v = eq < 0 ? new String[0] : t.substring(eq + 1).split(":");
            if (eq <= 0 || v.length != 2) {
                throw new CommandLine.ParameterException(spec.commandLine(), "malformed --tol '" + t
                        + "' (expected OUT=ATOL:RTOL, e.g. logits=1e-4:1e-3)");
            }
            try {
                per.put(t.substring(0, eq), new Tolerance(Double.parseDouble(v[0]), Double.parseDouble(v[1])));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "malformed --tol '" + t + "': " + e.getMessage());
            }
        }
        try {
            b.optTolerances(new ToleranceConfig(atol, rtol, per));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
