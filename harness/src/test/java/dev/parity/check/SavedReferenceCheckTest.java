package dev.parity.check;

import dev.parity.errors.BadInputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.inputs.Npy;
import dev.parity.oracles.ComparisonRule;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.result.CheckResult;
import dev.parity.result.OptimizationProbe;
import dev.parity.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reference given as saved outputs (fixtures/saved/avgpool_ceil: avgpool_ceil's weights run as a
 * torch.export ExportedProgram and its float64 copy by tools/save_reference_outputs.py) is judged by the
 * same oracles as a TorchScript one.
 */
class SavedReferenceCheckTest {
    private static final Path SAVED = Corpus.fixture("saved/avgpool_ceil");
    private static final Path IN = SAVED.resolve("IN.npz");
    private static final Path OUT = SAVED.resolve("OUT.npz");
    private static final Path OUT64 = SAVED.resolve("OUT64.npz");

    @TempDir
    Path dir;

    private static CheckRequest.Builder saved(Path onnx) {
        return CheckRequest.savedOutputsBuilder(OUT, IN, onnx).optReference64Outputs(OUT64);
    }

    @Test
    void aFaithfulExportIsFaithfulByAttribution() throws Exception {
        // torch-1.13.1's export is right before ONNX Runtime's optimiser fuses its Pad into the AveragePool
        CheckResult r = ParityCheck.run(saved(Corpus.export("avgpool_ceil"))
                .optOnnxOptimization(OnnxRuntimeEngine.Optimization.DISABLED).build());
        assertEquals(Verdict.FAITHFUL, r.verdict(), () -> dev.parity.reports.ConsoleReport.render(r));
        assertEquals(ParityCheck.MODE_ATTRIBUTION, r.mode());
        assertEquals(1, r.cases().size());
        assertEquals("data", r.cases().get(0).regime());
        OutputFinding y = r.cases().get(0).outputs().get(0);
        assertEquals("y", y.name());
        assertEquals(ComparisonRule.ATTRIBUTION, y.rule());
        assertEquals(OUT.toString(), r.torch().path());
        assertNull(r.latency());
        assertNull(r.cases().get(0).torchMs());
        assertTrue(r.warnings().get(0).startsWith(SavedReferenceCheck.LIMITS), r.warnings().toString());
        assertTrue(r.warnings().get(0).endsWith("outputs matched by name"), r.warnings().toString());
    }

    @Test
    void aDiscrepantExportIsDiscrepantAndGetsTheOptimisationProbe() throws Exception {
        CheckResult r = ParityCheck.run(saved(Corpus.fixture("dynamo/avgpool_ceil.onnx")).build());
        assertEquals(Verdict.DISCREPANT, r.verdict());
        OutputFinding y = r.cases().get(0).outputs().get(0);
        assertTrue(y.attribution().ratio() > 1e5, y.toString());
        assertEquals(OptimizationProbe.CAUSE_GRAPH_OR_KERNELS, r.optimizationProbe().cause());
        CheckResult legacy = ParityCheck.run(saved(Corpus.export("avgpool_ceil")).build());
        assertEquals(Verdict.DISCREPANT, legacy.verdict());
        assertEquals(OptimizationProbe.CAUSE_OPTIMIZATIONS, legacy.optimizationProbe().cause());
    }

    @Test
    void withoutFloat64OutputsTheTolerancesAreFixed() throws Exception {
        CheckResult r = ParityCheck.run(CheckRequest.savedOutputsBuilder(OUT, IN, Corpus.export("avgpool_ceil"))
                .optOnnxOptimization(OnnxRuntimeEngine.Optimization.DISABLED).build());
        assertEquals(Verdict.FAITHFUL, r.verdict(), () -> dev.parity.reports.ConsoleReport.render(r));
        assertEquals(ParityCheck.MODE_TOLERANCE, r.mode());
        assertEquals(ComparisonRule.TOLERANCE, r.cases().get(0).outputs().get(0).rule());
        assertTrue(r.warnings().get(0).contains("fixed tolerances"), r.warnings().toString());
        CheckResult bad = ParityCheck.run(CheckRequest.savedOutputsBuilder(OUT, IN,
                Corpus.fixture("dynamo/avgpool_ceil.onnx")).build());
        assertEquals(Verdict.DISCREPANT, bad.verdict());
    }

