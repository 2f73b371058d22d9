package dev.parity.check;

import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.Placement;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.CasePlanner;
import dev.parity.inputs.InputOverride;
import dev.parity.inputs.InputRole;
import dev.parity.inputs.RoleAssignment;
import dev.parity.oracles.AccuracyOracle;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.OutputJudge;
import dev.parity.oracles.ToleranceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;

/**
 * Everything one check needs; the CLI's {@code check} flags parse into exactly this.
 * Build with {@link #builder(Path, Path)}: the two model files are required, the rest optional; or,
 * for a reference that is not TorchScript, with {@link #savedOutputsBuilder(Path, Path, Path)}: its
 * outputs saved on given inputs.
 *
 * @param torch the TorchScript reference ({@code torch.jit.save} output); null when the reference is
 *     given as saved outputs
 * @param onnx the ONNX export under test
 * @param seed seed of the generated inputs
 * @param inputOverrides {@code --input} shapes and ranges
 * @param inputsFile user data ({@code .npz} or a folder of {@code .npy}), replacing generation
 * @param symbolicSizes sizes tried for free symbolic dimensions; empty: not given ({@link
 *     CasePlanner#DEFAULT_SYMBOLIC_SIZES}, and a text model's sequence symbol {@link CasePlanner#DEFAULT_SEQUENCE_SIZES})
 * @param tolerances closeness rules
 * @param torchOptions libtorch settings
 * @param onnxThreads ONNX Runtime intra-op threads (0: its default)
 * @param onnxOptimization ONNX Runtime graph optimisation level
 * @param reference64 float64 twin of the reference (attribution mode), or null (tolerance mode)
 * @param dataset labelled data ({@code .npz} with one array per input and {@code labels}), or null
 * @param logits outputs to read as class logits (others are detected by shape and name)
 * @param attribution the attribution rule
 * @param noiseFactor tolerance mode: multiples of the reference's one-ulp movement added to atol
 *     (0: fixed tolerances)
 * @param alpha significance level of the accuracy verdict
 * @param saveInputsDir where to write the inputs of every non-faithful case ({@code case<i>.npz}),
 *     so a discrepancy can be reproduced; null: not saved
 * @param latencyRuns timed warm runs of each engine for the latency record (0: none)
 * @param placement device and optimisation level of the ONNX side (its optimisation wins over
 *     {@code onnxOptimization})
 * @param localize the reference's probe ({@code probe.pt}, with probe64.pt and probe.json beside it):
 *     a discrepant check names its first divergent module; null: no localization
 * @param optimizationProbe whether a discrepant export is run again with ONNX Runtime's optimisations
 *     disabled, to tell whether they cause the discrepancy (see {@link dev.parity.result.OptimizationProbe})
 * @param referenceOutputs the reference's outputs saved on {@code inputsFile} ({@code .npz}, one array per
 *     output, named as the ONNX outputs or in their order), instead of a TorchScript reference; null when
 *     {@code torch} is given
 * @param reference64Outputs the outputs of a float64 copy of the reference on the same inputs (attribution
 *     mode with saved outputs), or null
 * @param symbolSizes sizes of single symbolic dims by name ({@code --symbolic-sizes seq=1,8,16}): the size
 *     variants become the product over the free symbols, see {@link CasePlanner#plan}
 * @param roles input roles given by a manifest or {@code --role} (they win over inferred ones)
 * @param inferRoles whether roles are inferred from the ONNX graph and names ({@link dev.parity.inputs.RoleInference})
 * @param lastPosition outputs of shape [B, S, V] whose last sequence position is also judged as class logits
 *     ({@code --last-position}), as a derived output {@code NAME[:, -1]}
 */
