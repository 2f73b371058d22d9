package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import dev.parity.cli.CheckCommandTest;
import dev.parity.cli.ExitCodes;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard killed mid-run: merge refuses it, --allow-partial records its missing pairs, and rerunning the
 * shard's own command finishes it with no duplicate record.
 */
class PartialShardTest {
    private static final String MODELS = "mlp,two_heads,maxpool_ceil,avgpool_ceil,frozen_batch,control_flow";

    private static List<String> command(Path out, int k) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"), "dev.parity.cli.ParityMain",
                "run", "--corpus", Corpus.root().resolve("model-corpus").toString(), "--models", MODELS, "--configs",
                "opset13,opset17", "--shard", k + "/2", "--workers", "1", "--out", out.toString()));
    }

    private static CheckCommandTest.Run merge(Path a, Path b, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("merge", a.toString(), b.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        return CheckCommandTest.parity(args.toArray(new String[0]));
    }

    @Test
    void aKilledShardIsRefusedMarkedMissingThenFinishedByItsOwnCommand(@TempDir Path dir) throws Exception {
        Path s0 = dir.resolve("shard-0");
        Path s1 = dir.resolve("shard-1");
        Process p0 = new ProcessBuilder(command(s0, 0)).redirectErrorStream(true).redirectOutput(dir.resolve("log0").toFile())
                .start();
        assertTrue(p0.waitFor(300, TimeUnit.SECONDS));
        assertTrue(p0.exitValue() <= 1, Files.readString(dir.resolve("log0")));
        // shard 1 hangs in its third pair (a test fault in the worker); then its process is killed
        List<String> owned = new ArrayList<>();
        for (String m : MODELS.split(",")) {
            for (String c : List.of("opset13", "opset17")) {
                if (Shard.parse("1/2").owns(m + "/" + c)) {
                    owned.add(m + "/" + c);
                }
            }
        }
        assertTrue(owned.size() >= 3, "shard 1 owns " + owned);
        List<String> hanging = command(s1, 1);
        hanging.add(1, "-Dparity.worker.fault=hang:" + owned.get(2));
        Process p1 = new ProcessBuilder(hanging).redirectErrorStream(true).redirectOutput(dir.resolve("log1").toFile()).start();
        Path results = s1.resolve(CorpusRun.RESULTS);
        for (int i = 0; i < 600 && (!Files.exists(results) || Files.readAllLines(results).size() < 2); i++) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        p1.descendants().forEach(ProcessHandle::destroyForcibly);
        p1.destroyForcibly();
        assertTrue(p1.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, Files.readAllLines(results).size(), Files.readString(dir.resolve("log1")));

        CheckCommandTest.Run refused = merge(s0, s1, dir.resolve("m1"));
        assertEquals(ExitCodes.BAD_INPUT, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("unfinished shard(s)") && refused.err().contains("(2 of " + owned.size()), refused.err());

        CheckCommandTest.Run partial = merge(s0, s1, dir.resolve("m2"), "--allow-partial");
        assertEquals(ExitCodes.DISCREPANT, partial.code(), partial.out() + partial.err());
        List<RunRecord> recs = new ArrayList<>(CorpusRun.recover(dir.resolve("m2").resolve(CorpusRun.RESULTS)).values());
        assertEquals(owned.size() - 2, recs.stream().filter(r -> r.outcome() == Outcome.MISSING).count());
        assertTrue(recs.stream().anyMatch(r -> r.key().equals(owned.get(2)) && r.outcome() == Outcome.MISSING));

        Process again = new ProcessBuilder(command(s1, 1)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log1b").toFile()).start();
        assertTrue(again.waitFor(300, TimeUnit.SECONDS));
        assertTrue(again.exitValue() <= 1, Files.readString(dir.resolve("log1b")));
        List<String> lines = Files.readAllLines(results);
        assertEquals(owned.size(), lines.size(), "finished");
        assertEquals(lines.size(), new HashSet<>(lines.stream().map(l -> l.substring(0, l.indexOf("\",") + 1)).toList()).size(),
                "no duplicate record");
        CheckCommandTest.Run whole = merge(s0, s1, dir.resolve("m3"));
        assertEquals(ExitCodes.FAITHFUL, whole.code(), whole.out() + whole.err());
    }

    @Test
    void shardsOfDifferentRequestsAreRefusedNamingTheDifference(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        CheckCommandTest.parity("run", "--corpus", Corpus.root().resolve("model-corpus").toString(), "--models", "mlp",
                "--configs", "opset13", "--shard", "0/2", "--workers", "0", "--out", a.toString());
        CheckCommandTest.parity("run", "--corpus", Corpus.root().resolve("model-corpus").toString(), "--models", "mlp",
                "--configs", "opset13", "--shard", "1/2", "--seed", "5", "--workers", "0", "--out", b.toString());
        CheckCommandTest.Run r = merge(a, b, dir.resolve("m"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("another request") && r.err().contains("seed 0 vs 5"), r.err());
    }
}
