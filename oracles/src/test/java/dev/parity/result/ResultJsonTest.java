package dev.parity.result;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.oracles.ClosenessOracle;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.oracles.Verdict;
import dev.parity.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultJsonTest {
    private static CheckResult sample() {
        OutputFinding f = ClosenessOracle.compare("y", Tensor.ofFloats(new long[] {2}, new float[] {1, Float.NaN}),
                Tensor.ofFloats(new long[] {2}, new float[] {1, 2}), ToleranceConfig.FLOAT32_DEFAULT);
        CaseResult c = new CaseResult(0, "normal", List.of(new InputDescription("x", "float32", new long[] {2})),
                Verdict.DISCREPANT, null, List.of(f), 1.5, 0.5);
        return new CheckResult(Verdict.DISCREPANT, "tolerance", new ModelFile("a.pt", "aa"), new ModelFile("b.onnx", "bb"),
                Map.of("onnxruntime", "1.24.2"), 7, null, List.of(c));
    }

    @Test
    void contractFieldNamesAreSnakeCase() throws Exception {
        JsonNode n = ResultJson.mapper().readTree(ResultJson.write(sample()));
        assertEquals("discrepant", n.get("verdict").asText());
        assertEquals("aa", n.at("/torch/sha256").asText());
        assertEquals("b.onnx", n.at("/onnx/path").asText());
        assertEquals(7, n.get("seed").asLong());
        JsonNode out = n.at("/cases/0/outputs/0");
        assertEquals("y", out.get("name").asText());
        assertEquals("float32", out.get("dtype_torch").asText());
        for (String k : new String[] {"max_abs", "mean_abs", "p99_abs", "max_rel", "rmse", "cosine", "mismatches",
            "mismatch_fraction"}) {
            assertTrue(out.get("stats").has(k), "stats." + k);
        }
        assertTrue(out.has("shape_torch") && out.has("shape_onnx"));
        assertEquals("NaN", out.at("/worst/torch").asText());
        assertEquals("[2]", n.at("/cases/0/inputs/0/shape").toString());
        assertEquals("normal", n.at("/cases/0/regime").asText());
    }

    @Test
    void roundTripKeepsVerdictsAndNaN() throws Exception {
        CheckResult back = ResultJson.readCheck(ResultJson.write(sample()));
        assertEquals(Verdict.DISCREPANT, back.verdict());
        OutputFinding f = back.cases().get(0).outputs().get(0);
        assertTrue(Double.isNaN(f.worst().torch()));
        assertArrayEquals(new long[] {1}, f.worst().index());
        assertEquals(1, f.stats().nonfiniteMismatches());
    }

    @Test
    void rolesAndPaddingRoundTripAndResultsWithoutThemReadAsNull() throws Exception {
        CaseResult c = new CaseResult(0, "discrete", List.of(new InputDescription("ids", "int64", new long[] {1, 8},
                "token-ids [0, 1000) inferred: Gather on initializer 'wte.weight' [1000, 32]"),
                new InputDescription("attention_mask", "int64", new long[] {1, 8}, "attention-mask, padded-row --role")),
                Verdict.FAITHFUL, null, List.of(), 1.0, 1.0, "padded-row");
        CheckResult r = new CheckResult(Verdict.FAITHFUL, "tolerance", new ModelFile("a.pt", "aa"),
                new ModelFile("b.onnx", "bb"), Map.of(), 0, null, List.of(c));
        JsonNode n = ResultJson.mapper().readTree(ResultJson.write(r));
        assertEquals("padded-row", n.at("/cases/0/padding").asText());
        assertEquals("attention-mask, padded-row --role", n.at("/cases/0/inputs/1/role").asText());
        CaseResult back = ResultJson.readCheck(ResultJson.write(r)).cases().get(0);
        assertEquals("padded-row", back.padding());
        assertEquals("discrete padded-row", back.regimeText());
        assertEquals(c.inputs().get(0).role(), back.inputs().get(0).role());

        // a result written before roles existed: no "padding", no "role"
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                ResultJson.mapper().readTree(ResultJson.write(sample()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/cases/0")).remove("padding");
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/cases/0/inputs/0")).remove("role");
        String old = tree.toString();
        assertTrue(!old.contains("\"role\"") && !old.contains("\"padding\""), old);
        CaseResult legacy = ResultJson.readCheck(old).cases().get(0);
        assertEquals(null, legacy.padding());
        assertEquals(null, legacy.inputs().get(0).role());
        assertEquals("normal", legacy.regimeText());
    }

    @Test
    void addedFieldsRoundTripAndOlderResultsReadWithoutThem() throws Exception {
        CheckResult s = sample();
        OutputFinding ruled = s.cases().get(0).outputs().get(0).withRule(dev.parity.oracles.ComparisonRule.NOISE_AWARE_TOLERANCE);
        CaseResult c = new CaseResult(0, "normal", List.of(), Verdict.DISCREPANT, null, List.of(ruled), 1.0, 1.0);
        CheckResult r = new CheckResult(Verdict.DISCREPANT, "tolerance", s.torch(), s.onnx(), s.engines(), 0, "why",
                List.of(c), dev.parity.oracles.AccuracyFinding.unjudged(5, 0.05, "torch: boom"), null, null, null,
                List.of("a.pt was saved in training mode"));
        JsonNode n = ResultJson.mapper().readTree(ResultJson.write(r));
        assertEquals("noise-aware-tolerance", n.at("/cases/0/outputs/0/rule").asText());
        assertEquals("torch: boom", n.at("/accuracy/unjudged").asText());
        assertEquals("NaN", n.at("/accuracy/torch_accuracy").asText());
        assertEquals("a.pt was saved in training mode", n.at("/warnings/0").asText());
        CheckResult back = ResultJson.readCheck(ResultJson.write(r));
        assertEquals(dev.parity.oracles.ComparisonRule.NOISE_AWARE_TOLERANCE, back.cases().get(0).outputs().get(0).rule());
        assertEquals(r.warnings(), back.warnings());
        assertEquals("torch: boom", back.accuracy().unjudged());
        // a result written before these fields existed
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                (com.fasterxml.jackson.databind.node.ObjectNode) ResultJson.mapper().readTree(ResultJson.write(sample()));
        tree.remove("warnings");
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/cases/0/outputs/0")).remove("rule");
        String old = tree.toString();
        CheckResult older = ResultJson.readCheck(old);
        assertEquals(List.of(), older.warnings());
        assertEquals(null, older.cases().get(0).outputs().get(0).rule());
    }

    @Test
    void theOptimizationProbeRoundTripsAndOlderResultsReadWithoutIt() throws Exception {
        CheckResult s = sample();
        OptimizationProbe p = new OptimizationProbe("disabled", "all", Verdict.FAITHFUL,
                OptimizationProbe.CAUSE_OPTIMIZATIONS, List.of(0, 2), 0, 0.98, "faithful with optimisations disabled");
        CheckResult r = new CheckResult(s.verdict(), s.mode(), s.torch(), s.onnx(), s.engines(), s.seed(), null,
                s.cases(), null, null, null, null, List.of(), p);
        JsonNode n = ResultJson.mapper().readTree(ResultJson.write(r));
        assertEquals("disabled", n.at("/optimization_probe/level").asText());
        assertEquals("all", n.at("/optimization_probe/checked_level").asText());
        assertEquals("faithful", n.at("/optimization_probe/verdict").asText());
        assertEquals("runtime-optimizations", n.at("/optimization_probe/cause").asText());
        assertEquals("[0,2]", n.at("/optimization_probe/cases").toString());
        assertEquals(0, n.at("/optimization_probe/discrepant_cases").asInt());
        assertEquals(p, ResultJson.readCheck(ResultJson.write(r)).optimizationProbe());
        assertEquals(null, ResultJson.readCheck(ResultJson.write(sample())).optimizationProbe());
    }

    @Test
    void aRecordWithoutStagesFromAnOlderRunStillReads() throws Exception {
        String old = "{\"key\":\"m/c\",\"model\":\"m\",\"config\":\"c\",\"generation\":\"g\",\"outcome\":\"faithful\","
                + "\"verdict\":\"faithful\",\"seconds\":0.5,\"placement\":\"cpu\"}";
        RunRecord r = ResultJson.mapper().readValue(old, RunRecord.class);
        assertEquals(Outcome.FAITHFUL, r.outcome());
        assertEquals(null, r.stages());
        RunRecord timed = r.withTiming(0.75, Map.of("load_torch", 0.25));
        RunRecord back = ResultJson.mapper().readValue(ResultJson.write(timed), RunRecord.class);
        assertEquals(Map.of("load_torch", 0.25), back.stages());
        assertEquals(0.75, back.seconds());
        assertEquals(Map.of("load_torch", 0.25), back.expecting(new Expectation(Outcome.FAITHFUL, null, "manifest")).stages(),
                "judging a record keeps its stages");
    }
}
