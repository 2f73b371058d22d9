package dev.parity.isolation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A worker process: connects to the parent's socket (the first argument), then answers one task
 * frame at a time with a result or an error frame. What the model or a native library prints goes to
 * this process's stdout and stderr, which the parent keeps as a bounded log: it never reaches the
 * protocol. The worker halts when its parent is gone, even while a model spins in native code.
 *
 * <p>Test-only fault switch: {@code PARITY_WORKER_FAULT=crash:KEY,hang:KEY} makes this worker segfault
 * (a real native crash) or sleep forever on the task whose first line names KEY.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        System.setOut(System.err);
        watchParent();
        Map<String, TaskHandler> handlers = new HashMap<>();
        for (TaskHandler h : ServiceLoader.load(TaskHandler.class)) {
            handlers.put(h.kind(), h);
        }
        Map<String, String> faults = faults(System.getenv("PARITY_WORKER_FAULT"));
        SocketChannel sc = SocketChannel.open(StandardProtocolFamily.UNIX);
        sc.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
        try (Channel ch = WorkerProcess.channel(sc)) {
            for (Channel.Frame f = ch.read(); f != null; f = ch.read()) {
                if (f.kind() != Channel.Kind.TASK) {
                    throw new IOException("protocol: expected a task, got " + f.kind());
                }
                int nl = f.json().indexOf('\n');
                String kind = f.json().substring(0, Math.max(nl, 0));
                String body = f.json().substring(nl + 1);
                String key = faults.isEmpty() ? "" : WorkerProcess.faultKey(body);
                if ("crash".equals(faults.get(key))) {
                    segfault();
                } else if ("hang".equals(faults.get(key))) {
                    Thread.sleep(Long.MAX_VALUE);
                }
                TaskHandler h = handlers.get(kind);
                try {
                    if (h == null) {
                        throw new TaskFailure("internal", "no handler for task kind '" + kind + "'");
                    }
                    String result = h.handle(body, line -> {
                        try {
                            ch.write(Channel.Kind.PROGRESS, line);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    ch.write(Channel.Kind.RESULT, result);
                } catch (TaskFailure e) {
                    ch.write(Channel.Kind.ERROR, error(e.type(), e.getMessage()));
                } catch (RuntimeException | Error e) {
                    e.printStackTrace();
                    ch.write(Channel.Kind.ERROR, error("internal", e.toString()));
                }
            }
        }
        for (TaskHandler h : handlers.values()) {
            h.close();
        }
        System.exit(0);
    }

    private static String error(String type, String message) throws IOException {
        ObjectMapper m = new ObjectMapper();
        return m.writeValueAsString(Map.of("type", type, "message", message == null ? "" : message));
    }

    /** Halts this JVM when the process that started it is gone: a killed run leaves no worker spinning. */
    private static void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        Thread t = new Thread(() -> {
            while (true) {
                if (!parent.isAlive()) {
                    Runtime.getRuntime().halt(70);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "parity-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    static Map<String, String> faults(String spec) {
        Map<String, String> m = new HashMap<>();
        if (spec != null) {
            for (String part : spec.split(",")) {
                int colon = part.indexOf(':');
                if (colon > 0) {
                    m.put(part.substring(colon + 1).trim(), part.substring(0, colon).trim());
                }
            }
        }
        return m;
    }

    @SuppressWarnings("removal")
    private static void segfault() throws Exception {
        java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        ((sun.misc.Unsafe) f.get(null)).putAddress(0, 0);
    }
}
