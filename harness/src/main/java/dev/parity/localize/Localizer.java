package dev.parity.localize;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.errors.BadInputException;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.Placement;
import dev.parity.engine.TensorSpec;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.Perturbation;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.OutputJudge;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.oracles.Verdict;
import dev.parity.result.Localization;
import dev.parity.result.ResultJson;
import dev.parity.safety.OnnxModelCheck;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Names the first module where the ONNX export diverges from the reference. The probe (a TorchScript
 * module returning every submodule's output, made by {@code model-corpus/builders/probe.py}) and its
 * float64 twin run once on the case's inputs; the ONNX side exposes the mapped boundary values ({@link
 * OnnxBoundaries}: from the dynamo exporter's scope metadata, else from scoped node names) as
 * extra graph outputs, at most {@link #BATCH} per session, so memory stays bounded on large models;
 * each boundary is judged by the attribution oracle, in the order the modules finish.
 *
 * <p>Both sides run as the check that asks for the localization runs ({@link Settings}); the ONNX
 * sessions are {@link OnnxRuntimeEngine}s, so inputs of every dtype are fed and outputs of every dtype
 * read by the same code as the check's. Nothing fails silently: a probe or ONNX Runtime failure, or a
 * boundary that cannot be compared, is recorded with its reason, and a localization that judged no
 * boundary is {@link Localization.Status#FAILED}, never "no module boundary diverges".
 */
public final class Localizer {
    /** Extra ONNX outputs per session. */
    public static final int BATCH = 8;

    private Localizer() {}

    /** The probe files beside each other: probe.pt, probe64.pt, probe.json. */
    public record Probe(Path torch, Path torch64, Path spec) {
        public static Probe beside(Path probePt) {
            Path dir = probePt.toAbsolutePath().getParent();
            return new Probe(probePt, dir.resolve("probe64.pt"), dir.resolve("probe.json"));
        }
    }

    /**
     * How both sides run: the check's ONNX placement (device and optimisation level), ONNX Runtime
     * intra-op threads (0: its default) and libtorch options, so the localization sees what the check saw.
     */
    public record Settings(Placement placement, int onnxThreads, TorchScriptEngine.Options torchOptions) {
        public Settings {
            Objects.requireNonNull(placement, "placement");
            Objects.requireNonNull(torchOptions, "torchOptions");
        }

        /** CPU, every ONNX Runtime optimisation, engine-default threads, the module as saved. */
        public static Settings defaults() {
            return new Settings(Placement.CPU, 0, TorchScriptEngine.Options.defaults());
        }
    }

    /**
     * Localizes the divergence shown by case {@code c}.
     *
     * @throws BadInputException when the probe's spec or a model file cannot be read or is refused;
     *     engine failures are recorded in the result instead
     */
    public static Localization localize(Probe probe, Path onnxFile, InputCase c, AttributionConfig rule,
            Settings settings) throws BadInputException {
        JsonNode spec;
        try {
            spec = ResultJson.mapper().readTree(Files.readString(probe.spec()));
        } catch (IOException e) {
            throw new BadInputException("--localize: cannot read " + probe.spec() + ": " + e.getMessage(), e);
        }
        int normal = spec.path("outputs").asInt();
        List<String> modules = new ArrayList<>();
        spec.path("boundaries").forEach(n -> modules.add(n.asText()));
        OnnxMl.ModelProto model = OnnxModelCheck.check(onnxFile);
        Map<String, OnnxBoundaries.Mapped> mapped = OnnxBoundaries.map(model.getGraph());
        List<String> unmapped = modules.stream().filter(m -> !mapped.containsKey(m)).collect(Collectors.toList());
        List<Localization.Boundary> none = modules.stream()
                .map(m -> new Localization.Boundary(m, mapped.containsKey(m), null, false)).collect(Collectors.toList());
        if (modules.isEmpty()) {
            return Localization.failed(c.index(), none, unmapped, 0, probe.spec() + " names no module boundary");
        }

        List<Tensor> t;
        List<Tensor> t64;
        try (TorchScriptEngine p = TorchScriptEngine.load(probe.torch(), settings.torchOptions());
             TorchScriptEngine p64 = TorchScriptEngine.load(probe.torch64(), settings.torchOptions())) {
            t = p.run(c.tensors());
            t64 = p64.run(c.tensors().stream().map(Perturbation::toFloat64).collect(Collectors.toList()));
        } catch (EngineFailure e) {
            return Localization.failed(c.index(), none, unmapped, 0, "the probe could not run: " + e.describe());
        }
        int expected = normal + modules.size();
        if (t.size() != expected || t64.size() != expected) {
            return Localization.failed(c.index(), none, unmapped, 0, "the probe returned " + t.size()
                    + " tensors and its float64 twin " + t64.size() + ", its spec names " + expected);
        }
        if (unmapped.size() == modules.size()) {
            return Localization.failed(c.index(), none, unmapped, 0, "no module boundary maps to an ONNX value (0 of "
                    + modules.size() + " mapped; neither the nodes' metadata_props (" + OnnxBoundaries.NAME_SCOPES
                    + ") nor their names (torch.onnx's /scope/ names) name these modules)");
        }

        List<String> distinct = modules.stream().filter(mapped::containsKey).map(m -> mapped.get(m).value())
                .distinct().collect(Collectors.toList());
        Map<String, Tensor> onnxValues = new LinkedHashMap<>();
        Map<String, String> valueFailures = new LinkedHashMap<>();
        int sessions = 0;
        for (int from = 0; from < distinct.size(); from += BATCH) {
            List<String> batch = distinct.subList(from, Math.min(distinct.size(), from + BATCH));
            sessions++;
            try {
                onnxValues.putAll(runWithOutputs(model, onnxFile, batch, c, settings));
            } catch (EngineFailure e) {
                batch.forEach(v -> valueFailures.put(v, e.describe()));
            } catch (BadInputException e) {
                // the export itself loaded for the check: what ONNX Runtime refuses here is the rewritten copy
                batch.forEach(v -> valueFailures.put(v, "onnx: the export with boundary values exposed: "
                        + e.getMessage()));
            }
        }

        List<Localization.Boundary> bounds = new ArrayList<>();
        Map<String, List<String>> notJudged = new LinkedHashMap<>();
        int judged = 0;
        double before = 0;
        String culprit = null;
        List<String> culpritNodes = List.of();
        Double after = null;
        for (int i = 0; i < modules.size(); i++) {
            String m = modules.get(i);
            OnnxBoundaries.Mapped mp = mapped.get(m);
            if (mp == null) {
                bounds.add(new Localization.Boundary(m, false, null, false));
                continue;
            }
            Tensor ref = t.get(normal + i);
            String why = valueFailures.containsKey(mp.value()) ? valueFailures.get(mp.value())
                    : incomparable(ref, onnxValues.get(mp.value()), mp.value());
            if (why != null) {
                bounds.add(new Localization.Boundary(m, true, null, false, why));
                notJudged.computeIfAbsent(why, k -> new ArrayList<>()).add(m);
                continue;
            }
            Tensor o = onnxValues.get(mp.value());
            judged++;
            OutputFinding f = judge(m, ref, o, t64.get(normal + i), rule);
            String label = m;
            if (f.verdict() == Verdict.DISCREPANT) {
                // The exporter folds some modules into the node before them (BatchNorm into Conv): the value
                // mapped here is then the output of this module and the unmapped ones right after it.
                for (int j = i + 1; j < modules.size() && !mapped.containsKey(modules.get(j)); j++) {
                    Tensor next = t.get(normal + j);
                    if (incomparable(next, o, mp.value()) != null) {
                        continue;
                    }
                    label = m + "+" + modules.get(j);
                    OutputFinding fused = judge(label, next, o, t64.get(normal + j), rule);
                    f = fused;
                    if (fused.verdict() != Verdict.DISCREPANT) {
                        break;
                    }
                }
            }
            double ratio = f.attribution() == null ? Double.NaN : f.attribution().ratio();
            boolean bad = f.verdict() == Verdict.DISCREPANT;
            String folded = bad ? foldedBefore(modules, i, mapped) : null;
            if (folded != null) {
                label = folded + "+" + label;
            }
            bounds.add(new Localization.Boundary(label, true, Double.isFinite(ratio) ? ratio : null, bad));
            if (culprit == null) {
                if (bad) {
                    culprit = label;
                    culpritNodes = mp.nodes();
                    after = Double.isFinite(ratio) ? ratio : null;
                } else if (Double.isFinite(ratio)) {
                    before = Math.max(before, ratio);
                }
            }
        }

        int mappedCount = modules.size() - unmapped.size();
        String counts = mappedCount + " of " + modules.size() + " mapped, " + judged + " judged";
        int failed = notJudged.values().stream().mapToInt(List::size).sum();
        String failure = failed == 0 ? null : counts + "; " + failed + " failed: " + reasons(notJudged);
        if (judged == 0) {
            return Localization.failed(c.index(), bounds, unmapped, sessions, failure);
        }
        String tally = failure == null ? counts : failure;
        String msg;
        Localization.Status status;
        if (culprit != null) {
            status = Localization.Status.CULPRIT;
            msg = "first divergent module: " + culprit + (culprit.contains("+") ? " (fused into one ONNX node)" : "")
                    + " (" + String.join(", ", culpritNodes) + ")" + (failure == null ? "" : " [" + failure + "]");
        } else {
            status = Localization.Status.NO_CULPRIT;
            msg = (failure == null ? "no module boundary diverges" : "no judged module boundary diverges")
                    + " (" + tally + "): the difference lies outside module boundaries or in "
                    + (failure == null ? "unmapped ones" : "unmapped or unjudged ones");
        }
        return new Localization(culprit, culpritNodes, culprit == null ? null : before, after, c.index(), bounds,
                unmapped, sessions, msg, status, judged, failure);
    }

    /**
     * The unmapped siblings right before module {@code i}, joined with '+', or null. torch.onnx's dynamo
     * exporter gives a fused node the scope of the module it ends in (a Conv with its BatchNorm folded in
     * carries the BatchNorm's scope), so a sibling with no node of its own just before a divergent module
     * was folded into its nodes: the divergence lies in the group.
     */
    private static String foldedBefore(List<String> modules, int i, Map<String, OnnxBoundaries.Mapped> mapped) {
        String parent = parent(modules.get(i));
        List<String> group = new ArrayList<>();
        for (int j = i - 1; j >= 0 && !mapped.containsKey(modules.get(j)) && parent(modules.get(j)).equals(parent); j--) {
            group.add(0, modules.get(j));
        }
        return group.isEmpty() ? null : String.join("+", group);
    }

    private static String parent(String module) {
        int dot = module.lastIndexOf('.');
        return dot < 0 ? "" : module.substring(0, dot);
    }

    /** The first reason with the modules it stopped, and how many other reasons there were. */
    private static String reasons(Map<String, List<String>> byReason) {
        Map.Entry<String, List<String>> first = byReason.entrySet().iterator().next();
        int others = byReason.size() - 1;
        return String.join(", ", first.getValue()) + ": " + first.getKey()
                + (others == 0 ? "" : " (and " + others + " other reason" + (others == 1 ? "" : "s") + ")");
    }

    /** Why an ONNX value cannot be compared with a probe output (absent, another shape or dtype), or null. */
    private static String incomparable(Tensor probe, Tensor onnx, String value) {
        if (onnx == null) {
            return "onnx: no value returned for '" + value + "'";
        }
        if (!Arrays.equals(onnx.shape(), probe.shape())) {
            return "shapes differ: probe " + Tensor.shapeText(probe.shape()) + ", onnx value '" + value + "' "
                    + Tensor.shapeText(onnx.shape());
        }
        if (onnx.dtype() != probe.dtype()) {
            return "dtypes differ: probe " + probe.dtype().label() + ", onnx value '" + value + "' "
                    + onnx.dtype().label();
        }
        return null;
    }

    private static OutputFinding judge(String name, Tensor ref, Tensor onnx, Tensor ref64, AttributionConfig rule) {
        return OutputJudge.judge(name, ref, onnx, ref64, null, ToleranceConfig.defaultFor(ref.dtype()), rule, 0);
    }

    /** The export with {@code values} exposed, on the check's placement and threads, run on the case. */
    private static Map<String, Tensor> runWithOutputs(OnnxMl.ModelProto model, Path onnxFile, List<String> values,
            InputCase c, Settings settings) throws BadInputException, EngineFailure {
        try (OnnxRuntimeEngine e = OnnxRuntimeEngine.load(OnnxBoundaries.withOutputs(model, values), onnxFile,
                settings.onnxThreads(), settings.placement())) {
            return e.run(byName(c, e.inputs()), values);
        }
    }

    /** The case's tensors in the order the session declares its inputs. */
    private static List<Tensor> byName(InputCase c, List<TensorSpec> inputs) throws EngineFailure {
        List<Tensor> out = new ArrayList<>();
        for (TensorSpec s : inputs) {
            int at = c.names().indexOf(s.name());
            if (at < 0) {
                throw new EngineFailure("onnx", "the export's input '" + s.name() + "' is not among the case's inputs "
                        + c.names(), null);
            }
            out.add(c.tensors().get(at));
        }
        return out;
    }
}
