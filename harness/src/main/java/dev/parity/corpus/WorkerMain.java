package dev.parity.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A worker process of a corpus run: reads one {@link Task} per line on stdin, checks the pair,
 * answers one line {@code @@parity <record json>} on stdout. Everything else a native library
 * prints goes to stderr, and any stdout line without the prefix is ignored by the parent.
 *
 * <p>Test-only fault switch: {@code PARITY_WORKER_FAULT=crash:KEY,hang:KEY} makes this worker
 * segfault (a real native crash: a write to address 0) or sleep forever when it reaches pair KEY.
 */
public final class WorkerMain {
    public static final String PREFIX = "@@parity ";

    /** One pair for a worker: the run request and the pair's key. */
    public record Task(RunRequest request, String generation, String pair, String placement, String key) {}

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        System.setOut(System.err); // stray prints must not corrupt the protocol
        ObjectMapper json = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Manifest> manifests = new HashMap<>();
        Map<String, String> faults = faults(System.getenv("PARITY_WORKER_FAULT"));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            Task t = json.readValue(line, Task.class);
            String fault = faults.get(t.pair());
            if ("crash".equals(fault)) {
                segfault();
            } else if ("hang".equals(fault)) {
                Thread.sleep(Long.MAX_VALUE);
            }
            Manifest m = manifests.computeIfAbsent(t.request().corpus().toString(), k -> {
                try {
                    return ManifestLoader.load(t.request().corpus());
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            CorpusRun.Pair pair = CorpusRun.select(m, "*", "*").stream().filter(p -> p.key().equals(t.pair())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no pair " + t.pair()));
            RunRecord r = CorpusRun.checkPair(t.request(), t.generation(), pair,
                    CorpusRun.readProvenance(t.request().corpus(), pair.model().name(), t.generation()),
                    dev.parity.engine.Placement.parse(t.placement()), t.key());
            protocol.println(PREFIX + json.writeValueAsString(r));
        }
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
