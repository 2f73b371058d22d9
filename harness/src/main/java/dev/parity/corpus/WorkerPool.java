package dev.parity.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.check.Stage;
import dev.parity.isolation.WorkerProcess;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Worker processes that check pairs one at a time ({@link WorkerProcess}: sandboxed, memory-capped,
 * talking over a channel the model cannot write to), so a native crash, an abort, a hang or a memory
 * blow-up costs one pair, not the run. A worker that dies yields a {@code crash} record (exit status,
 * signal, memory cap, the telling lines of its output); one that exceeds the per-pair limit is killed
 * and yields {@code timeout}; either way a fresh worker takes its place. A worker that answered is
 * reused for the next pair, so the JVM start and the engines' native loads are paid once per worker;
 * a thread gets back the worker it used last, so the pairs of one model that one thread checks in a
 * row find their reference still loaded there ({@link PairTaskHandler}).
 */
public final class WorkerPool implements AutoCloseable {
    private final List<WorkerProcess> idle = new ArrayList<>();
    private final List<WorkerProcess> all = new ArrayList<>();
    private final ThreadLocal<WorkerProcess> lastUsed = new ThreadLocal<>();
    /** One mapper for every pair: a copy per pair would build its (de)serializers for the record types anew. */
    private static final ObjectMapper JSON = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
    private final int size;
    private final Path crashDir;

    /** @param crashDir where a crashing worker's JVM error report ({@code hs_err_pid*.log}) goes */
    public WorkerPool(int size, Path crashDir) {
        this.size = size;
        this.crashDir = crashDir;
    }

    public int size() {
        return size;
    }

    /** A worker for this thread: the one it used last if idle, else another idle one, else a new one (null: started). */
    private synchronized WorkerProcess idleWorker() {
        WorkerProcess mine = lastUsed.get();
        if (mine != null && idle.remove(mine)) {
            if (mine.usable()) {
                return mine;
            }
            discard(mine);
        }
        while (!idle.isEmpty()) {
            WorkerProcess w = idle.remove(idle.size() - 1);
            if (w.usable()) {
                return w;
            }
            discard(w);
        }
        return null;
    }

    private WorkerProcess start(RunRequest req) throws IOException {
        // workers read libtorch from the engine cache, read-only: a fresh machine's cache is filled here
        dev.parity.engine.NativeCache.unpackLibtorch();
        Path repro = Files.createDirectories(req.out().resolve("repro"));
        WorkerProcess w = WorkerProcess.start(new WorkerProcess.Spec(req.limits(), List.of(req.corpus()),
                List.of(repro), crashDir));
        synchronized (this) {
            all.add(w);
        }
        return w;
    }

    private synchronized void release(WorkerProcess w) {
        idle.add(w);
        lastUsed.set(w);
    }

    private synchronized void discard(WorkerProcess w) {
        all.remove(w);
        w.close();
    }

    /**
     * Checks one pair in a worker; crashes and timeouts become records, never exceptions. The record's
     * wall time is the run's view (worker start and the channel included); its stages are the worker's,
     * with {@code worker_start} (when this pair needed a new worker) and {@code protocol} added.
     */
    public RunRecord check(RunRequest req, String generation, CorpusRun.Placed placed) throws IOException, InterruptedException {
        CorpusRun.Pair pair = placed.pair();
        ObjectMapper json = JSON;
        long t0 = System.nanoTime();
        Map<String, Double> stages = new LinkedHashMap<>();
        WorkerProcess w = idleWorker();
        if (w == null) {
            try {
                w = start(req);
            } catch (IOException e) {
                stages.put(Stage.WORKER_START.label(), (System.nanoTime() - t0) / 1e9);
                return failure(placed, generation, Outcome.CRASH, "could not start a worker: " + e.getMessage(), t0, stages);
            }
            stages.put(Stage.WORKER_START.label(), (System.nanoTime() - t0) / 1e9);
        }
        long t1 = System.nanoTime();
        WorkerProcess.Answer a = w.call(PairTaskHandler.KIND, json.writeValueAsString(new PairTaskHandler.Task(req,
                generation, pair.key(), placed.placement().label(), placed.key())), null);
        if (a instanceof WorkerProcess.Result r) {
            release(w);
            // the record is parsed, never trusted for its identity: a worker answers for the pair it was given
            RunRecord rec = json.readValue(r.json(), RunRecord.class);
            if (!placed.key().equals(rec.key())) {
                return failure(placed, generation, Outcome.CRASH, "worker answered for '" + rec.key() + "'", t0, stages);
            }
            long t2 = System.nanoTime();
            if (rec.stages() != null) {
                stages.putAll(rec.stages());
            }
            stages.put(Stage.PROTOCOL.label(), Math.max(0, (t2 - t1) / 1e9 - rec.seconds()));
            return rec.withTiming((t2 - t0) / 1e9, stages);
        }
        discard(w);
        if (a instanceof WorkerProcess.TimedOut t) {
            return failure(placed, generation, Outcome.TIMEOUT, "no answer within " + t.seconds() + " s; worker killed", t0,
                    stages);
        }
        if (a instanceof WorkerProcess.Died d) {
            return failure(placed, generation, Outcome.CRASH, d.how(), t0, stages);
        }
        WorkerProcess.Failure f = (WorkerProcess.Failure) a;
        return failure(placed, generation, f.type().equals("bad-input") ? Outcome.LOAD_FAILURE : Outcome.CRASH,
                f.type() + ": " + f.message(), t0, stages);
    }

    private static RunRecord failure(CorpusRun.Placed placed, String generation, Outcome o, String message, long t0,
            Map<String, Double> stages) {
        CorpusRun.Pair p = placed.pair();
        double wall = (System.nanoTime() - t0) / 1e9;
        return new RunRecord(placed.key(), p.model().name(), p.config().name(), generation, p.model().family(), p.model().task(),
                o, "failed", null, message, null, null, null, null, null, null, null,
                wall, null, null, placed.placement().label()).withNote(p.model().notes()).withTiming(wall, stages);
    }

    @Override
    public synchronized void close() {
        for (WorkerProcess w : all) {
            w.close();
        }
        all.clear();
        idle.clear();
    }
}
