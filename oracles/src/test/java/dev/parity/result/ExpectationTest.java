package dev.parity.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExpectationTest {
    private static final Expectation KNOWN = new Expectation(Outcome.NUMERIC_DISCREPANCY, "pool divisor", "manifest");
    private static final Expectation CLEAN = Expectation.faithfulByDefault("manifest");

    @Test
    void theExpectedOutcomeIsAsExpected() {
        assertEquals(ExpectationStatus.AS_EXPECTED, KNOWN.judge(Outcome.NUMERIC_DISCREPANCY));
        assertEquals(ExpectationStatus.AS_EXPECTED, CLEAN.judge(Outcome.FAITHFUL));
        assertFalse(ExpectationStatus.AS_EXPECTED.failsGate());
    }

    @Test
    void aKnownProblemThatVanishedIsFixedAndFailsTheGate() {
        assertEquals(ExpectationStatus.FIXED, KNOWN.judge(Outcome.FAITHFUL));
        assertTrue(ExpectationStatus.FIXED.failsGate());
    }

    @Test
    void aNewProblemOrAnotherProblemIsUnexpected() {
        assertEquals(ExpectationStatus.UNEXPECTED, CLEAN.judge(Outcome.NUMERIC_DISCREPANCY));
        assertEquals(ExpectationStatus.UNEXPECTED, CLEAN.judge(Outcome.EXPORT_CRASH));
        assertEquals(ExpectationStatus.UNEXPECTED, KNOWN.judge(Outcome.RUNTIME_FAILURE), "a discrepancy became a crash");
        assertTrue(ExpectationStatus.UNEXPECTED.failsGate());
    }

    @Test
    void recordsSortUnexpectedThenKnownProblemsThenFaithful() {
        RunRecord faithful = record("a", Outcome.FAITHFUL).expecting(CLEAN);
        RunRecord known = record("b", Outcome.NUMERIC_DISCREPANCY).expecting(KNOWN);
        RunRecord fixed = record("c", Outcome.FAITHFUL).expecting(KNOWN);
        RunRecord fresh = record("d", Outcome.EXPORT_CRASH).expecting(CLEAN);
        var sorted = java.util.stream.Stream.of(faithful, known, fixed, fresh).sorted(RunRecord.REPORT_ORDER)
                .map(RunRecord::model).toList();
        assertEquals(java.util.List.of("c", "d", "b", "a"), sorted);
        assertEquals("numeric-discrepancy", fixed.expected());
        assertEquals("pool divisor", fixed.cause());
    }

    @Test
    void aRecordNeverJudgedFailsTheGateWhenNotFaithful() {
        assertTrue(record("x", Outcome.NUMERIC_DISCREPANCY).failsGate());
        assertFalse(record("x", Outcome.FAITHFUL).failsGate());
    }

    static RunRecord record(String model, Outcome o) {
        return new RunRecord(model + "/c", model, "c", "g", "f", "t", o, o.label(), null, null, null, null, null, null, null,
                null, null, 0, null, null, "cpu");
    }
}
