package dev.parity.check;

import dev.parity.errors.BadInputException;
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
        // token_classifier's ids and mask are inferred as a text model's: one case per padding pattern (ZeroConfigTextCheckTest)
        assertTrue(r.cases().size() >= (model.equals("token_classifier") ? 3 : 4));
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

    // ---- nondeterministic references and modules saved in training mode ----

    private static CheckRequest.Builder pair(String torch, String onnx) {
        return CheckRequest.builder(Corpus.fixture(torch), Corpus.fixture(onnx));
    }

    @Test
    void aReferenceWithActiveDropoutIsNondeterministicAndNamesTheCause() throws Exception {
        for (CheckRequest req : List.of(pair("dropout_train_traced.pt", "dropout.onnx").build(),
                pair("dropout_train_traced.pt", "dropout.onnx").optNoiseFactor(0).build(),
                pair("dropout_train_traced.pt", "dropout.onnx").optReference64(Corpus.fixture("dropout_train_scripted64.pt"))
                        .build())) {
            CheckResult r = ParityCheck.run(req);
            assertEquals(Verdict.NONDETERMINISTIC_REFERENCE, r.verdict(), () -> dev.parity.reports.ConsoleReport.render(r));
            assertTrue(r.message().startsWith("the reference is nondeterministic: two runs on the inputs of case 0 differ: "
                    + "output y differs in "), r.message());
            assertTrue(r.message().contains("likely cause: random ops in its code: dropout(train=True)"), r.message());
            assertTrue(r.cases().isEmpty(), "noise is not compared with noise");
            assertEquals(dev.parity.result.Outcome.NONDETERMINISTIC_REFERENCE, dev.parity.result.Outcome.of(r));
        }
    }

    @Test
    void aModuleSavedInTrainingModeIsNamedEvenWhenOutputsAgree() throws Exception {
        // traced in eval mode (no dropout in the graph), saved after .train(): deterministic, still flagged
        CheckResult r = ParityCheck.run(pair("dropout_traced_eval_saved_train.pt", "dropout.onnx").build());
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(1, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).startsWith("dropout_traced_eval_saved_train.pt was saved in training mode "
                + "(training = True on 4 modules: net.1 (Dropout)"), r.warnings().get(0));
        // scripted and saved in training mode: libtorch runs it in eval mode here (deterministic), flagged too
        CheckResult scripted = ParityCheck.run(pair("dropout_train_scripted.pt", "dropout.onnx").build());
        assertEquals(Verdict.FAITHFUL, scripted.verdict());
        assertTrue(scripted.warnings().get(0).contains("saved in training mode"), scripted.warnings().toString());
    }

    @Test
    void anEvalModeModelIsNotFlagged() throws Exception {
        CheckResult r = ParityCheck.run(pair("dropout_eval.pt", "dropout.onnx").build());
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(List.of(), r.warnings());
    }

    // ---- float64 twins whose outputs are not all float64 ----

    private static List<String> rules(CheckResult r, int caseIndex) {
        return r.cases().get(caseIndex).outputs().stream().map(f -> f.rule().label()).collect(Collectors.toList());
    }

    @Test
    void aTwinOutputCastBackToFloat32IsJudgedByToleranceAndTheCheckGoesOn() throws Exception {
        CheckResult r = ParityCheck.run(pair("argmax_float.pt", "argmax_float.onnx")
                .optReference64(Corpus.fixture("argmax_float64.pt")).build());
        assertEquals(Verdict.FAITHFUL, r.verdict(), () -> dev.parity.reports.ConsoleReport.render(r));
        assertEquals("attribution", r.mode());
        for (CaseResult c : r.cases()) {
            assertEquals(List.of("attribution", "noise-aware-tolerance"), rules(r, c.index()));
        }
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void integerTwinOutputsAreJudgedExactly() throws Exception {
        // (x*10).long() // 3, returned as float32 and as int64. The twin has no float64 output at all,
        // so a warning says so; torch 2.13's TorchScript-based exporter truncates the negative
        // quotients, so the export is caught where inputs go negative.
        CheckResult r = ParityCheck.run(pair("floor_div_float.pt", "floor_div_float.onnx")
                .optReference64(Corpus.fixture("floor_div_float64.pt")).build());
        for (CaseResult c : r.cases()) {
            assertEquals(List.of("noise-aware-tolerance", "exact"), rules(r, c.index()));
            boolean negatives = c.regime().equals("normal") || c.regime().equals("large");
            assertEquals(negatives ? Verdict.DISCREPANT : Verdict.FAITHFUL, c.verdict(), c.regime());
        }
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertTrue(r.warnings().get(0).startsWith("the float64 twin judged no output"), r.warnings().toString());
        assertEquals(List.of("noise-aware-tolerance", "exact"), rules(ParityCheck.run(pair("floor_div_float.pt",
                "floor_div_float.onnx").build()), 0), "the same rules without a twin");
    }

    @Test
    void aTwinWhoseShapeDiffersOnALaterCaseIsNamedAndThatCaseUsesTheNoiseAwareTolerance() throws Exception {
        // the twin was traced with its batch size frozen at 1: right on the first case, wrong at batch 3
        CheckResult r = ParityCheck.run(pair("mean_head.pt", "mean_head.onnx")
                .optReference64(Corpus.fixture("mean_head_frozen64.pt")).build());
        assertEquals(Verdict.FAITHFUL, r.verdict());
        assertEquals(8, r.cases().size());
        for (CaseResult c : r.cases()) {
            boolean batch1 = c.inputs().get(0).shape()[0] == 1;
            assertEquals(List.of(batch1 ? "attribution" : "noise-aware-tolerance"), rules(r, c.index()), c.regime());
            if (!batch1) {
                assertEquals("float64 twin's shape differs on this case for y (twin 1x4, reference 3x4); judged without "
                        + "the twin", c.message());
                assertNotNull(c.outputs().get(0).attribution(), "noise-aware evidence, not fixed tolerances");
            }
        }
        CheckResult fixed = ParityCheck.run(pair("mean_head.pt", "mean_head.onnx").optNoiseFactor(0)
                .optReference64(Corpus.fixture("mean_head_frozen64.pt")).build());
        assertEquals(List.of("tolerance"), rules(fixed, 7), "with --noise-factor 0 the fallback says so");
    }

    // ---- the accuracy test ----

    private static java.nio.file.Path frozenBatchData(java.nio.file.Path dir, int n) throws Exception {
        float[] x = new float[n * 3 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3;
        }
        long[] labels = new long[n];
        java.nio.file.Path file = dir.resolve("data" + n + ".npz");
        java.util.Map<String, dev.parity.tensor.Tensor> arrays = new java.util.LinkedHashMap<>();
        arrays.put("x", dev.parity.tensor.Tensor.ofFloats(new long[] {n, 3, 16}, x));
        arrays.put("labels", dev.parity.tensor.Tensor.ofLongs(new long[] {n}, labels));
        dev.parity.inputs.Npy.writeNpz(arrays, file);
        return file;
    }

    private static CheckResult frozenBatchWithData(java.nio.file.Path data) throws BadInputException {
        return ParityCheck.run(CheckRequest.builder(Corpus.reference("frozen_batch"), Corpus.export("frozen_batch"))
                .optSymbolicSizes(List.of(2L)).optDataset(data).build());
    }

    @Test
    void aModelReturningFewerRowsThanItWasFedIsDiscrepantWithThatReason(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        // traced at batch 2: a batch of 4 is reshaped into 2 rows
        CheckResult r = frozenBatchWithData(frozenBatchData(dir, 4));
        assertEquals(Verdict.DISCREPANT, r.verdict());
        assertEquals(4, r.cases().size());
        r.cases().forEach(c -> assertEquals(Verdict.FAITHFUL, c.verdict()));
        assertEquals("torch returned 2 rows of y for a batch of 4 (labelled samples 0..3); is the batch size frozen in "
                + "the model?", r.accuracy().unjudged());
        assertEquals("accuracy could not be judged: " + r.accuracy().unjudged(), r.message());
        assertTrue(Double.isNaN(r.accuracy().torchAccuracy()) && !r.accuracy().discrepant());
        assertEquals(dev.parity.result.Outcome.SHAPE_MISMATCH, dev.parity.result.Outcome.of(r));
    }

    @Test
    void anEngineFailureInTheAccuracyTestKeepsTheJudgedCases(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // a batch of 5 cannot be reshaped into 2 rows of 16-wide vectors: libtorch fails
        CheckResult r = frozenBatchWithData(frozenBatchData(dir, 5));
        assertEquals(Verdict.FAILED, r.verdict());
        assertEquals(4, r.cases().size(), "the judged cases are kept");
        r.cases().forEach(c -> assertEquals(Verdict.FAITHFUL, c.verdict()));
        assertTrue(r.accuracy().unjudged().startsWith("torch: ") && r.accuracy().unjudged().endsWith("(labelled samples 0..4)"),
                r.accuracy().unjudged());
        assertEquals("accuracy could not be judged: " + r.accuracy().unjudged(), r.message());
        assertEquals(dev.parity.result.Outcome.RUNTIME_FAILURE, dev.parity.result.Outcome.of(r));
    }

    // ---- values the request refuses ----

    @Test
    void outputNamesInTolerancesAndLogitsMustExist() {
        String tol = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> ParityCheck.run(
                CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optTolerances(new dev.parity.oracles
                        .ToleranceConfig(null, null, java.util.Map.of("z", new dev.parity.oracles.Tolerance(1, 1)))).build()))
                .getMessage();
        assertEquals("--tol names unknown output 'z', expected one of [y]", tol);
        String logits = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, () -> ParityCheck.run(
                CheckRequest.builder(Corpus.reference("two_heads"), Corpus.export("two_heads")).optLogits("scores").build()))
                .getMessage();
        assertEquals("--logits names unknown output 'scores', expected one of [logits, embedding]", logits);
    }

    @Test
    void theRequestRefusesOutOfRangeValues() {
        CheckRequest.Builder b = CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp"));
        List<Runnable> bad = List.of(
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optNoiseFactor(Double.POSITIVE_INFINITY).build(),
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optNoiseFactor(Double.NaN).build(),
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optNoiseFactor(-1).build(),
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optSymbolicSizes(List.of(2_000_000_000L)).build(),
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optSymbolicSizes(List.of(0L)).build(),
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optOnnxThreads(5000).build(),
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optLatencyRuns(-1).build(),
                () -> CheckRequest.builder(Corpus.reference("mlp"), Corpus.export("mlp")).optAlpha(Double.NaN).build());
        for (Runnable r : bad) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
        }
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> b.optSymbolicSizes(List.of(1L, 65_536L))
                .optNoiseFactor(0).build());
    }
}
