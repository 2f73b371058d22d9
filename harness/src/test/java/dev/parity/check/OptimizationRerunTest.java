package dev.parity.check;

import dev.parity.errors.BadInputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.oracles.Verdict;
import dev.parity.result.CheckResult;
import dev.parity.result.OptimizationProbe;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A discrepant export runs again with ONNX Runtime's optimisations disabled, which says whether the
 * optimiser causes the discrepancy. Both answers on avgpool_ceil's weights: torch-1.13.1's export (Pad,
 * then AveragePool) is right until the optimiser fuses the Pad in; the dynamo export (one AveragePool
 * with pads and ceil_mode) is discrepant at every level, where ONNX Runtime 1.24.2's kernel, not the
 * graph, is wrong (ONNX Runtime 1.30 agrees with torch): the probe can say only "graph or kernels".
 */
class OptimizationRerunTest {
    private static final Path REF = Corpus.reference("avgpool_ceil");
    private static final Path REF64 = Corpus.root().resolve("model-corpus/models/avgpool_ceil/reference64.pt");

    private static CheckResult check(CheckRequest.Builder b) throws BadInputException {
        return ParityCheck.run(b.build());
    }

    private static CheckRequest.Builder pair(Path onnx) {
        return CheckRequest.builder(REF, onnx).optReference64(REF64).optLatencyRuns(0);
    }

    @Test
    void aDiscrepancyThatVanishesWithoutOptimisationsIsTheOptimisersOwn() throws Exception {
        OptimizationProbe p = check(pair(Corpus.export("avgpool_ceil"))).optimizationProbe();
        assertEquals(Verdict.FAITHFUL, p.verdict(), p.message());
        assertEquals(OptimizationProbe.CAUSE_OPTIMIZATIONS, p.cause());
        assertEquals("disabled", p.level());
        assertEquals("all", p.checkedLevel());
        assertEquals(List.of(0, 1, 2, 3), p.cases());
        assertEquals(0, p.discrepantCases());
        assertTrue(p.worstRatio() < 16, p.message());
        assertTrue(p.message().startsWith("faithful with optimisations disabled (4 discrepant cases rerun"), p.message());
        assertTrue(p.message().endsWith("ONNX Runtime's graph optimisations (level all) cause it"), p.message());
    }

    @Test
    void aDiscrepancyThatStaysWithoutOptimisationsIsTheGraphsOrAKernels() throws Exception {
        OptimizationProbe p = check(pair(Corpus.fixture("dynamo/avgpool_ceil.onnx"))).optimizationProbe();
        assertEquals(Verdict.DISCREPANT, p.verdict(), p.message());
        assertEquals(OptimizationProbe.CAUSE_GRAPH_OR_KERNELS, p.cause());
        assertEquals(4, p.discrepantCases());
        assertTrue(p.worstRatio() > 1e5, p.message());
        assertTrue(p.message().startsWith("also discrepant with optimisations disabled (4 of 4 cases rerun"), p.message());
        assertTrue(p.message().contains("the exported graph (or ONNX Runtime's kernels) disagrees"), p.message());
    }

    @Test
    void faithfulChecksChecksAlreadyUnoptimisedAndChecksThatTurnItOffHaveNone() throws Exception {
        assertNull(check(CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp"))).optimizationProbe());
        CheckResult off = check(pair(Corpus.export("avgpool_ceil"))
                .optOnnxOptimization(OnnxRuntimeEngine.Optimization.DISABLED));
        assertEquals(Verdict.FAITHFUL, off.verdict(), "torch-1.13.1's avgpool export is right before optimisation");
        assertNull(off.optimizationProbe());
        CheckResult dyn = check(pair(Corpus.fixture("dynamo/avgpool_ceil.onnx"))
                .optOnnxOptimization(OnnxRuntimeEngine.Optimization.DISABLED));
        assertEquals(Verdict.DISCREPANT, dyn.verdict());
        assertNull(dyn.optimizationProbe(), "already at the disabled level");
        assertNull(check(pair(Corpus.export("avgpool_ceil")).optOptimizationProbe(false)).optimizationProbe());
    }

    @Test
    void theRerunJudgesInToleranceModeToo() throws Exception {
        OptimizationProbe p = check(CheckRequest.builder(REF, Corpus.export("avgpool_ceil")).optLatencyRuns(0))
                .optimizationProbe();
        assertEquals(Verdict.FAITHFUL, p.verdict(), p.message());
        assertEquals(OptimizationProbe.CAUSE_OPTIMIZATIONS, p.cause());
    }
}
