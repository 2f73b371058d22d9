package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worker crashes and hangs cost one pair each; a SIGKILLed run resumes to the uninterrupted result. */
class IsolationAndResumeTest {
    private static final String MODELS = "mlp,two_heads,maxpool_ceil,avgpool_ceil,frozen_batch";
    private static final String CONFIGS = "opset13,opset17";

    private static Path corpus() {
        return Corpus.root().resolve("model-corpus");
    }

    private static Map<String, Outcome> outcomes(List<RunRecord> recs) {
        return recs.stream().collect(Collectors.toMap(RunRecord::key, RunRecord::outcome, (a, b) -> a, TreeMap::new));
    }

    @Test
    void anInjectedCrashAndHangEachCostOnePair(@TempDir Path dir) throws Exception {
        System.setProperty("parity.worker.fault", "crash:avgpool_ceil/opset13,hang:mlp/opset17");
        List<RunRecord> recs;
        try {
            recs = CorpusRun.run(new RunRequest(corpus(), null, MODELS, CONFIGS, dir, 0, true, 1, 8, 1, 8),
                    RunListener.NONE).records();
        } finally {
            System.clearProperty("parity.worker.fault");
        }
        Map<String, Outcome> got = outcomes(recs);
        assertEquals(Outcome.CRASH, got.get("avgpool_ceil/opset13"));
        assertEquals(Outcome.TIMEOUT, got.get("mlp/opset17"));
        RunRecord crash = recs.stream().filter(r -> r.outcome() == Outcome.CRASH).findFirst().orElseThrow();
        assertTrue(crash.message().contains("worker process died") && crash.message().contains("SIGSEGV"), crash.message());
        try (var s = Files.list(dir.resolve("crashes"))) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().startsWith("hs_err_pid")), "JVM crash report kept");
        }
        Map<String, Outcome> clean = outcomes(CorpusRun.run(new RunRequest(corpus(), null, MODELS, CONFIGS,
                dir.resolve("clean"), 0, true, 1, 8), RunListener.NONE).records());
        assertEquals(10, got.size());
        for (var e : clean.entrySet()) {
            if (!e.getKey().equals("avgpool_ceil/opset13") && !e.getKey().equals("mlp/opset17")) {
                assertEquals(e.getValue(), got.get(e.getKey()), "every other pair gets its verdict: " + e.getKey());
            }
        }
    }

    @Test
    void aRunKilledWithSigkillResumesToTheUninterruptedResult(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("run");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The worker hangs on the 7th pair, so the parent is reliably mid-run when it is killed.
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-Dparity.worker.fault=hang:avgpool_ceil/opset17",
                "-cp", System.getProperty("java.class.path"), "dev.parity.cli.ParityMain", "run", "--corpus",
                corpus().toString(), "--models", MODELS, "--configs", CONFIGS, "--out", folder.toString(),
                "--workers", "1", "--timeout", "0");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile());
        Process p = pb.start();
        Path results = folder.resolve(CorpusRun.RESULTS);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (lines(results) < 5 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int before = lines(results);
        assertTrue(before >= 5 && before < 10, "killed mid-run after " + before + " records");
        p.descendants().forEach(ProcessHandle::destroyForcibly); // SIGKILL the worker ...
        p.destroyForcibly(); // ... and the run itself
        p.waitFor();
        // a record torn by the kill
        Files.writeString(results, "{\"key\":\"frozen_batch/opset13\",\"mod", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        CorpusRun.RunSummary resumed = CorpusRun.resume(folder, RunListener.NONE);
        List<String> keys = Files.readAllLines(results).stream().map(l -> l.substring(8, l.indexOf('"', 8)))
                .collect(Collectors.toList());
        assertEquals(10, keys.size(), "one line per pair, the torn one dropped: " + keys);
        assertEquals(10, keys.stream().distinct().count(), "nothing duplicated");
        Map<String, Outcome> clean = outcomes(CorpusRun.run(new RunRequest(corpus(), null, MODELS, CONFIGS,
                dir.resolve("clean"), 0, true, 1, 8), RunListener.NONE).records());
        assertEquals(clean, outcomes(resumed.records()), "same pairs, same verdicts as an uninterrupted run");
        assertTrue(Files.readString(folder.resolve(CorpusRun.RUN_JSON)).contains("\"resumed\""));
    }

    private static int lines(Path f) throws Exception {
        if (!Files.exists(f)) {
            return 0;
        }
        List<String> all = new ArrayList<>(Files.readAllLines(f));
        all.removeIf(String::isBlank);
        return all.size();
    }
}
