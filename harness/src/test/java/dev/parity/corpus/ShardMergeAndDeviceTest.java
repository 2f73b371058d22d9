package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.cli.CheckCommandTest;
import dev.parity.cli.ExitCodes;
import dev.parity.engine.DeviceUnavailableException;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharding, merging, the CPU rows of the placement matrix, and CUDA refused cleanly on a CPU machine. */
class ShardMergeAndDeviceTest {
    private static final String MODELS = "mlp,two_heads,maxpool_ceil,avgpool_ceil,frozen_batch,control_flow";

    private static Path corpus() {
        return Corpus.root().resolve("model-corpus");
    }

    @Test
    void shardsPartitionThePairsStablyByKey() throws Exception {
        List<String> keys = new ArrayList<>();
        for (CorpusRun.Pair p : CorpusRun.select(ManifestLoader.load(corpus()), null, "*", "*")) {
            keys.add(p.key());
        }
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < 3; k++) {
            Shard s = new Shard(k, 3);
            for (String key : keys) {
                if (s.owns(key)) {
                    assertTrue(seen.add(key), key + " in two shards");
                }
            }
        }
        assertEquals(new HashSet<>(keys), seen, "every pair in exactly one shard");
        // assignment is pinned: it must never move a pair when code or corpus change
        assertEquals(PINNED_SHARD_OF_MLP_OPSET13, java.util.stream.IntStream.range(0, 3)
                .filter(k -> new Shard(k, 3).owns("mlp/opset13")).findFirst().getAsInt());
        assertEquals(Math.floorMod(Shard.hash("mlp/opset13"), 7), java.util.stream.IntStream.range(0, 7)
                .filter(k -> new Shard(k, 7).owns("mlp/opset13")).findFirst().getAsInt());
        assertThrows(BadInputException.class, () -> Shard.parse("3/3"));
        assertThrows(BadInputException.class, () -> Shard.parse("a/b"));
    }

    static final int PINNED_SHARD_OF_MLP_OPSET13 = 2;

    @Test
    void threeShardProcessesMergedEqualOneProcess(@TempDir Path dir) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> procs = new ArrayList<>();
        List<Path> shards = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Path out = dir.resolve("shard-" + k);
            shards.add(out);
            procs.add(new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.parity.cli.ParityMain",
                    "run", "--corpus", corpus().toString(), "--models", MODELS, "--shard", k + "/3", "--workers", "0",
                    "--out", out.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log" + k).toFile()).start());
        }
        for (Process p : procs) {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            assertTrue(p.exitValue() <= 1, "shard exit " + p.exitValue());
        }
        Path merged = dir.resolve("merged");
        CheckCommandTest.Run m = CheckCommandTest.parity(new String[] {"merge", shards.get(0).toString(),
            shards.get(1).toString(), shards.get(2).toString(), "--out", merged.toString()});
        assertEquals(ExitCodes.FAITHFUL, m.code(), "every pair as expected: " + m.out() + m.err());
        List<RunRecord> single = CorpusRun.run(new RunRequest(corpus(), null, MODELS, "*", dir.resolve("single"), 0, true,
                1, 8), RunListener.NONE).records();
        List<RunRecord> joined = new ArrayList<>(CorpusRun.recover(merged.resolve(CorpusRun.RESULTS)).values());
        assertEquals(single.stream().map(RunRecord::key).toList(), joined.stream().map(RunRecord::key).toList(),
                "same pairs in the same order");
        assertEquals(single.stream().map(RunRecord::outcome).toList(), joined.stream().map(RunRecord::outcome).toList(),
                "same verdicts");
        assertTrue(Files.isRegularFile(merged.resolve("report.html")));
        assertTrue(Files.readString(merged.resolve("run.json")).contains("merged_from"));
        CheckCommandTest.Run partial = CheckCommandTest.parity(new String[] {"merge", shards.get(0).toString(),
            shards.get(2).toString(), "--out", dir.resolve("partial").toString()});
        assertEquals(ExitCodes.BAD_INPUT, partial.code(), partial.out());
        assertTrue(partial.err().contains("shard(s) [1/3] missing"), partial.err());
    }

    /**
     * torch 1.13.1 exports ceil-mode average pooling as Pad + AveragePool, which ONNX Runtime computes
     * like PyTorch when run as written; its graph optimisations fuse the Pad into the pooling and change
     * the border divisor. The optimisation rows of the matrix find exactly that.
     */
    @Test
    void cpuRowsOfTheMatrixSeparateOptimisationInducedDiscrepancies(@TempDir Path dir) throws Exception {
        List<RunRecord> recs = CorpusRun.run(new RunRequest(corpus(), null, "mlp,avgpool_ceil", "opset13", dir, 0, true, 1,
                8, 0, 0, List.of("onnx:cpu:opt=disabled", "onnx:cpu"), null, "cpu", false), RunListener.NONE).records();
        assertEquals(List.of("mlp/opset13#cpu:opt=disabled", "avgpool_ceil/opset13#cpu:opt=disabled", "mlp/opset13#cpu",
                "avgpool_ceil/opset13#cpu"), recs.stream().map(RunRecord::key).toList());
        assertEquals(Outcome.FAITHFUL, recs.get(1).outcome(), "run as written, the export is faithful");
        assertEquals(Outcome.FAITHFUL, recs.get(2).outcome());
        assertEquals(Outcome.OPTIMIZATION_DISCREPANCY, recs.get(3).outcome());
        assertTrue(recs.get(3).message().contains("faithful at cpu:opt=disabled"), recs.get(3).message());
        assertEquals("cpu", recs.get(3).placement());
    }

    @Test
    void aDiscrepancyOnlyAwayFromTheBaselineGetsItsOwnClass() {
        RunRecord gpu = new RunRecord("m/c#cuda:0", "m", "c", "g", "f", "t", Outcome.NUMERIC_DISCREPANCY, "discrepant", null,
                null, 1e6, null, null, 1.0, 1.0, null, null, 0.1, null, null, "cuda:0");
        RunRecord noOpt = new RunRecord("m/c#cpu:opt=disabled", "m", "c", "g", "f", "t", Outcome.NUMERIC_DISCREPANCY,
                "discrepant", null, null, 1e6, null, null, 1.0, 1.0, null, null, 0.1, null, null, "cpu:opt=disabled");
        List<dev.parity.engine.Placement> ps = List.of(dev.parity.engine.Placement.CPU,
                dev.parity.engine.Placement.parse("onnx:cuda"), dev.parity.engine.Placement.parse("onnx:cpu:opt=disabled"));
        java.util.Map<String, Outcome> base = new java.util.HashMap<>(java.util.Map.of("m/c@cpu", Outcome.FAITHFUL));
        assertEquals(Outcome.DEVICE_DISCREPANCY, CorpusRun.adjust(gpu, ps, base).outcome());
        assertEquals(Outcome.OPTIMIZATION_DISCREPANCY, CorpusRun.adjust(noOpt, ps, base).outcome());
        base.put("m/c@cpu", Outcome.NUMERIC_DISCREPANCY);
        assertEquals(Outcome.NUMERIC_DISCREPANCY, CorpusRun.adjust(gpu, ps, base).outcome());
    }

    @Test
    void cudaIsRefusedBeforeAnyWorkWithItsOwnExitCode(@TempDir Path dir) throws Exception {
        CheckCommandTest.Run c = CheckCommandTest.check(Corpus.reference("mlp"), Corpus.export("mlp"), "--device", "cuda");
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, c.code(), c.out() + c.err());
        assertTrue(c.err().contains("no CUDA execution provider") && c.err().contains("-Pcuda"), c.err());
        CheckCommandTest.Run t = CheckCommandTest.check(Corpus.reference("mlp"), Corpus.export("mlp"), "--torch-device", "cuda");
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, t.code(), t.err());
        Path out = dir.resolve("never");
        CheckCommandTest.Run r = CheckCommandTest.parity(new String[] {"run", "--corpus", corpus().toString(), "--device",
            "cuda", "--out", out.toString()});
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        assertFalse(Files.exists(out.resolve(CorpusRun.RESULTS)), "nothing started");
        assertThrows(DeviceUnavailableException.class,
                () -> dev.parity.engine.Devices.requireOnnx(dev.parity.engine.Placement.parse("onnx:cuda:1")));
    }

    @Test
    void doctorNamesWhatIsMissing() {
        CheckCommandTest.Run d = CheckCommandTest.parity(new String[] {"doctor"});
        assertEquals(ExitCodes.FAITHFUL, d.code(), d.err());
        assertTrue(d.out().contains("onnxruntime  1.24.2") && d.out().contains("libtorch     2.7.1"), d.out());
        assertTrue(d.out().contains("execution providers compiled in: [CPU"), d.out());
        assertTrue(d.out().contains("missing for --device cuda"), d.out());
        assertTrue(d.out().contains("ready for CPU runs"), d.out());
    }
}
