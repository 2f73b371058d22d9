package dev.parity.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker can and cannot do: the protocol, the sandbox, the memory cap, the timeout. */
class WorkerProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static WorkerProcess worker(Path dir, Limits limits, List<Path> readOnly, List<Path> writable) throws Exception {
        return WorkerProcess.start(new WorkerProcess.Spec(limits, readOnly, writable, dir.resolve("crashes")));
    }

    private static JsonNode result(WorkerProcess.Answer a) throws Exception {
        WorkerProcess.Result r = assertInstanceOf(WorkerProcess.Result.class, a, a.toString());
        return JSON.readTree(r.json());
    }

    @Test
    void linesAModelPrintsNeverReachTheProtocol(@TempDir Path dir) throws Exception {
        try (WorkerProcess w = worker(dir, new Limits(60, 0, false), List.of(), List.of())) {
            List<String> progress = new ArrayList<>();
            JsonNode r = result(w.call("probe", "{\"action\": \"forge\"}", progress::add));
            assertEquals("genuine", r.path("answer").asText(), "the answer came on the channel, not from stdout");
            assertEquals(List.of("real progress"), progress);
            Thread.sleep(200);
            assertTrue(w.log().contains("@@parity") && w.log().contains("FORGED-ON-STDERR"), "kept as the log: " + w.log());
            assertTrue(w.usable(), "and the worker goes on");
            assertEquals("genuine", result(w.call("probe", "{\"action\": \"forge\"}", null)).path("answer").asText());
        }
    }

    @Test
    void aSandboxedWorkerWritesOnlyItsWritableFolders(@TempDir Path dir) throws Exception {
        assumeTrue(Sandbox.available(), "bubblewrap is not usable here");
        Path models = Files.createDirectories(dir.resolve("models"));
        Path repro = Files.createDirectories(dir.resolve("repro"));
        Path outside = dir.resolve("outside-marker");
        try (WorkerProcess w = worker(dir, new Limits(60, 0, true), List.of(models), List.of(repro))) {
            assertTrue(w.isSandboxed());
            for (Path target : List.of(models.resolve("marker"), Path.of("/etc/parity-marker"), Path.of("/usr/parity-marker"))) {
                JsonNode r = result(w.call("probe", "{\"action\": \"write\", \"path\": \"" + target + "\"}", null));
                assertFalse(r.path("written").asBoolean(), target + ": " + r);
            }
            // the test's folder is under /tmp: inside the sandbox that is a private tmpfs, gone with the worker
            w.call("probe", "{\"action\": \"write\", \"path\": \"" + outside + "\"}", null);
            JsonNode ok = result(w.call("probe", "{\"action\": \"write\", \"path\": \"" + repro.resolve("m") + "\"}", null));
            assertTrue(ok.path("written").asBoolean(), ok.toString());
        }
        assertFalse(Files.exists(outside), "nothing written outside the sandbox");
        assertFalse(Files.exists(dir.resolve("models/marker")), "model folders are read-only");
        assertTrue(Files.exists(repro.resolve("m")));
    }

    @Test
    void aSandboxedWorkerSeesNoUnboundFileAndNoNetwork(@TempDir Path dir) throws Exception {
        assumeTrue(Sandbox.available(), "bubblewrap is not usable here");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "s3cret");
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             WorkerProcess w = worker(dir, new Limits(60, 0, true), List.of(), List.of())) {
            JsonNode read = result(w.call("probe", "{\"action\": \"read\", \"path\": \"" + secret + "\"}", null));
            assertTrue(read.path("content").isMissingNode(), read.toString());
            JsonNode shadow = result(w.call("probe", "{\"action\": \"read\", \"path\": \"/etc/shadow\"}", null));
            assertTrue(shadow.path("content").isMissingNode(), shadow.toString());
            JsonNode net = result(w.call("probe", "{\"action\": \"connect\", \"port\": " + server.getLocalPort() + "}", null));
            assertFalse(net.path("connected").asBoolean(), "the host's loopback is unreachable: " + net);
        }
    }

    @Test
    void aWorkerPastItsMemoryCapIsKilledAndSaysSo(@TempDir Path dir) throws Exception {
        try (WorkerProcess w = worker(dir, new Limits(120, 512L << 20, false), List.of(), List.of())) {
            WorkerProcess.Answer a = w.call("probe", "{\"action\": \"hog\"}", null);
            WorkerProcess.Died d = assertInstanceOf(WorkerProcess.Died.class, a, a.toString());
            assertTrue(d.memoryCap() && d.how().contains("memory cap of 512 MiB"), d.how());
            assertFalse(w.usable());
        }
    }

    @Test
    void aWorkerPastItsTimeoutIsKilled(@TempDir Path dir) throws Exception {
        try (WorkerProcess w = worker(dir, new Limits(2, 0, false), List.of(), List.of())) {
            long t0 = System.nanoTime();
            WorkerProcess.Answer a = w.call("probe", "{\"action\": \"sleep\"}", null);
            assertEquals(new WorkerProcess.TimedOut(2), a);
            assertTrue((System.nanoTime() - t0) / 1e9 < 30);
            assertFalse(w.usable());
        }
    }

    @Test
    void sizesParse() {
        assertEquals(6L << 30, Limits.parseBytes("6g"));
        assertEquals(512L << 20, Limits.parseBytes("512M"));
        assertEquals(1234, Limits.parseBytes("1234"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Limits.parseBytes("lots"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Limits.parseBytes("-1g"));
    }
}
