package dev.parity.isolation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One worker JVM, owned by whoever started it: confined by {@link Limits} (sandbox, memory cap, task
 * timeout), talking over a {@link Channel} on a Unix domain socket in a private folder, its stdout and
 * stderr kept as a bounded log. {@link #call} sends a task and waits for its answer: a result, an error,
 * or what happened to the worker (died, killed at the memory cap, timed out).
 */
public final class WorkerProcess implements AutoCloseable {
    private static final int LOG_LINES = 60;
    private static final int LOG_LINE_CHARS = 2000;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Frame DIED = new Frame(null, null);

    private record Frame(Channel.Kind kind, String json) {}

    /** What a worker needs to see: folders it reads, folders it writes, where JVM crash reports go. */
    public record Spec(Limits limits, List<Path> readOnly, List<Path> writable, Path crashDir) {
        public Spec {
            readOnly = List.copyOf(readOnly);
            writable = List.copyOf(writable);
        }
    }

    /** The answer to a task. */
    public sealed interface Answer permits Result, Failure, Died, TimedOut {}

    /** The task's result. */
    public record Result(String json) implements Answer {}

    /** The task ended in an error of this type ({@link TaskFailure#type()}). */
    public record Failure(String type, String message) implements Answer {}

    /** The worker died (a native crash, an abort, killed at the memory cap); {@code how} says which. */
    public record Died(String how, boolean memoryCap) implements Answer {}

    /** The task did not finish within the limit; the worker was killed. */
    public record TimedOut(int seconds) implements Answer {}

    private final Process process;
    private final Channel channel;
    private final ServerSocketChannel server;
    private final Path privateDir;
    private final MemoryCap cap;
    private final Limits limits;
    private final boolean sandboxed;
    private final Deque<String> log = new ArrayDeque<>();
    private final BlockingQueue<Frame> answers = new LinkedBlockingQueue<>();
    private volatile Consumer<String> progress = s -> { };
    private boolean dead;

    private WorkerProcess(Process process, Channel channel, ServerSocketChannel server, Path privateDir, MemoryCap cap,
            Limits limits, boolean sandboxed) {
        this.process = process;
        this.channel = channel;
        this.server = server;
        this.privateDir = privateDir;
        this.cap = cap;
        this.limits = limits;
        this.sandboxed = sandboxed;
    }

    /** Whether workers started with {@code limits} run in the OS sandbox. */
    public static boolean sandboxed(Limits limits) {
        return limits.sandbox() && Sandbox.available();
    }

    /** One line for a run's log: how its workers are confined. */
    public static String describe(Limits limits) {
        String box = sandboxed(limits) ? "bubblewrap sandbox (read-only model and runtime files, private /tmp, no network)"
                : limits.sandbox() ? "no OS sandbox: " + Sandbox.unavailableReason() + "; process limits only"
                : "no OS sandbox (disabled)";
        String mem;
        try (MemoryCap probe = MemoryCap.create("parity-probe-" + ProcessHandle.current().pid(), limits.maxMemoryBytes())) {
            mem = probe.describe();
        }
        return "workers: " + box + "; memory cap " + mem + "; timeout "
                + (limits.timeoutSeconds() > 0 ? limits.timeoutSeconds() + " s" : "none");
    }

    /** The Vector API's module for the oracles (ClosenessOracle), where this Java runtime has it. */
    private static final List<String> VECTOR_MODULE_OPTIONS =
            java.lang.module.ModuleFinder.ofSystem().find("jdk.incubator.vector").isPresent()
                    ? List.of("--add-modules", "jdk.incubator.vector") : List.of();

    public static WorkerProcess start(Spec spec) throws IOException {
        Path dir = Files.createTempDirectory("parity-worker");
        Path sock = dir.resolve("ch.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        Files.createDirectories(spec.crashDir());
        Limits limits = spec.limits();
        long heap = limits.maxMemoryBytes() > 0 ? Math.max(256L << 20, Math.min(2L << 30, limits.maxMemoryBytes() / 2))
                : 2L << 30;
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> java = new ArrayList<>(List.of(javaBin, "-Xmx" + (heap >> 20) + "m", "-Djava.awt.headless=true",
                "-Dai.djl.offline=true", "-Djava.io.tmpdir=/tmp",
                "-XX:ErrorFile=" + spec.crashDir().toAbsolutePath().resolve("hs_err_pid%p.log"),
                "-XX:-CreateCoredumpOnCrash", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                sock.toString()));
        java.addAll(1, VECTOR_MODULE_OPTIONS); // the oracles' Vector API path (ClosenessOracle)
        boolean box = sandboxed(limits);
        List<String> cmd = new ArrayList<>();
        MemoryCap cap = MemoryCap.create("parity-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet(),
                limits.maxMemoryBytes());
        if (cap.procsFile() != null) {
            // join the cgroup before exec, so the sandbox and the JVM are born inside it
            cmd.addAll(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cap.procsFile().toString()));
        }
        if (box) {
            List<Path> writable = new ArrayList<>(spec.writable());
            writable.add(dir);
            writable.add(spec.crashDir());
            cmd.addAll(Sandbox.prefix(spec.readOnly(), writable));
        }
        cmd.addAll(java);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        String fault = System.getProperty("parity.worker.fault"); // test-only, see WorkerMain
        if (fault != null) {
            pb.environment().put("PARITY_WORKER_FAULT", fault);
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            server.close();
            cap.close();
            deleteTree(dir);
            throw e;
        }
        cap.watch(p.toHandle());
        WorkerProcess[] self = new WorkerProcess[1];
        Deque<String> early = new ArrayDeque<>();
        Thread logReader = new Thread(() -> drainLog(p.getInputStream(), self, early), "parity-worker-log");
        logReader.setDaemon(true);
        logReader.start();
        SocketChannel sc = accept(server, p, 120);
        if (sc == null) {
            killTree(p);
            server.close();
            cap.close();
            deleteTree(dir);
            String tail;
            synchronized (early) {
                tail = String.join(" | ", early);
            }
            throw new IOException("the worker process did not start" + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")")
                    + (tail.isEmpty() ? "" : ": " + tail));
        }
        WorkerProcess w = new WorkerProcess(p, channel(sc), server, dir, cap, limits, box);
        synchronized (early) {
            w.log.addAll(early);
            self[0] = w;
        }
        Thread reader = new Thread(w::readFrames, "parity-worker-channel");
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    private static SocketChannel accept(ServerSocketChannel server, Process p, int seconds) throws IOException {
        server.configureBlocking(false);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            SocketChannel sc = server.accept();
            if (sc != null) {
                sc.configureBlocking(true);
                return sc;
            }
            if (!p.isAlive()) {
                return null;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * A channel over a socket. Plain streams over the socket's own read and write, because the JDK's
     * {@code Channels.newInputStream} holds a lock while blocked in a read that a write would need.
     */
    static Channel channel(SocketChannel sc) {
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : sc.read(ByteBuffer.wrap(b, off, len));
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    sc.write(buf);
                }
            }
        };
        return new Channel(in, out, sc);
    }

    private static void drainLog(InputStream s, WorkerProcess[] self, Deque<String> early) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (l.equals("WARNING: Using incubator modules: jdk.incubator.vector")) {
                    continue; // the JVM's, as it starts with VECTOR_MODULE_OPTIONS: not the worker's output
                }
                String line = l.length() > LOG_LINE_CHARS ? l.substring(0, LOG_LINE_CHARS) + "..." : l;
                Deque<String> target;
                synchronized (early) {
                    target = self[0] != null ? self[0].log : early;
                }
                synchronized (target) {
                    target.addLast(line);
                    if (target.size() > LOG_LINES) {
                        target.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone: its exit status tells the rest
        }
    }

    private void readFrames() {
        try {
            for (Channel.Frame f = channel.read(); f != null; f = channel.read()) {
                if (f.kind() == Channel.Kind.PROGRESS) {
                    progress.accept(f.json());
                } else if (f.kind() == Channel.Kind.RESULT || f.kind() == Channel.Kind.ERROR) {
                    answers.add(new Frame(f.kind(), f.json()));
                } else {
                    break; // a worker may not send tasks: the conversation is over
                }
            }
        } catch (IOException | RuntimeException e) {
            // a damaged or closed channel: the worker is treated as dead
        } finally {
            answers.add(DIED);
        }
    }

    /** Whether this worker can take another task. */
    public boolean usable() {
        return !dead && process.isAlive();
    }

    /**
     * Sends one task and waits for its answer, within the task timeout.
     *
     * @param kind the task kind ({@link TaskHandler#kind()})
     * @param json the task
     * @param onProgress receives the worker's progress lines
     */
    public Answer call(String kind, String json, Consumer<String> onProgress) throws InterruptedException {
        progress = onProgress == null ? s -> { } : onProgress;
        try {
            channel.write(Channel.Kind.TASK, kind + "\n" + json);
        } catch (IOException e) {
            answers.add(DIED);
        }
        Frame f = limits.timeoutSeconds() > 0 ? answers.poll(limits.timeoutSeconds(), TimeUnit.SECONDS) : answers.take();
        if (f == null) {
            dead = true;
            killTree(process);
            process.waitFor(10, TimeUnit.SECONDS);
            return new TimedOut(limits.timeoutSeconds());
        }
        if (f == DIED) {
            dead = true;
            boolean exited = process.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(100); // let the log reader collect the last lines
            if (!exited) {
                killTree(process);
                process.waitFor(5, TimeUnit.SECONDS);
            }
            int code = process.isAlive() ? -1 : process.exitValue();
            boolean capped = cap.exceeded();
            String how = capped ? "killed at its memory cap of " + (cap.bytes() >> 20) + " MiB (exit " + code + ")"
                    : code > 128 ? "exit " + code + " (signal " + (code - 128) + signalName(code - 128) + ")"
                    : "exit " + code;
            return new Died("worker process died: " + how + tail(), capped);
        }
        if (f.kind() == Channel.Kind.ERROR) {
            try {
                var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.json());
                return new Failure(n.path("type").asText("internal"), n.path("message").asText(""));
            } catch (IOException e) {
                return new Failure("internal", "unreadable error from the worker: " + e.getMessage());
            }
        }
        return new Result(f.json());
    }

    /** The worker's recent output (what the model and native libraries printed), newest last. */
    public String log() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    private static final Pattern TELLING = Pattern.compile(
            "SIG[A-Z]+ \\(0x|Problematic frame|^# [CJjV]  \\[|OutOfMemoryError|Exception in thread");

    /** The log lines that say what happened (signal, frame), else the last few. */
    String tail() {
        String t = log().strip();
        if (t.isEmpty()) {
            return "";
        }
        String[] lines = t.split("\n");
        Set<String> picked = new LinkedHashSet<>();
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
        return "; output: " + String.join(" | ", picked);
    }

    private static String signalName(int sig) {
        switch (sig) {
            case 6: return ", SIGABRT";
            case 9: return ", SIGKILL";
            case 11: return ", SIGSEGV";
            default: return "";
        }
    }

    /** The key a test fault names: the task's {@code key} field, else its kind's default. */
    static String faultKey(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("key").asText("check");
        } catch (IOException e) {
            return "";
        }
    }

    public boolean isSandboxed() {
        return sandboxed;
    }

    static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            // a private temp folder left behind
        }
    }

    @Override
    public void close() {
        channel.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                killTree(process);
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
        }
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cap.close();
        deleteTree(privateDir);
    }
}
