package dev.parity.check;

/** Progress callbacks of a check; the CLI draws them, a library caller may ignore them. */
public interface CheckListener {
    CheckListener NONE = new CheckListener() {};

    /** Called before the inference of case {@code index} (0-based) of {@code total}. */
    default void caseStarted(int index, int total, String regime) {}

    /**
     * Called when one occurrence of {@code stage} ended, with its wall time; a stage that runs once per
     * case (an engine's inference) is reported once per case. {@link StageTimes} adds them up.
     */
    default void stageTimed(Stage stage, long elapsedNanos) {}
}
