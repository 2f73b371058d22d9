package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.check.BadInputException;
import dev.parity.check.CheckRequest;
import dev.parity.check.EngineVersions;
import dev.parity.check.ParityCheck;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.InputOverride;
import dev.parity.oracles.Attribution;
import dev.parity.oracles.OutputFinding;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.tensor.DType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs every selected model x configuration pair of a corpus generation and streams one
 * {@link RunRecord} per pair to {@code results.jsonl}, each line flushed and forced to disk before
 * the next pair starts. The run folder also holds {@code run.json} (configuration, generation,
 * engines, machine, start and end) and {@code repro/<model>__<config>/case<i>.npz}, the inputs of
 * every non-faithful case.
 */
public final class CorpusRun {
    public static final String RESULTS = "results.jsonl";
    public static final String RUN_JSON = "run.json";

    private CorpusRun() {}

    /** A pair to check: a model and one of its configurations. */
    public record Pair(Manifest.ModelEntry model, Manifest.ConfigEntry config) {
        public String key() {
            return model.name() + "/" + config.name();
        }
    }

    /** The selected pairs in manifest order. */
    public static List<Pair> select(Manifest m, String models, String configs) {
        Glob mg = new Glob(models);
        Glob cg = new Glob(configs);
        List<Pair> out = new ArrayList<>();
        for (Manifest.ModelEntry e : m.models()) {
            if (!mg.matches(e.name())) {
                continue;
            }
            for (Manifest.ConfigEntry c : e.configs()) {
                if (cg.matches(c.name())) {
                    out.add(new Pair(e, c));
                }
            }
        }
        return out;
    }

