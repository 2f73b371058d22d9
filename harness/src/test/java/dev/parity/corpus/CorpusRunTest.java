package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusRunTest {
    private static RunRequest request(Path out, String generation, String models, String configs) {
        return new RunRequest(Corpus.root().resolve("model-corpus"), generation, models, configs, out, 0, true, 1, 8);
    }

    @Test
    void streamsOneRecordPerPairAndKeepsReproInputs(@TempDir Path out) throws Exception {
        CorpusRun.RunSummary s = CorpusRun.run(request(out, null, "mlp,avgpool_ceil,adaptive_pool_uneven", "opset13"),
                RunListener.NONE);
        Map<String, Outcome> got = s.records().stream().collect(Collectors.toMap(RunRecord::key, RunRecord::outcome));
        assertEquals(Map.of("mlp/opset13", Outcome.FAITHFUL, "avgpool_ceil/opset13", Outcome.NUMERIC_DISCREPANCY,
                "adaptive_pool_uneven/opset13", Outcome.EXPORT_CRASH), got);
        List<String> lines = Files.readAllLines(out.resolve(CorpusRun.RESULTS));
        assertEquals(3, lines.size());
        for (String l : lines) {
            JsonNode n = ResultJson.mapper().readTree(l);
            assertTrue(n.has("key") && n.has("outcome") && n.has("generation"), l);
        }
        RunRecord avg = s.records().stream().filter(r -> r.model().equals("avgpool_ceil")).findFirst().orElseThrow();
        assertEquals("attribution", avg.mode());
        assertTrue(avg.worstRatio() > 1e5, "ratio " + avg.worstRatio());
        assertEquals("numeric-discrepancy", avg.expected());
        assertTrue(avg.cause().contains("Pad fusion"), avg.cause());
        assertTrue(avg.message().startsWith("4 of 4 cases discrepant; worst: output y"), avg.message());
        assertTrue(Files.isRegularFile(out.resolve(avg.repro()).resolve("case0.npz")), "inputs kept for reproduction");
        RunRecord crash = s.records().stream().filter(r -> r.model().equals("adaptive_pool_uneven")).findFirst().orElseThrow();
        assertNull(crash.check());
        assertTrue(crash.message().contains("adaptive_avg_pool2d"), crash.message());
        JsonNode run = ResultJson.mapper().readTree(out.resolve(CorpusRun.RUN_JSON).toFile());
        assertEquals("torch-1.13.1", run.get("generation").asText());
        assertNotNull(run.get("finished").textValue());
        assertEquals(1, run.at("/counts/faithful").asInt());
        assertTrue(run.at("/machine/cores").asInt() >= 1);
    }

    /** A record's stages: present for a checked pair, none negative, together within its wall time. */
    static void assertStagesWithinWallTime(RunRecord r) {
        assertNotNull(r.stages(), r.key());
        double sum = 0;
        for (Map.Entry<String, Double> e : r.stages().entrySet()) {
            assertTrue(e.getValue() >= 0, r.key() + " " + e);
            sum += e.getValue();
        }
        assertTrue(sum <= r.seconds() + 1e-9, r.key() + ": stages " + sum + " s within the pair's " + r.seconds() + " s");
    }

    @Test
    void everyRecordSaysWhereItsWallTimeWent(@TempDir Path out) throws Exception {
        CorpusRun.RunSummary s = CorpusRun.run(request(out, null, "mlp,adaptive_pool_uneven", "*"), RunListener.NONE);
        for (RunRecord r : s.records()) {
            assertStagesWithinWallTime(r);
            if (r.check() != null) {
                assertTrue(r.stages().keySet().containsAll(List.of("integrity", "file_checks", "engine_init", "load_onnx", "load_torch",
                        "load_twin", "inputs", "infer_torch", "infer_onnx", "infer_twin", "judge", "latency")),
                        r.key() + " " + r.stages().keySet());
            } else {
                assertTrue(r.stages().keySet().stream().noneMatch(k -> k.startsWith("load_")), "never loaded: " + r.key());
            }
        }
        // read back from results.jsonl as a report would
        for (String l : Files.readAllLines(out.resolve(CorpusRun.RESULTS))) {
            assertStagesWithinWallTime(ResultJson.mapper().readValue(l, RunRecord.class));
        }
        assertEquals(List.of("setup", "pairs", "record_write", "finish"), List.copyOf(s.stages().keySet()));
        assertTrue(s.stages().get("record_write") <= s.stages().get("pairs"));
        JsonNode run = ResultJson.mapper().readTree(out.resolve(CorpusRun.RUN_JSON).toFile());
        assertTrue(run.at("/stages/pairs").asDouble() >= 0);
    }

    @Test
    void aWorkersRecordAddsItsStartAndTheChannel(@TempDir Path out) throws Exception {
        CorpusRun.RunSummary s = CorpusRun.run(new RunRequest(Corpus.root().resolve("model-corpus"), null, "mlp,two_heads",
                "opset13,opset17", out, 0, true, 1, 8, 1, 300), RunListener.NONE);
        assertEquals(4, s.records().size());
        assertTrue(s.records().get(0).stages().containsKey("worker_start"), "the first pair started the worker");
        assertEquals(1, s.records().stream().filter(r -> r.stages().containsKey("worker_start")).count(),
                "one worker for every pair");
        for (RunRecord r : s.records()) {
            assertStagesWithinWallTime(r);
            assertTrue(r.stages().containsKey("protocol") && r.stages().containsKey("infer_onnx"), r.key() + " " + r.stages());
        }
        JsonNode run = ResultJson.mapper().readTree(out.resolve(CorpusRun.RUN_JSON).toFile());
        assertTrue(run.at("/engines/libtorch").asText().startsWith("2."), "engine versions as the worker reported them: "
                + run.get("engines"));
    }

    @Test
    void accuracyOracleRunsOnTheLabelledDigits(@TempDir Path out) throws Exception {
        List<RunRecord> r = CorpusRun.run(request(out, null, "digits_cnn*", "opset13"), RunListener.NONE).records();
        assertEquals(Outcome.FAITHFUL, r.get(0).outcome());
        assertEquals(0.0, r.get(0).accuracyDelta());
        assertEquals(Outcome.ACCURACY_DISCREPANCY, r.get(1).outcome());
        assertTrue(r.get(1).accuracyDelta() < -0.1, "delta " + r.get(1).accuracyDelta());
        assertTrue(r.get(1).accuracyP() < 1e-10);
    }

    @Test
    void theSecondGenerationRunsItsOwnExports(@TempDir Path out) throws Exception {
        List<RunRecord> r = CorpusRun.run(request(out, "torch-2.6.0", "vit_tiny", "*"), RunListener.NONE).records();
        assertEquals(Outcome.EXPORT_CRASH, r.get(0).outcome(), "2.6.0 routes attention through SDPA, opset 14+");
        assertEquals(Outcome.FAITHFUL, r.get(1).outcome());
        assertTrue(r.get(1).export().torchVersion().startsWith("2.6.0"));
    }

    @Test
    void unknownGenerationAndEmptySelectionsAreBadInput(@TempDir Path out) {
        BadInputException g = assertThrows(BadInputException.class,
                () -> CorpusRun.run(request(out, "torch-0.4", "mlp", "*"), RunListener.NONE));
        assertTrue(g.getMessage().contains("has no exports"), g.getMessage());
        BadInputException s = assertThrows(BadInputException.class,
                () -> CorpusRun.run(request(out, null, "nothing*", "*"), RunListener.NONE));
        assertTrue(s.getMessage().startsWith("no model/configuration matches"), s.getMessage());
    }
}
