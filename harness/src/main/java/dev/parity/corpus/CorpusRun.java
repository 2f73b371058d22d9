package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.errors.BadInputException;
import dev.parity.check.CheckRequest;
import dev.parity.check.EngineVersions;
import dev.parity.check.ParityCheck;
import dev.parity.check.Stage;
import dev.parity.check.StageTimes;
import dev.parity.engine.LoadedReferences;
import dev.parity.engine.ReferenceSource;
import dev.parity.engine.Devices;
import dev.parity.engine.Placement;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.InputOverride;
import dev.parity.inputs.RoleAssignment;
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

    /** A pair at one ONNX placement; {@code key} is what results.jsonl records. */
    public record Placed(Pair pair, Placement placement, String key, boolean baseline) {}

    /** The placements of a request: its matrix, or CPU with all optimisations. */
    static List<Placement> placements(RunRequest req) throws BadInputException {
        List<Placement> out = new ArrayList<>();
        for (String m : req.matrix()) {
            try {
                out.add(Placement.parse(m));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--matrix: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            out.add(Placement.CPU);
        }
        for (Placement p : out) {
            Devices.requireOnnx(p);
        }
        return out;
    }

    static String key(Pair p, Placement placement, List<Placement> all) {
        return all.size() == 1 && placement.equals(Placement.CPU) ? p.key() : p.key() + "#" + placement.label();
    }

    /**
     * The selected pairs of a generation in manifest order: each selected model with each selected
     * configuration that the generation exports ({@link Manifest.ConfigEntry#appliesTo}); a null
     * generation selects the configurations of every generation.
     */
    public static List<Pair> select(Manifest m, String generation, String models, String configs) {
        Glob mg = new Glob(models);
        Glob cg = new Glob(configs);
        List<Pair> out = new ArrayList<>();
        for (Manifest.ModelEntry e : m.models()) {
            if (!mg.matches(e.name())) {
                continue;
            }
            for (Manifest.ConfigEntry c : e.configs()) {
                if (cg.matches(c.name()) && (generation == null || c.appliesTo(generation))) {
                    out.add(new Pair(e, c));
                }
            }
        }
        return out;
    }

    public static RunSummary run(RunRequest req, RunListener listener) throws BadInputException, IOException {
        return execute(req, listener, false);
    }

    /**
     * Finishes an interrupted run in {@code folder} with the request stored in its run.json: a torn
     * last line of results.jsonl is cut off, finished pairs are not redone, nothing is duplicated.
     */
    public static RunSummary resume(Path folder, RunListener listener) throws BadInputException, IOException {
        Path rj = folder.resolve(RUN_JSON);
        if (!Files.isRegularFile(rj)) {
            throw new BadInputException("--resume: not a run folder (no " + RUN_JSON + "): " + folder);
        }
        JsonNode stored = ResultJson.mapper().readTree(rj.toFile()).get("request");
        if (stored == null) {
            throw new BadInputException("--resume: " + rj + " records no request to resume");
        }
        RunRequest req = ResultJson.mapper().treeToValue(stored, RunRequest.class);
        return execute(req.withOut(folder), listener, true);
    }

    private static RunSummary execute(RunRequest req, RunListener listener, boolean resume)
            throws BadInputException, IOException {
        long started = System.nanoTime();
        Manifest m = ManifestLoader.load(req.corpus());
        String generation = req.generation() != null ? req.generation() : m.referenceGeneration();
        if (!generation.matches(ManifestLoader.GENERATION_NAME)) {
            throw new BadInputException("--generation '" + generation + "' is not a generation name");
        }
        List<Pair> pairs = select(m, generation, req.models(), req.configs());
        if (pairs.isEmpty()) {
            if (!select(m, null, req.models(), req.configs()).isEmpty()) {
                java.util.Set<String> own = new java.util.LinkedHashSet<>();
                select(m, generation, req.models(), "*").forEach(p -> own.add(p.config().name()));
                if (!own.isEmpty()) {
                    throw new BadInputException("generation '" + generation + "' exports none of --configs '" + req.configs()
                            + "' for --models '" + req.models() + "' (its configurations: " + String.join(", ", own) + ")");
                }
                java.util.Set<String> named = new java.util.TreeSet<>();
                m.models().forEach(e -> e.configs().forEach(c -> {
                    if (c.generations() != null) {
                        named.addAll(c.generations());
                    }
                }));
                throw new BadInputException("generation '" + generation + "' has no exports in " + req.corpus()
                        + ": no configuration of the manifest names it (generations named there: " + named + ")");
            }
            throw new BadInputException("no model/configuration matches --models '" + req.models() + "' --configs '"
                    + req.configs() + "'");
        }
        List<Pair> selection = List.copyOf(pairs);
        if (req.shard() != null) {
            Shard shard = Shard.parse(req.shard());
            pairs.removeIf(p -> !shard.owns(p.key()));
        }
        List<Placement> placements = placements(req);
        TorchScriptEngine.Options torchOptions;
        try {
            torchOptions = TorchScriptEngine.Options.forDevice(false, req.threads(), req.torchDevice());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--torch-device: " + e.getMessage(), e);
        }
        Devices.requireTorch(torchOptions.device(), torchOptions.deviceId());
        List<Placed> placed = new ArrayList<>();
        for (Placement pl : placements) {
            for (Pair p : pairs) {
                placed.add(new Placed(p, pl, key(p, pl, placements), pl.equals(placements.get(0))));
            }
        }
        Expectations expectations = Expectations.load(req.corpus());
        List<String> stale = expectations.staleRules(m);
        if (!stale.isEmpty()) {
            throw new BadInputException(req.corpus().resolve(Expectations.FILE) + ": stale rule: " + stale.get(0));
        }
        if (req.baseline() != null) {
            expectations = Expectations.againstBaseline(req.baseline(), expectations);
        }
        Map<String, ProvenanceRead> provenance = new LinkedHashMap<>();
        boolean any = pairs.isEmpty();
        for (Pair p : pairs) {
            ProvenanceRead prov = provenance.computeIfAbsent(p.model().name(),
                    k -> readProvenance(req.corpus(), k, generation));
            any |= !prov.absent();
        }
        if (!any) {
            throw new BadInputException("generation '" + generation + "' has no exports in " + req.corpus()
                    + " (build them with: ./parity corpus build --generation " + generation + ")");
        }
        try (RunFolder lock = RunFolder.open(req.out())) {
            // the order of the whole selection, sharded or not: a merge orders records by it without the corpus
            List<String> order = new ArrayList<>();
            for (Placement pl : placements) {
                for (Pair p : selection) {
                    order.add(key(p, pl, placements));
                }
            }
            return inFolder(req, listener, resume, m, generation, placements, placed, pairs, provenance, expectations, order,
                    started);
        }
    }

    private static RunSummary inFolder(RunRequest req, RunListener listener, boolean resume, Manifest m, String generation,
            List<Placement> placements, List<Placed> placed, List<Pair> pairs, Map<String, ProvenanceRead> provenance,
            Expectations expectations, List<String> order, long started) throws BadInputException, IOException {
        Path results = req.out().resolve(RESULTS);
        if (!resume && Files.exists(results) && Files.size(results) > 0) {
            // restartable by design: the same request continues where it stopped (a retried pod), another is refused
            String diff = RunFolder.difference(req.out(), req);
            if (diff != null) {
                throw new BadInputException(req.out() + " holds a run of another request (" + diff + "); use another --out");
            }
            resume = true;
        }
        Map<String, RunRecord> done = resume ? recover(results) : new LinkedHashMap<>();
        Map<String, Object> runInfo = new LinkedHashMap<>();
        if (resume && Files.isRegularFile(req.out().resolve(RUN_JSON))) {
            runInfo.putAll(ResultJson.mapper().readValue(req.out().resolve(RUN_JSON).toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {}));
        }
        runInfo.put("generation", generation);
        runInfo.put("corpus", req.corpus().toString());
        runInfo.put("models", req.models());
        runInfo.put("configs", req.configs());
        runInfo.put("seed", req.seed());
        runInfo.put("mode", req.useTwins() ? "attribution where twins exist" : "tolerance");
        runInfo.put("threads", req.threads());
        runInfo.put("noise_factor", req.noiseFactor());
        runInfo.put("workers", req.workers());
        runInfo.put("timeout_seconds", req.timeoutSeconds());
        // workers report the versions they ran with (every check result names them): the run's own process then
        // never loads the native engines only to name them
        runInfo.put("engines", req.workers() > 0 ? null : EngineVersions.all());
        runInfo.put("machine", machine());
        runInfo.putIfAbsent("started", Instant.now().toString());
        if (resume) {
            runInfo.put("resumed", Instant.now().toString());
        }
        runInfo.put("finished", null);
        runInfo.put("pairs", placed.size());
        runInfo.put("shard", req.shard());
        runInfo.put("matrix", placements.stream().map(Placement::label).toList());
        runInfo.put("expectations", expectations.source());
        runInfo.put("request", req);
        runInfo.put("plan", placed.stream().map(Placed::key).toList());
        runInfo.put("order", order);
        runInfo.remove("stages");
        writeRunJson(runInfo, req.out());
        Map<String, Double> runStages = new LinkedHashMap<>();
        long pairsStarted = System.nanoTime();
        runStages.put(RunStage.SETUP, (pairsStarted - started) / 1e9);
        java.util.concurrent.atomic.AtomicLong writing = new java.util.concurrent.atomic.AtomicLong();

        List<Placed> todo = new ArrayList<>();
        for (Placed p : placed) {
            if (!done.containsKey(p.key())) {
                todo.add(p);
            }
        }
        Map<String, Outcome> baseline = new java.util.concurrent.ConcurrentHashMap<>();
        for (RunRecord r : done.values()) {
            baseline.put(r.model() + "/" + r.config() + "@" + r.placement(), r.outcome());
        }
        listener.started(placed.size());
        for (RunRecord r : done.values()) {
            listener.pairFinished(r);
        }
        Map<String, RunRecord> fresh = new java.util.concurrent.ConcurrentHashMap<>();
        ObjectMapper line = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
        try (FileChannel ch = openResults(results);
             OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
            Expectations expect = expectations;
            Appender append = r0 -> {
                RunRecord adjusted = adjust(r0, placements, baseline);
                RunRecord r = adjusted.expecting(expect.of(adjusted));
                synchronized (ch) {
                    long w0 = System.nanoTime();
                    try {
                        os.write((line.writeValueAsString(r) + "\n").getBytes(StandardCharsets.UTF_8));
                        os.flush();
                        ch.force(false);
                    } catch (IOException e) {
                        throw new WriteFailure(e);
                    }
                    fresh.put(r.key(), r);
                    writing.addAndGet(System.nanoTime() - w0);
                }
                listener.pairFinished(r);
            };
            // the baseline placement first: other placements are judged against its outcomes
            List<Placed> first = todo.stream().filter(Placed::baseline).toList();
            List<Placed> rest = todo.stream().filter(p -> !p.baseline()).toList();
            for (List<Placed> phase : List.of(first, rest)) {
                if (req.workers() <= 0) {
                    // each model's reference and twin loaded once for all of its configurations
                    try (LoadedReferences references = new LoadedReferences()) {
                        for (int i = 0; i < phase.size(); i++) {
                            Placed p = phase.get(i);
                            listener.pairStarted(i, p.key());
                            references.forModel(p.pair().model().name());
                            append.accept(checkPair(req, generation, p.pair(), provenance.get(p.pair().model().name()),
                                    p.placement(), p.key(), references));
                        }
                    }
                } else {
                    inWorkers(req, generation, phase, listener, append);
                }
            }
        } catch (WriteFailure e) {
            throw new BadInputException("cannot write " + results + ": " + RunFolder.reason(e.io) + "; the "
                    + (done.size() + fresh.size()) + " records written before are kept: free the space and rerun the same "
                    + "command to finish", e);
        }
        long pairsEnded = System.nanoTime();
        runStages.put(RunStage.PAIRS, (pairsEnded - pairsStarted) / 1e9);
        runStages.put(RunStage.RECORD_WRITE, writing.get() / 1e9);
        List<RunRecord> records = new ArrayList<>();
        for (Placed p : placed) {
            RunRecord r = done.containsKey(p.key()) ? done.get(p.key()) : fresh.get(p.key());
            if (r != null) {
                records.add(r);
            }
        }
        runInfo.put("finished", Instant.now().toString());
        runInfo.put("counts", counts(records));
        runInfo.put("unexpected", records.stream().filter(RunRecord::failsGate).map(RunRecord::key).toList());
        runInfo.put("complete", records.size() == placed.size());
        if (runInfo.get("engines") == null) {
            runInfo.put("engines", records.stream().filter(r -> r.check() != null && r.check().engines() != null)
                    .map(r -> (Object) r.check().engines()).findFirst().orElseGet(EngineVersions::all));
        }
        runStages.put(RunStage.FINISH, (System.nanoTime() - pairsEnded) / 1e9);
        runInfo.put("stages", runStages);
        writeRunJson(runInfo, req.out());
        return new RunSummary(req.out(), generation, records, runStages);
    }

    private static void writeRunJson(Map<String, Object> runInfo, Path out) throws BadInputException {
        try {
            ResultJson.write(runInfo, out.resolve(RUN_JSON));
        } catch (IOException e) {
            throw new BadInputException("cannot write " + out.resolve(RUN_JSON) + ": " + RunFolder.reason(e)
                    + "; the records written so far are kept: rerun the same command to finish", e);
        }
    }

    /**
     * Records the baseline placement's outcome, and turns a discrepancy that appears only away from
     * the baseline into a device or optimisation discrepancy.
     */
    static RunRecord adjust(RunRecord r, List<Placement> placements, Map<String, Outcome> baseline) {
        String base = placements.get(0).label();
        if (r.placement() == null || r.placement().equals(base)) {
            baseline.put(r.model() + "/" + r.config() + "@" + r.placement(), r.outcome());
            return r;
        }
        Outcome b = baseline.get(r.model() + "/" + r.config() + "@" + base);
        boolean numeric = r.outcome() == Outcome.NUMERIC_DISCREPANCY || r.outcome() == Outcome.SHAPE_MISMATCH
                || r.outcome() == Outcome.ACCURACY_DISCREPANCY;
        if (b != Outcome.FAITHFUL || !numeric) {
            return r;
        }
        Placement mine = Placement.parse(r.placement());
        Outcome o = mine.device().equals(placements.get(0).device()) && mine.deviceId() == placements.get(0).deviceId()
                ? Outcome.OPTIMIZATION_DISCREPANCY : Outcome.DEVICE_DISCREPANCY;
        return r.withOutcome(o, r.outcome().label() + " at " + r.placement() + ", faithful at " + base
                + (r.message() == null ? "" : ": " + r.message()));
    }

    /** A failed write of results.jsonl (disk full, folder gone read-only): ends the run, keeps what was written. */
    private static final class WriteFailure extends IOException {
        private static final long serialVersionUID = 1L;
        final transient IOException io;

        WriteFailure(IOException io) {
            super(io.getMessage(), io);
            this.io = io;
        }
    }

    private static FileChannel openResults(Path results) throws BadInputException {
        try {
            return FileChannel.open(results, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + results + ": " + RunFolder.reason(e), e);
        }
    }

    private interface Appender {
        void accept(RunRecord r) throws IOException;
    }

    private static void inWorkers(RunRequest req, String generation, List<Placed> todo, RunListener listener, Appender append)
            throws IOException {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(req.workers());
        try (WorkerPool pool = new WorkerPool(req.workers(), req.out().resolve("crashes"))) {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            // one task per model, its pairs in a row on one thread and so on one worker, where its reference stays loaded
            Map<String, List<Integer>> byModel = new LinkedHashMap<>();
            for (int i = 0; i < todo.size(); i++) {
                byModel.computeIfAbsent(todo.get(i).pair().model().name(), k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> model : byModel.values()) {
                futures.add(threads.submit(() -> {
                    for (int index : model) {
                        Placed p = todo.get(index);
                        listener.pairStarted(index, p.key());
                        append.accept(pool.check(req, generation, p));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof WriteFailure w) {
                        throw w;
                    }
                    throw new IOException("worker dispatch failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Reads the finished records of an interrupted run, cutting off a torn last line (a record whose
     * writer was killed mid-write) so that appending continues on a clean line boundary.
     */
    static Map<String, RunRecord> recover(Path results) throws IOException {
        Map<String, RunRecord> done = new LinkedHashMap<>();
        if (!Files.exists(results)) {
            return done;
        }
        byte[] bytes = Files.readAllBytes(results);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end != bytes.length) {
            try (FileChannel ch = FileChannel.open(results, StandardOpenOption.WRITE)) {
                ch.truncate(end);
                ch.force(true);
            }
        }
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        for (String l : text.split("\n")) {
            if (l.isBlank()) {
                continue;
            }
            try {
                RunRecord r = ResultJson.mapper().readValue(l, RunRecord.class);
                done.putIfAbsent(r.key(), r);
            } catch (IOException e) {
                throw new IOException(results + " holds a damaged record before its last line: " + e.getMessage(), e);
            }
        }
        return done;
    }

    /**
     * A model's {@code provenance.json} for one generation, or why it could not be read: a missing or
     * damaged provenance is an integrity failure of the corpus, never the converter's crash.
     *
     * @param absent the file does not exist (no exports of this model in this generation)
     */
    public record ProvenanceRead(ExportRecord.Provenance provenance, String problem, boolean absent) {}

    static ProvenanceRead readProvenance(Path corpus, String model, String generation) {
        Path f = corpus.resolve("models").resolve(model).resolve("exports").resolve(generation).resolve("provenance.json");
        if (!Files.exists(f)) {
            return new ProvenanceRead(null, "no provenance.json for generation " + generation + " (" + corpus.relativize(f)
                    + " missing)", true);
        }
        try {
            ExportRecord.Provenance p = ResultJson.mapper().readValue(f.toFile(), ExportRecord.Provenance.class);
            if (p == null || p.exports() == null) {
                return new ProvenanceRead(null, corpus.relativize(f) + " records no exports", false);
            }
            return new ProvenanceRead(p, null, false);
        } catch (IOException e) {
            return new ProvenanceRead(null, corpus.relativize(f) + " is damaged: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), false);
        }
    }

    static RunRecord checkPair(RunRequest req, String generation, Pair p, ProvenanceRead prov) {
        return checkPair(req, generation, p, prov, Placement.CPU, p.key(), ReferenceSource.FRESH);
    }

    /**
     * Checks one pair, its TorchScript engines taken from {@code references}; the record carries the
     * pair's wall time and where it went ({@link RunRecord#stages}).
     */
    static RunRecord checkPair(RunRequest req, String generation, Pair p, ProvenanceRead prov, Placement placement,
            String key, ReferenceSource references) {
        StageTimes stages = new StageTimes();
        long t0 = System.nanoTime();
        RunRecord r = checkPair(req, generation, p, prov, placement, key, references, stages);
        return r.withTiming((System.nanoTime() - t0) / 1e9, stages.seconds());
    }

    private static RunRecord checkPair(RunRequest req, String generation, Pair p, ProvenanceRead prov, Placement placement,
            String key, ReferenceSource references, StageTimes stages) {
        Where where = new Where(key, placement.label());
        long t0 = System.nanoTime();
        Manifest.ModelEntry e = p.model();
        Manifest.ConfigEntry c = p.config();
        String onnxConfig = c.sameOnnxAs() != null ? c.sameOnnxAs() : c.name();
        String expected = null; // judged against the expectations when the record is appended
        if (prov.problem() != null) {
            return record(where, p, generation, Outcome.INTEGRITY_FAILURE, "failed", null, prov.problem(), null, expected,
                    null, t0, null);
        }
        ExportRecord export = prov.provenance().exports().get(onnxConfig);
        if (export == null) {
            return record(where, p, generation, Outcome.INTEGRITY_FAILURE, "failed", null,
                    "the provenance of generation " + generation + " records no export of configuration '" + onnxConfig
                            + "'", null, expected, null, t0, null);
        }
        if ("export-crash".equals(export.status())) {
            return record(where, p, generation, Outcome.EXPORT_CRASH, "failed", null, export.message(), null, expected, null, t0,
                    export);
        }
        if ("checker-failure".equals(export.status())) {
            return record(where, p, generation, Outcome.CHECKER_FAILURE, "failed", null, export.message(), null, expected, null, t0,
                    export);
        }
        if (export.file() == null || !plainFileName(export.file())) {
            return record(where, p, generation, Outcome.INTEGRITY_FAILURE, "failed", null, "the provenance of generation "
                    + generation + " names the file '" + export.file() + "' for configuration '" + onnxConfig
                    + "': not a file name in the export folder", null, expected, null, t0, export);
        }
        Path modelDir = req.corpus().resolve("models").resolve(e.name());
        Path onnx = modelDir.resolve("exports").resolve(generation).resolve(export.file());
        String integrity = integrity(req.corpus(), e, c, onnx, export, req.useTwins());
        stages.lap(Stage.INTEGRITY, t0);
        if (integrity != null) {
            return record(where, p, generation, Outcome.INTEGRITY_FAILURE, "failed", null, integrity, null, expected, null, t0,
                    export);
        }
        String twinKey = c.reference() + "64";
        String repro = "repro/" + key.replace("/", "__").replace('#', '@').replace(':', '-');
        CheckRequest.Builder b = CheckRequest.builder(req.corpus().resolve(e.references().get(c.reference())), onnx)
                .optSeed(req.seed()).optOnnxThreads(req.threads())
                .optTorchOptions(TorchScriptEngine.Options.forDevice(false, req.threads(), req.torchDevice()))
                .optSaveInputs(req.out().resolve(repro)).optNoiseFactor(req.noiseFactor()).optPlacement(placement);
        if (req.useTwins() && e.references().containsKey(twinKey)) {
            b.optReference64(req.corpus().resolve(e.references().get(twinKey)));
        }
        if (e.dataset() != null) {
            b.optDataset(req.corpus().resolve(e.dataset()));
        }
        if (req.localize() && e.probe() != null && c.reference().equals("traced")) {
            b.optLocalize(req.corpus().resolve(e.probe().torch()));
        }
        manifestInputs(b, e);
        try {
            CheckResult r = ParityCheck.run(b.build(), stages, references);
            Outcome o = Outcome.of(r);
            boolean saved = Files.isDirectory(req.out().resolve(repro));
            return record(where, p, generation, o, r.verdict().label(), r.mode(), dev.parity.reports.ConsoleReport.reason(r),
                    r, expected, saved ? repro : null,
                    t0, export);
        } catch (dev.parity.safety.UnsafeModelException ex) {
            return record(where, p, generation, Outcome.UNSAFE_MODEL, "failed", null, ex.getMessage(), null, expected, null, t0,
                    export);
        } catch (BadInputException ex) {
            return record(where, p, generation, Outcome.LOAD_FAILURE, "failed", null, ex.getMessage(), null, expected, null, t0,
                    export);
        }
    }

    /**
     * The manifest's input ranges, roles, size sweep and last-position outputs. Only the manifest's roles:
     * inferring them would change the cases, and so the pinned outcomes, of the corpus's models.
     */
    static void manifestInputs(CheckRequest.Builder b, Manifest.ModelEntry e) {
        b.optInferRoles(false);
        for (Manifest.InputEntry in : e.inputs()) {
            if (in.role() != null) {
                try {
                    b.optRole(in.name(), ManifestLoader.role(in, "model '" + e.name() + "': "),
                            RoleAssignment.Origin.MANIFEST);
                } catch (BadInputException x) {
                    throw new IllegalStateException("ManifestLoader validates roles: " + x.getMessage(), x);
                }
            } else if (in.low() != null && in.high() != null) {
                b.optInput(InputOverride.range(in.name(), DType.parse(in.dtype()), in.low(), in.high()));
            }
        }
        if (e.sweep() != null) {
            e.sweep().forEach(b::optSymbolSizes);
        }
        if (e.lastPosition() != null) {
            e.lastPosition().forEach(b::optLastPosition);
        }
    }

    /**
     * Verifies the sha256 of every file the pair loads against the manifest (references, twin,
     * dataset) and the generation's provenance (the ONNX file and its external data); a message
     * names the first mismatch.
     */
    static String integrity(Path corpus, Manifest.ModelEntry e, Manifest.ConfigEntry c, Path onnx, ExportRecord export,
            boolean twins) {
        java.util.List<String> files = new ArrayList<>();
        files.add(e.references().get(c.reference()));
        if (twins && e.references().containsKey(c.reference() + "64")) {
            files.add(e.references().get(c.reference() + "64"));
        }
        if (e.probe() != null) {
            files.add(e.probe().torch());
            files.add(e.probe().torch64());
        }
        if (e.dataset() != null) {
            files.add(e.dataset());
        }
        try {
            for (String rel : files) {
                String want = e.sha256() == null ? null : e.sha256().get(rel);
                if (want == null && rel.equals(e.dataset())) {
                    want = datasetPin(corpus, rel); // the manifest is read again only for a dataset the model does not pin
                }
                if (want == null) {
                    return "the manifest pins no sha256 for " + rel;
                }
                String got = ParityCheck.sha256(corpus.resolve(rel));
                if (!want.equals(got)) {
                    return "sha256 of " + rel + " is " + got + ", the manifest pins " + want;
                }
            }
            if (export.sha256() == null) {
                return "the provenance pins no sha256 for " + onnx.getFileName();
            }
            String got = ParityCheck.sha256(onnx);
            if (!export.sha256().equals(got)) {
                return "sha256 of " + corpus.relativize(onnx) + " is " + got + ", the provenance pins " + export.sha256();
            }
            return externalDataIntegrity(corpus, onnx, export);
        } catch (BadInputException x) {
            return x.getMessage();
        }
    }

    /** The sha256 the manifest's datasets pin for {@code rel}, or null. */
    private static String datasetPin(Path corpus, String rel) throws BadInputException {
        Manifest m = ManifestLoader.load(corpus);
        String pin = null;
        if (m.datasets() != null) {
            for (Manifest.DatasetEntry d : m.datasets().values()) {
                if (rel.equals(d.path())) {
                    pin = d.sha256();
                }
            }
        }
        return pin;
    }

    /**
     * The external-data files of an export whose ONNX file matched its pin (the dynamo exporter
     * writes the weights to {@code <config>.onnx.data}): every location the file reads must be listed
     * in the provenance, each listed file must be a plain name in the export's folder, and its sha256
     * must be the pinned one, so no byte the export loads escapes the pins. Null when all hold.
     */
    static String externalDataIntegrity(Path corpus, Path onnx, ExportRecord export) throws BadInputException {
        Map<String, String> pins = new LinkedHashMap<>();
        if (export.externalData() != null) {
            for (ExportRecord.ExternalData d : export.externalData()) {
                if (d == null || d.file() == null || !plainFileName(d.file())) {
                    return "the provenance of " + corpus.relativize(onnx) + " lists external data '"
                            + (d == null ? null : d.file()) + "': not a file name in the export folder";
                }
                if (d.sha256() == null) {
                    return "the provenance pins no sha256 for " + corpus.relativize(onnx.resolveSibling(d.file()));
                }
                pins.put(d.file(), d.sha256());
            }
        }
        java.util.Set<String> read;
        try {
            read = dev.parity.safety.OnnxModelCheck.externalDataLocations(dev.parity.safety.OnnxModelCheck.read(onnx));
        } catch (BadInputException unreadable) {
            read = java.util.Set.of(); // a damaged file is the load's failure to report; its pins are checked below
        }
        for (String location : read) {
            if (!pins.containsKey(location)) {
                return corpus.relativize(onnx) + " reads external data '" + location + "' that the provenance does not pin";
            }
        }
        for (Map.Entry<String, String> pin : pins.entrySet()) {
            Path f = onnx.resolveSibling(pin.getKey());
            if (!Files.isRegularFile(f)) {
                return "external data " + corpus.relativize(f) + " is missing (the provenance pins it)";
            }
            String got = ParityCheck.sha256(f);
            if (!pin.getValue().equals(got)) {
                return "sha256 of " + corpus.relativize(f) + " is " + got + ", the provenance pins " + pin.getValue();
            }
        }
        return null;
    }

    /**
     * Checks one pair of a corpus in this process and judges it against the corpus's expectations:
     * what a JUnit test of a corpus pair calls ({@code dev.parity.junit.ParityCorpus}).
     *
     * @param req the corpus, generation, seed, twins and the folder for reproduction inputs
     */
    public static RunRecord checkJudged(RunRequest req, Pair p) throws BadInputException {
        Manifest m = ManifestLoader.load(req.corpus());
        String generation = req.generation() != null ? req.generation() : m.referenceGeneration();
        Expectations expectations = Expectations.load(req.corpus());
        RunRecord r = checkPair(req, generation, p, readProvenance(req.corpus(), p.model().name(), generation));
        return r.expecting(expectations.of(r));
    }

    /** A name of a file directly inside a folder: no separator, not '.' or '..'. */
    static boolean plainFileName(String name) {
        return name.matches("[A-Za-z0-9_.+-]+") && !name.equals(".") && !name.equals("..");
    }

    /** The key and placement label a record is filed under. */
    record Where(String key, String placement) {}

    private static RunRecord record(Where w, Pair p, String generation, Outcome o, String verdict, String mode,
            String message, CheckResult r, String expected, String repro, long t0, ExportRecord export) {
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
        Double accDelta = r != null && r.accuracy() != null && r.accuracy().unjudged() == null ? r.accuracy().delta() : null;
        Double torchMs = median(tms);
        Double onnxMs = median(oms);
        if (r != null && r.latency() != null) {
            torchMs = r.latency().torchMedianMs();
            onnxMs = r.latency().onnxMedianMs();
        }
        Double accP = r != null && r.accuracy() != null && r.accuracy().unjudged() == null ? r.accuracy().pValue() : null;
        return new RunRecord(w.key(), p.model().name(), p.config().name(), generation, p.model().family(),
                p.model().task(), o, verdict, mode, message, ratio, accDelta, accP, torchMs, onnxMs, expected, repro,
                (System.nanoTime() - t0) / 1e9, export, r, w.placement()).withNote(p.model().notes());
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

    /**
     * What a run produced: its folder, generation and records in order, and where the run's own wall
     * time went ({@link RunStage}: seconds of setup, the pairs, the record writes among them, finish).
     */
    public record RunSummary(Path folder, String generation, List<RunRecord> records, Map<String, Double> stages) {
        public RunSummary {
            Objects.requireNonNull(folder);
            records = List.copyOf(records);
            stages = stages == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
        }

        public RunSummary(Path folder, String generation, List<RunRecord> records) {
            this(folder, generation, records, null);
        }
    }

    /** The names of a run's own stages (run.json's {@code stages}); each pair's are in its record. */
    public static final class RunStage {
        /** Manifest, expectations, provenance, engine versions, run.json: before the first pair. */
        public static final String SETUP = "setup";
        /** From the first pair's start to the last pair's record (workers started and closed included). */
        public static final String PAIRS = "pairs";
        /** Writing and syncing results.jsonl, one line per pair (within {@link #PAIRS}). */
        public static final String RECORD_WRITE = "record_write";
        /** The final run.json. */
        public static final String FINISH = "finish";

        private RunStage() {}
    }
}
