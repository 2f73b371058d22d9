package dev.parity.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The library call on the committed pairs: what a user's own JUnit test would do. */
class ParityCheckTest {
    private static CheckResult check(String model) throws BadInputException {
        return ParityCheck.run(CheckRequest.builder(Corpus.reference(model), Corpus.export(model)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "maxpool_ceil", "token_classifier", "two_heads", "dynamic_batch_cnn"})
    void faithfulExportsAreFaithfulInEveryCase(String model) throws Exception {
        CheckResult r = check(model);
        assertEquals(Verdict.FAITHFUL, r.verdict(), () -> dev.parity.reports.ConsoleReport.render(r));
        assertTrue(r.cases().size() >= 4);
        r.cases().forEach(c -> assertEquals(Verdict.FAITHFUL, c.verdict()));
    }

    @Test
    void ceilModeAveragePoolingIsDiscrepantInEveryRegime() throws Exception {
        CheckResult r = check("avgpool_ceil");
        assertEquals(Verdict.DISCREPANT, r.verdict());
        for (CaseResult c : r.cases()) {
            OutputFinding y = c.outputs().get(0);
            assertEquals(Verdict.DISCREPANT, y.verdict(), c.regime());
            // Only the border windows differ: the interior of the 6x6 output agrees.
            assertTrue(y.stats().mismatchFraction() > 0.1 && y.stats().mismatchFraction() < 0.5,
                    "fraction " + y.stats().mismatchFraction());
            assertNotNull(y.worst());
            long[] idx = y.worst().index();
            assertTrue(idx[2] == 5 || idx[3] == 5, "worst element on the last row or column");
        }
    }

    @Test
    void dynamicBatchIsCheckedAtTwoSizes() throws Exception {
        Set<Long> batches = check("dynamic_batch_cnn").cases().stream().map(c -> c.inputs().get(0).shape()[0])
                .collect(Collectors.toSet());
        assertEquals(Set.of(1L, 3L), batches);
    }

    @Test
    void twoOutputsAreBothJudged() throws Exception {
        List<OutputFinding> outs = check("two_heads").cases().get(0).outputs();
        assertEquals(List.of("logits", "embedding"), outs.stream().map(OutputFinding::name).collect(Collectors.toList()));
    }

    @Test
    void anEngineFailingOnSomeCasesIsRecordedPerCase() throws Exception {
        CheckResult r = ParityCheck.run(CheckRequest.builder(Corpus.reference("frozen_batch"), Corpus.export("frozen_batch"))
                .optSymbolicSizes(List.of(2L, 3L)).build());
        assertEquals(Verdict.FAILED, r.verdict());
        assertEquals(8, r.cases().size());
        for (CaseResult c : r.cases()) {
            long batch = c.inputs().get(0).shape()[0];
            assertEquals(batch == 2 ? Verdict.FAITHFUL : Verdict.FAILED, c.verdict(), "batch " + batch);
            if (batch == 3) {
                assertTrue(c.message().contains("torch:") && c.message().contains("onnx:"), c.message());
            }
        }
        assertNotNull(r.message());
    }

    @Test
    void unloadableOnnxIsAFailedResultNotAnException() throws Exception {
        CheckResult r = ParityCheck.run(CheckRequest.builder(Corpus.reference("mlp"), Corpus.fixture("unknown_op.onnx")).build());
        assertEquals(Verdict.FAILED, r.verdict());
        assertTrue(r.message().startsWith("onnx: ONNX Runtime could not load"), r.message());
        assertTrue(r.cases().isEmpty());
    }

    @Test
    void resultNamesBothFilesByHashAndTheEngineVersions() throws Exception {
        CheckResult r = check("mlp");
        assertEquals(64, r.torch().sha256().length());
        assertEquals("1.24.2", r.engines().get("onnxruntime"));
        assertEquals("2.7.1", r.engines().get("libtorch"));
        assertEquals("tolerance", r.mode());
    }
}
