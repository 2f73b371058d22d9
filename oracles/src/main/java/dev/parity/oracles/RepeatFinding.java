package dev.parity.oracles;

/**
 * Whether a model gave the same outputs on two runs with the same inputs ({@link RepeatOracle}).
 *
 * @param kind identical, different only at rounding level, or nondeterministic
 * @param evidence for a difference, one line naming the first differing output and by how much;
 *     null when identical
 */
public record RepeatFinding(Kind kind, String evidence) {
    /** How two runs compare. */
    public enum Kind {
        /** Bitwise equal (NaN equal to NaN). */
        IDENTICAL,
        /**
         * Floating outputs differ, but by no more than float rounding (scaled difference at most the
         * attribution floor), as reductions in a varying order do.
         */
        ROUNDING_LEVEL,
        /** Outputs differ beyond rounding, or in shape, type, count, NaN/Inf placement or integer values. */
        NONDETERMINISTIC
    }

    public static final RepeatFinding IDENTICAL = new RepeatFinding(Kind.IDENTICAL, null);
}
