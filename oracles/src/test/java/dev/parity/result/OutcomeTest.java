package dev.parity.result;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parity.oracles.ClosenessOracle;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.oracles.Verdict;
import dev.parity.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTest {
    private static CheckResult result(Verdict v, List<CaseResult> cases) {
        return new CheckResult(v, "tolerance", new ModelFile("a", "x"), new ModelFile("b", "y"), Map.of(), 0, null, cases);
    }

    private static CaseResult caseOf(Tensor a, Tensor b) {
        var f = ClosenessOracle.compare("y", a, b, ToleranceConfig.FLOAT32_DEFAULT);
        return new CaseResult(0, "normal", List.of(), f.verdict(), null, List.of(f), 1.0, 1.0);
    }

    @Test
    void shapeDifferencesAreShapeMismatchesAndValueDifferencesNumeric() {
        Tensor a = Tensor.ofFloats(new long[] {2}, new float[] {1, 2});
        Tensor b = Tensor.ofFloats(new long[] {1, 2}, new float[] {1, 2});
        Tensor c = Tensor.ofFloats(new long[] {2}, new float[] {1, 3});
        assertEquals(Outcome.SHAPE_MISMATCH, Outcome.of(result(Verdict.DISCREPANT, List.of(caseOf(a, b)))));
        assertEquals(Outcome.NUMERIC_DISCREPANCY, Outcome.of(result(Verdict.DISCREPANT, List.of(caseOf(a, c)))));
    }

    @Test
    void failuresSplitIntoLoadAndRuntime() {
        assertEquals(Outcome.LOAD_FAILURE, Outcome.of(result(Verdict.FAILED, List.of())));
        CaseResult failed = new CaseResult(0, "normal", List.of(), Verdict.FAILED, "onnx: boom", List.of(), null, null);
        assertEquals(Outcome.RUNTIME_FAILURE, Outcome.of(result(Verdict.FAILED, List.of(failed))));
    }

    @Test
    void labelsAreKebabCaseAndParseBack() {
        assertEquals("accuracy-discrepancy", Outcome.ACCURACY_DISCREPANCY.label());
        assertEquals(Outcome.EXPORT_CRASH, Outcome.parse("export-crash"));
        assertEquals("accuracy-discrepant", Verdict.ACCURACY_DISCREPANT.label());
    }

    @Test
    void nondeterministicReferenceHasItsOwnOutcomeAndOutranksEveryVerdict() {
        assertEquals(Outcome.NONDETERMINISTIC_REFERENCE, Outcome.of(result(Verdict.NONDETERMINISTIC_REFERENCE, List.of())));
        assertEquals("nondeterministic-reference", Verdict.NONDETERMINISTIC_REFERENCE.label());
        assertEquals("nondeterministic-reference", Outcome.NONDETERMINISTIC_REFERENCE.label());
        for (Verdict v : Verdict.values()) {
            assertEquals(Verdict.NONDETERMINISTIC_REFERENCE, Verdict.worse(v, Verdict.NONDETERMINISTIC_REFERENCE));
            assertEquals(Verdict.NONDETERMINISTIC_REFERENCE, Verdict.worse(Verdict.NONDETERMINISTIC_REFERENCE, v));
        }
    }

    @Test
    void rowCountDiscrepancyWithoutDiscrepantOutputIsAShapeMismatch() {
        Tensor a = Tensor.ofFloats(new long[] {2}, new float[] {1, 2});
        CheckResult r = new CheckResult(Verdict.DISCREPANT, "tolerance", new ModelFile("a", "x"), new ModelFile("b", "y"),
                Map.of(), 0, "accuracy could not be judged: torch returned 2 rows", List.of(caseOf(a, a)),
                dev.parity.oracles.AccuracyFinding.unjudged(4, 0.05, "torch returned 2 rows"), null, null, null);
        assertEquals(Outcome.SHAPE_MISMATCH, Outcome.of(r));
    }
}
