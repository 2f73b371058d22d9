package dev.parity.cli;

import static dev.parity.cli.CheckCommandTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parity check} against models that print, spin or eat memory (fixtures made by
 * model-corpus/builders/build_hostile_fixtures.py): contained by the worker, never believed.
 */
class HostileModelTest {
    private static Path hostile(String name) {
        return Corpus.fixture("hostile/" + name);
    }

    @Test
    void whatAModelPrintsCannotForgeTheVerdict() {
        CheckCommandTest.Run r = check(hostile("forger.pt"), hostile("forger.onnx"));
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("verdict: DISCREPANT"), r.out());
        assertFalse(r.out().contains("@@parity"), "the model's prints stay in the worker's log: " + r.out());
    }

    @Test
    void aModelThatNeverReturnsIsKilledAtTheTimeout() {
        long t0 = System.nanoTime();
        CheckCommandTest.Run r = check(hostile("spinner.pt"), hostile("forger.onnx"), "--timeout", "5");
        assertEquals(ExitCodes.ENGINE_FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no result within 5 s (--timeout); the worker was killed"), r.out());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "the check ended");
    }

    @Test
    void aModelPastTheMemoryCapIsKilled() {
        CheckCommandTest.Run r = check(hostile("hog.pt"), hostile("forger.onnx"), "--max-memory", "1g");
        assertEquals(ExitCodes.ENGINE_FAILED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("killed at its memory cap of 1024 MiB"), r.out());
    }

    @Test
    void badFlagsOfTheWorkerAreUsageErrors() {
        CheckCommandTest.Run r = check(hostile("forger.pt"), hostile("forger.onnx"), "--max-memory", "12q");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("--max-memory"), r.err());
        CheckCommandTest.Run small = check(hostile("forger.pt"), hostile("forger.onnx"), "--max-memory", "10m");
        assertEquals(ExitCodes.BAD_INPUT, small.code(), small.err());
    }

    /** A killed parity process takes its worker with it, even one spinning in native code. */
    @Test
    void workersDieWithTheirParent(@TempDir Path dir) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process parent = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.parity.cli.ParityMain",
                "check", "--torch", hostile("spinner.pt").toString(), "--onnx", hostile("forger.onnx").toString(),
                "--timeout", "0").redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        List<ProcessHandle> workers = List.of();
        for (int i = 0; i < 300 && workers.stream().noneMatch(h -> h.info().commandLine().orElse("").contains("WorkerMain"));
                i++) {
            Thread.sleep(100);
            workers = parent.descendants().toList();
        }
        assertTrue(workers.stream().anyMatch(h -> h.info().commandLine().orElse("").contains("WorkerMain")),
                "a worker started: " + Files.readString(dir.resolve("log")));
        Thread.sleep(2000); // the worker is inside the model's loop now
        parent.destroyForcibly();
        assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(workers.stream().noneMatch(ProcessHandle::isAlive), "no worker outlives the killed parent");
    }
}
