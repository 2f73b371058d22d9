package dev.parity.check;

/** Progress callbacks of a check; the CLI draws them, a library caller may ignore them. */
public interface CheckListener {
    CheckListener NONE = new CheckListener() {};

    /** Called before the inference of case {@code index} (0-based) of {@code total}. */
    default void caseStarted(int index, int total, String regime) {}
}