public record CheckRequest(
        Path torch,
        Path onnx,
        long seed,
        List<InputOverride> inputOverrides,
        Path inputsFile,
        List<Long> symbolicSizes,
        ToleranceConfig tolerances,
        TorchScriptEngine.Options torchOptions,
        int onnxThreads,
        OnnxRuntimeEngine.Optimization onnxOptimization,
        Path reference64,
        Path dataset,
        List<String> logits,
        AttributionConfig attribution,
        double noiseFactor,
        double alpha,
        Path saveInputsDir,
        int latencyRuns,
        Placement placement,
        Path localize,
        boolean optimizationProbe,
        Path referenceOutputs,
        Path reference64Outputs,
        Map<String, List<Long>> symbolSizes,
        List<RoleAssignment> roles,
        boolean inferRoles,
        List<String> lastPosition) {

    public static final long DEFAULT_SEED = 0;
    /** Most intra-op threads either engine is given. */
    public static final int MAX_THREADS = 1024;
    /** Most timed latency runs. */
    public static final int MAX_LATENCY_RUNS = 10_000;

    /**
     * Validates every value a flag can carry; the messages name the flag.
     *
     * @throws IllegalArgumentException for a value out of range: a negative, NaN or infinite noise
     *     factor, alpha outside (0, 1), a symbolic size outside 1..{@value CasePlanner#MAX_SYMBOLIC_SIZE},
     *     threads outside 0..{@value #MAX_THREADS}, latency runs outside 0..{@value #MAX_LATENCY_RUNS}
     *     (tolerance and attribution values are checked by their own records); for a reference that is
     *     neither or both of a TorchScript file and saved outputs, and for saved outputs without their inputs
     *     or with what needs a TorchScript reference (a float64 twin, labelled data, a probe)
     */
    public CheckRequest {
        Objects.requireNonNull(onnx, "onnx");
        requireOneReference(torch, referenceOutputs, inputsFile, reference64, dataset, localize);
        if (reference64Outputs != null && referenceOutputs == null) {
            throw new IllegalArgumentException("--reference64-outputs needs --reference-outputs (with --torch, give "
                    + "the float64 twin as --reference64 REF64.pt)");
        }
        inputOverrides = List.copyOf(inputOverrides);
        symbolicSizes = List.copyOf(symbolicSizes);
        symbolSizes = copySizes(symbolSizes);
        roles = List.copyOf(roles);
        lastPosition = List.copyOf(lastPosition);
        Objects.requireNonNull(tolerances, "tolerances");
        Objects.requireNonNull(torchOptions, "torchOptions");
        Objects.requireNonNull(onnxOptimization, "onnxOptimization");
        logits = List.copyOf(logits);
        Objects.requireNonNull(attribution, "attribution");
        OutputJudge.requireNoiseFactor(noiseFactor);
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        for (long s : symbolicSizes) {
            if (s < 1 || s > CasePlanner.MAX_SYMBOLIC_SIZE) {
                throw new IllegalArgumentException("--symbolic-sizes must be in 1.." + CasePlanner.MAX_SYMBOLIC_SIZE
                        + ", got " + s);
            }
        }
        for (var e : symbolSizes.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("--symbolic-sizes " + e.getKey() + "= needs at least one size");
            }
            for (long s : e.getValue()) {
                if (s < 1 || s > CasePlanner.MAX_SYMBOLIC_SIZE) {
                    throw new IllegalArgumentException("--symbolic-sizes " + e.getKey() + "= sizes must be in 1.."
                            + CasePlanner.MAX_SYMBOLIC_SIZE + ", got " + s);
                }
            }
        }
        for (int threads : new int[] {onnxThreads, torchOptions.intraOpThreads()}) {
            if (threads < 0 || threads > MAX_THREADS) {
                throw new IllegalArgumentException("--threads must be in 0.." + MAX_THREADS + ", got " + threads);
            }
        }
        if (latencyRuns < 0 || latencyRuns > MAX_LATENCY_RUNS) {
            throw new IllegalArgumentException("latency runs must be in 0.." + MAX_LATENCY_RUNS + ", got " + latencyRuns);
        }
    }

    /** An unmodifiable copy that keeps the symbols' order. */
    private static Map<String, List<Long>> copySizes(Map<String, List<Long>> sizes) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        sizes.forEach((k, v) -> out.put(Objects.requireNonNull(k, "symbol"), List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    private static void requireOneReference(Path torch, Path referenceOutputs, Path inputsFile, Path reference64,
            Path dataset, Path localize) {
        if (torch == null && referenceOutputs == null) {
            throw new IllegalArgumentException("no reference: give --torch REF.pt or --reference-outputs OUT.npz");
        }
        if (referenceOutputs == null) {
            return;
        }
        if (torch != null) {
            throw new IllegalArgumentException("--torch and --reference-outputs exclude each other");
        }
        if (inputsFile == null) {
            throw new IllegalArgumentException("--reference-outputs needs --inputs IN.npz: the inputs the outputs were "
                    + "saved on");
        }
        String needsTorch = reference64 != null ? "--reference64 (give --reference64-outputs OUT64.npz)"
                : dataset != null ? "--dataset" : localize != null ? "--localize" : null;
        if (needsTorch != null) {
            throw new IllegalArgumentException(needsTorch + " needs a TorchScript reference (--torch); with "
                    + "--reference-outputs only the saved inputs are compared");
        }
    }

    /** The reference's file: the TorchScript archive, or the saved outputs. */
    public Path referenceFile() {
        return torch != null ? torch : referenceOutputs;
    }

    public static Builder builder(Path torch, Path onnx) {
        return new Builder(torch, onnx);
    }

    /**
     * A check against saved reference outputs: {@code outputs} ({@code .npz}, one array per ONNX output,
     * named as the ONNX outputs or in their order) computed by the reference on {@code inputs}
     * ({@code .npz}, one array per ONNX input), e.g. by {@code tools/save_reference_outputs.py}. Only those
     * inputs are compared; there is no localization, reference latency or nondeterminism check, and
     * without {@link Builder#optReference64Outputs} the tolerances are fixed (nothing reruns the reference
     * on moved inputs).
     */
    public static Builder savedOutputsBuilder(Path outputs, Path inputs, Path onnx) {
        Builder b = new Builder(null, onnx);
        b.referenceOutputs = outputs;
        b.inputsFile = inputs;
        return b;
    }

    /** Builder in DJL's style: required values in the constructor, {@code opt*} for the rest. */
    public static final class Builder {
        private final Path torch;
        private final Path onnx;
        private long seed = DEFAULT_SEED;
        private final List<InputOverride> overrides = new ArrayList<>();
        private Path inputsFile;
        private List<Long> symbolicSizes = List.of();
        private final Map<String, List<Long>> symbolSizes = new LinkedHashMap<>();
        private final List<RoleAssignment> roles = new ArrayList<>();
        private boolean inferRoles = true;
        private final List<String> lastPosition = new ArrayList<>();
        private ToleranceConfig tolerances = ToleranceConfig.defaults();
        private TorchScriptEngine.Options torchOptions = TorchScriptEngine.Options.defaults();
        private int onnxThreads;
        private OnnxRuntimeEngine.Optimization onnxOptimization = OnnxRuntimeEngine.Optimization.ALL;
        private Path reference64;
        private Path dataset;
        private final List<String> logits = new ArrayList<>();
        private AttributionConfig attribution = AttributionConfig.defaults();
        private double noiseFactor = OutputJudge.DEFAULT_NOISE_FACTOR;
        private double alpha = AccuracyOracle.DEFAULT_ALPHA;
        private Path saveInputsDir;
        private int latencyRuns = 5;
        private Placement placement;
        private Path localize;
        private boolean optimizationProbe = true;
        private Path referenceOutputs;
        private Path reference64Outputs;

        private Builder(Path torch, Path onnx) {
            this.torch = torch;
            this.onnx = onnx;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optInput(InputOverride override) {
            overrides.add(override);
            return this;
        }

        public Builder optInputsFile(Path file) {
            this.inputsFile = file;
            return this;
        }

        public Builder optSymbolicSizes(List<Long> sizes) {
            this.symbolicSizes = sizes;
            return this;
        }

        /** Sizes of one symbolic dim by name; the other free symbols keep {@link #optSymbolicSizes}'s list. */
        public Builder optSymbolSizes(String symbol, List<Long> sizes) {
            symbolSizes.put(symbol, sizes);
            return this;
        }

        /** The role of one input, from a {@code --role} flag or a manifest; wins over an inferred role. */
        public Builder optRole(String input, InputRole role, RoleAssignment.Origin origin) {
            roles.add(new RoleAssignment(input, role, origin, null));
            return this;
        }

        /** Whether roles are inferred from the ONNX graph and names (default on; corpus runs turn it off). */
        public Builder optInferRoles(boolean on) {
            this.inferRoles = on;
            return this;
        }

        /** An output of shape [B, S, V] whose last position is also judged as class logits. */
        public Builder optLastPosition(String output) {
            lastPosition.add(output);
            return this;
        }

        public Builder optTolerances(ToleranceConfig tolerances) {
            this.tolerances = tolerances;
            return this;
        }

        public Builder optTorchOptions(TorchScriptEngine.Options options) {
            this.torchOptions = options;
            return this;
        }

        public Builder optOnnxThreads(int threads) {
            this.onnxThreads = threads;
            return this;
        }

        public Builder optOnnxOptimization(OnnxRuntimeEngine.Optimization level) {
            this.onnxOptimization = level;
            return this;
        }

        /** The float64 twin of the reference: switches verdicts to attribution mode. */
        public Builder optReference64(Path file) {
            this.reference64 = file;
            return this;
        }

        public Builder optDataset(Path file) {
            this.dataset = file;
            return this;
        }

        public Builder optLogits(String output) {
            logits.add(output);
            return this;
        }

        public Builder optAttribution(AttributionConfig config) {
            this.attribution = config;
            return this;
        }

        public Builder optNoiseFactor(double factor) {
            this.noiseFactor = factor;
            return this;
        }

        public Builder optAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder optSaveInputs(Path dir) {
            this.saveInputsDir = dir;
            return this;
        }

        public Builder optLocalize(Path probe) {
            this.localize = probe;
            return this;
        }

        public Builder optPlacement(Placement placement) {
            this.placement = placement;
            return this;
        }

        /** Whether a discrepant export is run again with ONNX Runtime's optimisations disabled (default on). */
        public Builder optOptimizationProbe(boolean on) {
            this.optimizationProbe = on;
            return this;
        }

        /** Saved outputs of a float64 copy of the reference (attribution mode with saved outputs). */
        public Builder optReference64Outputs(Path file) {
            this.reference64Outputs = file;
            return this;
        }

        public Builder optLatencyRuns(int runs) {
            this.latencyRuns = runs;
            return this;
        }

        public CheckRequest build() {
            return new CheckRequest(torch, onnx, seed, overrides, inputsFile, symbolicSizes, tolerances,
                    torchOptions, onnxThreads, onnxOptimization, reference64, dataset, logits, attribution,
                    noiseFactor, alpha, saveInputsDir, latencyRuns,
                    placement != null ? placement : new Placement("cpu", 0, onnxOptimization), localize,
                    optimizationProbe, referenceOutputs, reference64Outputs, symbolSizes, roles, inferRoles, lastPosition);
        }
    }
}