    public static RunSummary run(RunRequest req, RunListener listener) throws BadInputException, IOException {
        Manifest m = ManifestLoader.load(req.corpus());
        String generation = req.generation() != null ? req.generation() : m.referenceGeneration();
        if (!generation.matches("[A-Za-z0-9_.+-]+")) {
            throw new BadInputException("--generation '" + generation + "' is not a generation name");
        }
        List<Pair> pairs = select(m, req.models(), req.configs());
        if (pairs.isEmpty()) {
            throw new BadInputException("no model/configuration matches --models '" + req.models() + "' --configs '"
                    + req.configs() + "'");
        }
        Map<String, ExportRecord.Provenance> provenance = new LinkedHashMap<>();
        boolean any = false;
        for (Pair p : pairs) {
            ExportRecord.Provenance prov = provenance.computeIfAbsent(p.model().name(),
                    k -> readProvenance(req.corpus(), k, generation));
            any |= prov != null;
        }
        if (!any) {
            throw new BadInputException("generation '" + generation + "' has no exports in " + req.corpus()
                    + " (build them with: ./parity corpus build --generation " + generation + ")");
        }
        Files.createDirectories(req.out());
        Map<String, Object> runInfo = new LinkedHashMap<>();
        runInfo.put("generation", generation);
        runInfo.put("corpus", req.corpus().toString());
        runInfo.put("models", req.models());
        runInfo.put("configs", req.configs());
        runInfo.put("seed", req.seed());
        runInfo.put("mode", req.useTwins() ? "attribution where twins exist" : "tolerance");
        runInfo.put("threads", req.threads());
        runInfo.put("noise_factor", req.noiseFactor());
        runInfo.put("engines", EngineVersions.all());
        runInfo.put("machine", machine());
        runInfo.put("started", Instant.now().toString());
        runInfo.put("finished", null);
        runInfo.put("pairs", pairs.size());
        ResultJson.write(runInfo, req.out().resolve(RUN_JSON));

        listener.started(pairs.size());
        List<RunRecord> records = new ArrayList<>();
        ObjectMapper line = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
        Path results = req.out().resolve(RESULTS);
        try (FileChannel ch = FileChannel.open(results, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
             OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
            for (int i = 0; i < pairs.size(); i++) {
                Pair p = pairs.get(i);
                listener.pairStarted(i, p.key());
                RunRecord r = checkPair(req, generation, p, provenance.get(p.model().name()));
                os.write((line.writeValueAsString(r) + "\n").getBytes(StandardCharsets.UTF_8));
                os.flush();
                ch.force(false);
                records.add(r);
                listener.pairFinished(r);
            }
        }
        runInfo.put("finished", Instant.now().toString());
        runInfo.put("counts", counts(records));
        ResultJson.write(runInfo, req.out().resolve(RUN_JSON));
        return new RunSummary(req.out(), generation, records);
    }

    static ExportRecord.Provenance readProvenance(Path corpus, String model, String generation) {
        Path f = corpus.resolve("models").resolve(model).resolve("exports").resolve(generation).resolve("provenance.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return ResultJson.mapper().readValue(f.toFile(), ExportRecord.Provenance.class);
        } catch (IOException e) {
            return null;
        }
    }

    static RunRecord checkPair(RunRequest req, String generation, Pair p, ExportRecord.Provenance prov) {
        long t0 = System.nanoTime();
        Manifest.ModelEntry e = p.model();
        Manifest.ConfigEntry c = p.config();
        String onnxConfig = c.sameOnnxAs() != null ? c.sameOnnxAs() : c.name();
        ExportRecord export = prov == null || prov.exports() == null ? null : prov.exports().get(onnxConfig);
        String expected = e.expect() == null ? null : e.expect().get(c.name());
        if (export == null) {
            return record(p, generation, Outcome.EXPORT_CRASH, "failed", null,
                    "no export of configuration '" + onnxConfig + "' for generation " + generation, null, expected, null, t0, null);
        }
        if ("export-crash".equals(export.status())) {
            return record(p, generation, Outcome.EXPORT_CRASH, "failed", null, export.message(), null, expected, null, t0,
                    export);
        }
        if ("checker-failure".equals(export.status())) {
            return record(p, generation, Outcome.CHECKER_FAILURE, "failed", null, export.message(), null, expected, null, t0,
                    export);
        }
        Path modelDir = req.corpus().resolve("models").resolve(e.name());
        Path onnx = modelDir.resolve("exports").resolve(generation).resolve(export.file());
        String twinKey = c.reference() + "64";
        String repro = "repro/" + e.name() + "__" + c.name();
        CheckRequest.Builder b = CheckRequest.builder(req.corpus().resolve(e.references().get(c.reference())), onnx)
                .optSeed(req.seed()).optOnnxThreads(req.threads())
                .optTorchOptions(new TorchScriptEngine.Options(false, req.threads()))
                .optSaveInputs(req.out().resolve(repro)).optNoiseFactor(req.noiseFactor());
        if (req.useTwins() && e.references().containsKey(twinKey)) {
            b.optReference64(req.corpus().resolve(e.references().get(twinKey)));
        }
        if (e.dataset() != null) {
            b.optDataset(req.corpus().resolve(e.dataset()));
        }
        for (Manifest.InputEntry in : e.inputs()) {
            if (in.low() != null && in.high() != null) {
                b.optInput(InputOverride.range(in.name(), DType.parse(in.dtype()), in.low(), in.high()));
            }
        }
        try {
            CheckResult r = ParityCheck.run(b.build());
            Outcome o = Outcome.of(r);
            boolean saved = Files.isDirectory(req.out().resolve(repro));
            return record(p, generation, o, r.verdict().label(), r.mode(), r.message(), r, expected, saved ? repro : null,
                    t0, export);
        } catch (BadInputException ex) {
            return record(p, generation, Outcome.LOAD_FAILURE, "failed", null, ex.getMessage(), null, expected, null, t0,
                    export);
        }
    }

    private static RunRecord record(Pair p, String generation, Outcome o, String verdict, String mode, String message,
            CheckResult r, String expected, String repro, long t0, ExportRecord export) {
        Double ratio = null;
        List<Double> tms = new ArrayList<>();
        List<Double> oms = new ArrayList<>();
        if (r != null) {
            for (CaseResult c : r.cases()) {
                if (c.torchMs() != null) {
                    tms.add(c.torchMs());
                }
                if (c.onnxMs() != null) {
                    oms.add(c.onnxMs());
                }
                for (OutputFinding f : c.outputs()) {
                    Attribution a = f.attribution();
                    if (a != null && Double.isFinite(a.ratio())) {
                        ratio = ratio == null ? a.ratio() : Math.max(ratio, a.ratio());
                    }
                }
            }
        }
        Double accDelta = r != null && r.accuracy() != null ? r.accuracy().delta() : null;
        Double accP = r != null && r.accuracy() != null ? r.accuracy().pValue() : null;
        return new RunRecord(p.key(), p.model().name(), p.config().name(), generation, p.model().family(),
                p.model().task(), o, verdict, mode, message, ratio, accDelta, accP, median(tms), median(oms), expected, repro,
                (System.nanoTime() - t0) / 1e9, export, r);
    }

    static Double median(List<Double> v) {
        if (v.isEmpty()) {
            return null;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    public static Map<Outcome, Integer> counts(List<RunRecord> records) {
        Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        for (RunRecord r : records) {
            m.merge(r.outcome(), 1, Integer::sum);
        }
        return m;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        m.put("java", System.getProperty("java.version") + " " + System.getProperty("java.vendor"));
        try {
            m.put("host", java.net.InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            m.put("host", "unknown");
        }
        return m;
    }

    /** What a run produced: its folder, generation and records in order. */
    public record RunSummary(Path folder, String generation, List<RunRecord> records) {
        public RunSummary {
            Objects.requireNonNull(folder);
            records = List.copyOf(records);
        }
    }
}