    @Test
    void unnamedOutputsAreMatchedByPosition() throws Exception {
        Path out = dir.resolve("OUT.npz");
        Npy.writeNpz(Map.of("output_0", Npy.readNpz(OUT).get("y")), out);
        CheckResult r = ParityCheck.run(CheckRequest.savedOutputsBuilder(out, IN, Corpus.fixture("dynamo/avgpool_ceil.onnx"))
                .build());
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertEquals("y", r.cases().get(0).outputs().get(0).name());
        assertTrue(r.warnings().get(0).contains("outputs matched by position (OUT.npz's arrays [output_0] are not the "
                + "ONNX output names [y])"), r.warnings().toString());
    }

    @Test
    void anExtraSavedOutputIsACountDiscrepancyAsWithATorchScriptReference() throws Exception {
        Map<String, Tensor> more = new LinkedHashMap<>(Npy.readNpz(OUT));
        more.put("extra", Tensor.ofFloats(new long[] {1}, new float[] {1}));
        Path out = dir.resolve("OUT.npz");
        Npy.writeNpz(more, out);
        CheckResult r = ParityCheck.run(CheckRequest.savedOutputsBuilder(out, IN, Corpus.export("avgpool_ceil"))
                .optOnnxOptimization(OnnxRuntimeEngine.Optimization.DISABLED).build());
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertEquals(ComparisonRule.STRUCTURE, r.cases().get(0).outputs().get(1).rule());
    }

    @Test
    void anArchiveNamingSomeOutputsButNotAllIsRefused() {
        Tensor t = Tensor.ofFloats(new long[] {1}, new float[] {1});
        Map<String, Tensor> saved = new LinkedHashMap<>();
        saved.put("logits", t);
        saved.put("emb", t);
        BadInputException e = assertThrows(BadInputException.class, () -> SavedReferenceCheck.match(saved,
                List.of("logits", "embedding"), "--reference-outputs", Path.of("OUT.npz")));
        assertEquals("--reference-outputs OUT.npz names the ONNX outputs [logits] but not [embedding] (its arrays: "
                + "[logits, emb]); name every output as the ONNX model does, or none", e.getMessage());
    }

    @Test
    void aTwinOfAnotherShapeIsRefused() throws Exception {
        Path out64 = dir.resolve("OUT64.npz");
        Npy.writeNpz(Map.of("y", Tensor.ofDoubles(new long[] {1, 4, 5, 5}, new double[100])), out64);
        BadInputException e = assertThrows(BadInputException.class, () -> ParityCheck.run(CheckRequest
                .savedOutputsBuilder(OUT, IN, Corpus.export("avgpool_ceil")).optReference64Outputs(out64).build()));
        assertTrue(e.getMessage().startsWith("--reference64-outputs " + out64 + " is not a float64 twin"), e.getMessage());
    }

    @Test
    void whatNeedsATorchScriptReferenceIsRefused() {
        Path onnx = Corpus.export("avgpool_ceil");
        IllegalArgumentException noInputs = assertThrows(IllegalArgumentException.class,
                () -> CheckRequest.savedOutputsBuilder(OUT, null, onnx).build());
        assertTrue(noInputs.getMessage().startsWith("--reference-outputs needs --inputs"), noInputs.getMessage());
        IllegalArgumentException probe = assertThrows(IllegalArgumentException.class,
                () -> CheckRequest.savedOutputsBuilder(OUT, IN, onnx).optLocalize(Path.of("probe.pt")).build());
        assertTrue(probe.getMessage().startsWith("--localize needs a TorchScript reference"), probe.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> CheckRequest.savedOutputsBuilder(OUT, IN, onnx).optDataset(Path.of("d.npz")).build());
        assertThrows(IllegalArgumentException.class,
                () -> CheckRequest.savedOutputsBuilder(OUT, IN, onnx).optReference64(Path.of("r64.pt")).build());
        assertThrows(IllegalArgumentException.class,
                () -> CheckRequest.builder(null, onnx).build());
        assertThrows(IllegalArgumentException.class,
                () -> CheckRequest.builder(Corpus.reference("avgpool_ceil"), onnx).optReference64Outputs(OUT64).build());
    }
}
