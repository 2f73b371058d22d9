package dev.parity.cli;

import static dev.parity.cli.CheckCommandTest.parity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report, compare and history as a user runs them, on two real generations' runs of one model. */
class ReportCommandsTest {
    private static Path run(Path dir, String generation, Path db) {
        CheckCommandTest.Run r = parity("run", "--corpus", Corpus.root().resolve("model-corpus").toString(), "--generation",
                generation, "--models", "vit_tiny,mlp", "--out", dir.toString(), "--history", db.toString());
        assertTrue(r.code() == ExitCodes.FAITHFUL || r.code() == ExitCodes.DISCREPANT, r.err());
        return dir;
    }

    @Test
    void runWritesReportsAndCompareFindsTheNewExportFailure(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("history.sqlite");
        Path a = run(dir.resolve("a"), "torch-1.13.1", db);
        Path b = run(dir.resolve("b"), "torch-2.6.0", db);
        for (String f : new String[] {"report.html", "summary.md", "junit.xml", "run.json", "results.jsonl"}) {
            assertTrue(Files.isRegularFile(b.resolve(f)), f);
        }
        assertFalse(Files.readString(b.resolve("report.html")).contains("id=\"trend\""),
                "a run of another generation is no trend");
        Path b2 = run(dir.resolve("b2"), "torch-2.6.0", db);
        String again = Files.readString(b2.resolve("report.html"));
        assertTrue(again.contains("id=\"trend\"") && again.contains("Trend of the last 2 runs of torch-2.6.0"),
                "two runs of one generation and selection: a trend");
        CheckCommandTest.Run c = parity("compare", a.toString(), b.toString(), "--out", dir.resolve("cmp").toString());
        assertEquals(ExitCodes.DISCREPANT, c.code(), c.out() + c.err());
        assertTrue(c.out().contains("vit_tiny/opset13") && c.out().contains("newly-failing-export"), c.out());
        assertTrue(Files.readString(dir.resolve("cmp/compare.md")).contains("1 regression(s)"));
        CheckCommandTest.Run same = parity("compare", a.toString(), a.toString(), "--out", dir.resolve("cmp2").toString());
        assertEquals(ExitCodes.FAITHFUL, same.code(), same.out());
        CheckCommandTest.Run h = parity("history", "--db", db.toString());
        assertEquals(ExitCodes.FAITHFUL, h.code());
        assertTrue(h.out().contains("torch-1.13.1") && h.out().contains("torch-2.6.0"), h.out());
        CheckCommandTest.Run m = parity("history", "--db", db.toString(), "--model", "vit_tiny");
        assertTrue(m.out().contains("export-crash"), m.out());
    }

    @Test
    void reportReRendersWithoutInferenceAndRefusesNonRunFolders(@TempDir Path dir) throws Exception {
        Path a = run(dir.resolve("a"), "torch-1.13.1", dir.resolve("h.sqlite"));
        Files.delete(a.resolve("report.html"));
        CheckCommandTest.Run r = parity("report", a.toString());
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.err());
        assertTrue(Files.isRegularFile(a.resolve("report.html")));
        CheckCommandTest.Run bad = parity("report", dir.resolve("nope").toString());
        assertEquals(ExitCodes.BAD_INPUT, bad.code());
        assertTrue(bad.err().startsWith("parity: run folder not found"), bad.err());
        CheckCommandTest.Run notRun = parity("compare", dir.toString(), a.toString());
        assertEquals(ExitCodes.BAD_INPUT, notRun.code());
        assertTrue(notRun.err().contains("not a run folder"), notRun.err());
    }

    @Test
    void theFullCorpusSaysHowToBuildItWhenMissing(@TempDir Path dir) {
        String home = System.getProperty("parity.home");
        System.setProperty("parity.home", dir.toString());
        try {
            CheckCommandTest.Run r = parity("run", "--corpus", "full", "--out", dir.resolve("x").toString());
            assertEquals(ExitCodes.BAD_INPUT, r.code());
            assertTrue(r.err().contains("run ./parity corpus build --full"), r.err());
        } finally {
            if (home == null) {
                System.clearProperty("parity.home");
            } else {
                System.setProperty("parity.home", home);
            }
        }
    }
}
