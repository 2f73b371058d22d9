package dev.parity.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.isolation.WorkerProcess;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker processes that check pairs one at a time ({@link WorkerProcess}: sandboxed, memory-capped,
 * talking over a channel the model cannot write to), so a native crash, an abort, a hang or a memory
 * blow-up costs one pair, not the run. A worker that dies yields a {@code crash} record (exit status,
 * signal, memory cap, the telling lines of its output); one that exceeds the per-pair limit is killed
 * and yields {@code timeout}; either way a fresh worker takes its place. A worker that answered is
 * reused for the next pair, so the JVM start and the engines' native loads are paid once per worker.
 */
public final class WorkerPool implements AutoCloseable {
    private final List<WorkerProcess> idle = new ArrayList<>();
    private final List<WorkerProcess> all = new ArrayList<>();
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

    private synchronized WorkerProcess acquire(RunRequest req) throws IOException {
        while (!idle.isEmpty()) {
            WorkerProcess w = idle.remove(idle.size() - 1);
            if (w.usable()) {
                return w;
            }
            discard(w);
        }
        Path repro = Files.createDirectories(req.out().resolve("repro"));
        WorkerProcess w = WorkerProcess.start(new WorkerProcess.Spec(req.limits(), List.of(req.corpus()),
                List.of(repro), crashDir));
        all.add(w);
        return w;
    }

    private synchronized void release(WorkerProcess w) {
        idle.add(w);
    }

    private synchronized void discard(WorkerProcess w) {
        all.remove(w);
        w.close();
    }

    /** Checks one pair in a worker; crashes and timeouts become records, never exceptions. */
    public RunRecord check(RunRequest req, String generation, CorpusRun.Placed placed) throws IOException, InterruptedException {
        CorpusRun.Pair pair = placed.pair();
        ObjectMapper json = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
        long t0 = System.nanoTime();
        WorkerProcess w;
        try {
            w = acquire(req);
        } catch (IOException e) {
            return failure(placed, generation, Outcome.CRASH, "could not start a worker: " + e.getMessage(), t0);
        }
        WorkerProcess.Answer a = w.call(PairTaskHandler.KIND, json.writeValueAsString(new PairTaskHandler.Task(req,
                generation, pair.key(), placed.placement().label(), placed.key())), null);
        if (a instanceof WorkerProcess.Result r) {
            release(w);
            // the record is parsed, never trusted for its identity: a worker answers for the pair it was given
            RunRecord rec = json.readValue(r.json(), RunRecord.class);
            if (!placed.key().equals(rec.key())) {
                return failure(placed, generation, Outcome.CRASH, "worker answered for '" + rec.key() + "'", t0);
            }
            return rec;
        }
        discard(w);
        if (a instanceof WorkerProcess.TimedOut t) {
            return failure(placed, generation, Outcome.TIMEOUT, "no answer within " + t.seconds() + " s; worker killed", t0);
        }
        if (a instanceof WorkerProcess.Died d) {
            return failure(placed, generation, Outcome.CRASH, d.how(), t0);
        }
        WorkerProcess.Failure f = (WorkerProcess.Failure) a;
        return failure(placed, generation, f.type().equals("bad-input") ? Outcome.LOAD_FAILURE : Outcome.CRASH,
                f.type() + ": " + f.message(), t0);
    }

    private static RunRecord failure(CorpusRun.Placed placed, String generation, Outcome o, String message, long t0) {
        CorpusRun.Pair p = placed.pair();
        return new RunRecord(placed.key(), p.model().name(), p.config().name(), generation, p.model().family(), p.model().task(),
                o, "failed", null, message, null, null, null, null, null, null, null,
                (System.nanoTime() - t0) / 1e9, null, null, placed.placement().label()).withNote(p.model().notes());
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
