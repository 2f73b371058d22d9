package dev.parity.oracles;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The judgement on one output, one input case, or a whole check. */
public enum Verdict {
    /** The export computes what the reference computes, within the oracle's rules. */
    FAITHFUL,
    /** The export computes something else: shape, type, non-finite placement or values differ. */
    DISCREPANT,
    /** On labelled data the export's accuracy differs from the reference's beyond chance (McNemar). */
    ACCURACY_DISCREPANT,
    /** An engine could not load or run the model, so nothing could be compared. */
    FAILED,
    /**
     * The reference gave different outputs on two runs with the same inputs (dropout left in
     * training mode, a random op): comparing the export against it would compare noise with noise,
     * so nothing was compared. Never faithful.
     */
    NONDETERMINISTIC_REFERENCE;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static Verdict parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /**
     * The more severe of two verdicts: nondeterministic-reference (it voids every comparison) over
     * accuracy-discrepant over discrepant over failed over faithful.
     */
    public static Verdict worse(Verdict a, Verdict b) {
        return a.severity() >= b.severity() ? a : b;
    }

    private int severity() {
        switch (this) {
            case NONDETERMINISTIC_REFERENCE: return 4;
            case ACCURACY_DISCREPANT: return 3;
            case DISCREPANT: return 2;
            case FAILED: return 1;
            default: return 0;
        }
    }
}
