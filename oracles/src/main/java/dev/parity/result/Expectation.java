package dev.parity.result;

import java.util.Objects;

/**
 * What a pair is expected to do, written by a person from what the model is known to do (the corpus's
 * {@code expectations.json}) or taken from a previous run ({@code parity run --baseline}): never from
 * the run being judged.
 *
 * @param outcome the expected outcome
 * @param cause one line saying why (required for every outcome but {@code faithful}); {@code unexplained: ...}
 *     marks a problem whose cause is still to be found
 * @param source where the expectation comes from: {@code manifest} or {@code baseline RUN_DIR}
 */
public record Expectation(Outcome outcome, String cause, String source) {
    public Expectation {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The expectation of a pair nobody wrote one for: faithful. */
    public static Expectation faithfulByDefault(String source) {
        return new Expectation(Outcome.FAITHFUL, null, source);
    }

    /** How an actual outcome compares with this expectation. */
    public ExpectationStatus judge(Outcome actual) {
        if (actual == outcome) {
            return ExpectationStatus.AS_EXPECTED;
        }
        return outcome.isProblem() && actual == Outcome.FAITHFUL ? ExpectationStatus.FIXED : ExpectationStatus.UNEXPECTED;
    }

    /** Whether the cause marks a problem nobody has explained yet. */
    public boolean unexplained() {
        return cause != null && cause.startsWith("unexplained");
    }
}
