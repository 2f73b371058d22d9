package dev.parity.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVM processes that check pairs one at a time, so a native crash, an abort or a hang costs
 * one pair, not the run. A worker that dies yields a {@code crash} record (exit code, signal, the
 * tail of its stderr); one that exceeds the per-pair limit is killed and yields {@code timeout};
 * either way a fresh worker takes its place. Each worker is owned by one calling thread.
 */
public final class WorkerPool implements AutoCloseable {
    private static final int STDERR_TAIL = 30;
    private final List<Worker> idle = new ArrayList<>();
    private final List<Worker> all = new ArrayList<>();

    /** One worker process with its protocol and stderr readers. */
    static final class Worker {
        final Process process;
        final OutputStream stdin;
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final Deque<String> stderr = new ArrayDeque<>();

        Worker(Process p) {
            this.process = p;
            this.stdin = p.getOutputStream();
            Thread out = new Thread(() -> drain(p.getInputStream(), true), "parity-worker-out");
            Thread err = new Thread(() -> drain(p.getErrorStream(), false), "parity-worker-err");
            out.setDaemon(true);
            err.setDaemon(true);
            out.start();
            err.start();
        }

        private void drain(java.io.InputStream s, boolean protocol) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    if (protocol && l.startsWith(WorkerMain.PREFIX)) {
                        answers.add(l.substring(WorkerMain.PREFIX.length()));
                    } else {
                        synchronized (stderr) {
                            stderr.addLast(l);
                            if (stderr.size() > STDERR_TAIL) {
                                stderr.removeFirst();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone; the caller sees it through exit status
            } finally {
                if (protocol) {
                    answers.add("");
                }
            }
        }

        String stderrTail() {
            synchronized (stderr) {
                return String.join("\n", stderr);
            }
        }
    }

    private final int size;
    private final java.nio.file.Path crashDir;

    /** @param crashDir where a crashing worker's JVM error report ({@code hs_err_pid*.log}) goes */
    public WorkerPool(int size, java.nio.file.Path crashDir) {
        this.size = size;
        this.crashDir = crashDir;
    }

    public int size() {
        return size;
    }

    Worker start() throws IOException {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.nio.file.Files.createDirectories(crashDir);
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx2g", "-Djava.awt.headless=true", "-Dai.djl.offline=true",
                "-XX:ErrorFile=" + crashDir.resolve("hs_err_pid%p.log"), "-XX:-CreateCoredumpOnCrash",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        String fault = System.getProperty("parity.worker.fault"); // test-only, see WorkerMain
        if (fault != null) {
            pb.environment().put("PARITY_WORKER_FAULT", fault);
        }
        return new Worker(pb.start());
    }

    private synchronized Worker acquire() throws IOException {
        if (!idle.isEmpty()) {
            return idle.remove(idle.size() - 1);
        }
        Worker w = start();
        all.add(w);
        return w;
    }

    private synchronized void release(Worker w) {
        idle.add(w);
    }

    private synchronized void discard(Worker w) {
        w.process.destroyForcibly();
        all.remove(w);
    }

    /** Checks one pair in a worker; crashes and timeouts become records, never exceptions. */
    public RunRecord check(RunRequest req, String generation, CorpusRun.Placed placed) throws IOException, InterruptedException {
        CorpusRun.Pair pair = placed.pair();
        ObjectMapper json = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
        long t0 = System.nanoTime();
        Worker w = acquire();
        String line;
        try {
            w.stdin.write((json.writeValueAsString(new WorkerMain.Task(req, generation, pair.key(),
                    placed.placement().label(), placed.key())) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            w.stdin.flush();
            line = req.timeoutSeconds() > 0 ? w.answers.poll(req.timeoutSeconds(), TimeUnit.SECONDS) : w.answers.take();
        } catch (IOException e) {
            line = "";
        }
        if (line == null) {
            discard(w);
            w.process.waitFor(10, TimeUnit.SECONDS);
            return failure(placed, generation, Outcome.TIMEOUT, "no answer within " + req.timeoutSeconds()
                    + " s; worker killed" + tail(w), t0);
        }
        if (line.isEmpty()) {
            boolean exited = w.process.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(100); // let the stderr reader collect the last lines
            discard(w);
            int code = exited ? w.process.exitValue() : -1;
            String how = code > 128 ? "exit " + code + " (signal " + (code - 128) + signalName(code - 128) + ")" : "exit " + code;
            return failure(placed, generation, Outcome.CRASH, "worker process died: " + how + tail(w), t0);
        }
        release(w);
        return json.readValue(line, RunRecord.class);
    }

    private static String signalName(int sig) {
        switch (sig) {
            case 6: return ", SIGABRT";
            case 9: return ", SIGKILL";
            case 11: return ", SIGSEGV";
            default: return "";
        }
    }

    private static final java.util.regex.Pattern TELLING = java.util.regex.Pattern.compile(
            "SIG[A-Z]+ \\(0x|Problematic frame|^# [CJjV]  \\[|OutOfMemoryError|Exception in thread");

    /** The stderr lines that say what happened (signal, frame), else the last few. */
    private static String tail(Worker w) {
        String t = w.stderrTail().strip();
        if (t.isEmpty()) {
            return "";
        }
        String[] lines = t.split("\n");
        java.util.Set<String> picked = new java.util.LinkedHashSet<>();
        for (int i = 0; i < lines.length; i++) {
            if (TELLING.matcher(lines[i]).find()) {
                picked.add(lines[i].replaceFirst("^#\\s*", "").strip());
                if (lines[i].contains("Problematic frame") && i + 1 < lines.length) {
                    picked.add(lines[i + 1].replaceFirst("^#\\s*", "").strip());
                }
            }
        }
        if (picked.isEmpty()) {
            picked.addAll(List.of(lines).subList(Math.max(0, lines.length - 6), lines.length));
        }
        return "; stderr: " + String.join(" | ", picked);
    }

    private static RunRecord failure(CorpusRun.Placed placed, String generation, Outcome o, String message, long t0) {
        CorpusRun.Pair p = placed.pair();
        return new RunRecord(placed.key(), p.model().name(), p.config().name(), generation, p.model().family(), p.model().task(),
                o, "failed", null, message, null, null, null, null, null, null, null,
                (System.nanoTime() - t0) / 1e9, null, null, placed.placement().label());
    }

    @Override
    public synchronized void close() {
        for (Worker w : all) {
            try {
                w.stdin.close();
            } catch (IOException e) {
                // closing anyway
            }
            try {
                if (!w.process.waitFor(5, TimeUnit.SECONDS)) {
                    w.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                w.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        all.clear();
        idle.clear();
    }
}
