package dev.parity.localize;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.check.BadInputException;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.Perturbation;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.OutputJudge;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.result.Localization;
import dev.parity.result.ResultJson;
import dev.parity.safety.OnnxModelCheck;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Names the first module where the ONNX export diverges from the reference. The probe (a TorchScript
 * module returning every submodule's output, made by {@code model-corpus/builders/probe.py}) and its
 * float64 twin run once on the case's inputs; the ONNX side exposes the mapped boundary values as
 * extra graph outputs, at most {@link #BATCH} per session, so memory stays bounded on large models;
 * each boundary is judged by the attribution oracle, in the order the modules finish.
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

    public static Localization localize(Probe probe, Path onnxFile, InputCase c, AttributionConfig rule, int threads)
            throws BadInputException {
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
        List<Tensor> t;
        List<Tensor> t64;
        try (TorchScriptEngine p = TorchScriptEngine.load(probe.torch(), new TorchScriptEngine.Options(false, threads));
             TorchScriptEngine p64 = TorchScriptEngine.load(probe.torch64(), new TorchScriptEngine.Options(false, threads))) {
            t = p.run(c.tensors());
            t64 = p64.run(c.tensors().stream().map(Perturbation::toFloat64).collect(Collectors.toList()));
        } catch (EngineFailure e) {
            return new Localization(null, List.of(), null, null, c.index(), List.of(), List.of(), 0,
                    "the probe could not run: " + e.describe());
        }
        if (t.size() != normal + modules.size()) {
            return new Localization(null, List.of(), null, null, c.index(), List.of(), List.of(), 0,
                    "the probe returned " + t.size() + " tensors, its spec names " + (normal + modules.size()));
        }
        List<String> wanted = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        for (String m : modules) {
            if (mapped.containsKey(m)) {
                wanted.add(mapped.get(m).value());
            } else {
                unmapped.add(m);
            }
        }
        Map<String, Tensor> onnxValues = new LinkedHashMap<>();
        int sessions = 0;
        List<String> distinct = wanted.stream().distinct().collect(Collectors.toList());
        for (int from = 0; from < distinct.size(); from += BATCH) {
            List<String> batch = distinct.subList(from, Math.min(distinct.size(), from + BATCH));
            onnxValues.putAll(runWithOutputs(model, batch, c, threads));
            sessions++;
        }
        List<Localization.Boundary> bounds = new ArrayList<>();
        double before = 0;
        String culprit = null;
        List<String> culpritNodes = List.of();
        Double after = null;
        for (int i = 0; i < modules.size(); i++) {
            String m = modules.get(i);
            OnnxBoundaries.Mapped mp = mapped.get(m);
            Tensor o = mp == null ? null : onnxValues.get(mp.value());
            Tensor ref = t.get(normal + i);
            if (o == null || !java.util.Arrays.equals(o.shape(), ref.shape())) {
                bounds.add(new Localization.Boundary(m, false, null, false));
                continue;
            }
            OutputFinding f = judge(m, ref, o, t64.get(normal + i), rule);
            String label = m;
            if (f.verdict() == dev.parity.oracles.Verdict.DISCREPANT) {
                // The exporter folds some modules into the node before them (BatchNorm into Conv): the value
                // mapped here is then the output of this module and the unmapped ones right after it.
                for (int j = i + 1; j < modules.size() && !mapped.containsKey(modules.get(j)); j++) {
                    Tensor next = t.get(normal + j);
                    if (!java.util.Arrays.equals(next.shape(), o.shape())) {
                        continue;
                    }
                    label = m + "+" + modules.get(j);
                    OutputFinding fused = judge(label, next, o, t64.get(normal + j), rule);
                    f = fused;
                    if (fused.verdict() != dev.parity.oracles.Verdict.DISCREPANT) {
                        break;
                    }
                }
            }
            double ratio = f.attribution() == null ? Double.NaN : f.attribution().ratio();
            boolean bad = f.verdict() == dev.parity.oracles.Verdict.DISCREPANT;
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
        String msg = culprit != null
                ? "first divergent module: " + culprit + (culprit.contains("+") ? " (fused into one ONNX node)" : "")
                        + " (" + String.join(", ", culpritNodes) + ")"
                : "no module boundary diverges (" + (modules.size() - unmapped.size()) + " of " + modules.size()
                        + " mapped): the difference lies outside module boundaries or in unmapped ones";
        return new Localization(culprit, culpritNodes,
                culprit == null ? null : before, after, c.index(), bounds, unmapped, sessions, msg);
    }

    private static OutputFinding judge(String name, Tensor ref, Tensor onnx, Tensor ref64, AttributionConfig rule) {
        return OutputJudge.judge(name, ref, onnx, ref64, null, ToleranceConfig.FLOAT32_DEFAULT, rule, 0);
    }

    private static Map<String, Tensor> runWithOutputs(OnnxMl.ModelProto model, List<String> values, InputCase c,
            int threads) throws BadInputException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Tensor> out = new LinkedHashMap<>();
        byte[] bytes = OnnxBoundaries.withOutputs(model, values).toByteArray();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                so.setIntraOpNumThreads(threads);
            }
            try (OrtSession s = env.createSession(bytes, so)) {
                Map<String, OnnxTensor> feed = new LinkedHashMap<>();
                try {
                    List<String> names = new ArrayList<>(s.getInputNames());
                    for (int i = 0; i < c.tensors().size(); i++) {
                        Tensor x = c.tensors().get(i);
                        feed.put(c.names().get(i), x.dtype() == dev.parity.tensor.DType.FLOAT32
                                ? OnnxTensor.createTensor(env, FloatBuffer.wrap(x.floats()), x.shape())
                                : OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(x.longs()), x.shape()));
                    }
                    feed.keySet().retainAll(names);
                    try (OrtSession.Result r = s.run(feed, new java.util.HashSet<>(values))) {
                        for (String v : values) {
                            OnnxValue ov = r.get(v).orElse(null);
                            if (ov instanceof OnnxTensor) {
                                OnnxTensor ot = (OnnxTensor) ov;
                                FloatBuffer fb = ot.getFloatBuffer();
                                float[] a = new float[fb.remaining()];
                                fb.get(a);
                                out.put(v, Tensor.ofFloats(ot.getInfo().getShape(), a));
                            }
                        }
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException | RuntimeException e) {
            // a value that cannot be exposed stays unmapped; the search goes on with the rest
        }
        return out;
    }
}
