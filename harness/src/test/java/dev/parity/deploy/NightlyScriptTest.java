package dev.parity.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/nightly.sh run for real, as on a fresh clone: no runs/ folder, two CPU shards, a small
 * selection. PARITY_BIN points it at this build's classes (the launcher would rebuild the jar).
 */
class NightlyScriptTest {
    static Path parityBin(Path dir) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path bin = dir.resolve("parity-bin");
        Files.writeString(bin, "#!/bin/sh\nexec '" + javaBin + "' -Dparity.home='" + Corpus.root() + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.parity.cli.ParityMain \"$@\"\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void twoShardsOnAFreshFolderMergeIntoOneRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("not/yet/there");
        ProcessBuilder pb = new ProcessBuilder("bash", Corpus.root().resolve("deploy/nightly.sh").toString(), "2",
                "--models", "mlp,avgpool_ceil,maxpool_ceil", "--configs", "opset13,opset17", "--workers", "0")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
        pb.environment().put("PARITY_BIN", parityBin(dir).toString());
        pb.environment().put("PARITY_NIGHTLY_OUT", out.toString());
        pb.environment().put("PARITY_HISTORY", dir.resolve("h/history.sqlite").toString());
        pb.environment().put("PARITY_MATRIX", "onnx:cpu");
        Process p = pb.start();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve("log"));
        assertEquals(0, p.exitValue(), "every pair as expected: " + log);
        List<String> merged = Files.readAllLines(out.resolve("merged/results.jsonl"));
        assertEquals(6, merged.size(), log);
        List<String> keys = merged.stream().map(l -> l.substring(8, l.indexOf('"', 8))).toList();
        assertEquals(List.of("mlp/opset13", "mlp/opset17", "maxpool_ceil/opset13", "maxpool_ceil/opset17",
                "avgpool_ceil/opset13", "avgpool_ceil/opset17"), keys, "ordered as one unsharded run (manifest order)");
        assertTrue(Files.isRegularFile(out.resolve("merged/report.html")));
        assertTrue(Files.isRegularFile(dir.resolve("h/history.sqlite")));
        assertTrue(Files.isRegularFile(out.resolve("logs/shard-1.log")));
    }
}
