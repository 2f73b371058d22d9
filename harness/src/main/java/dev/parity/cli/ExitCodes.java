package dev.parity.cli;

/** Parity's documented process exit codes. */
public final class ExitCodes {
    /** Every check faithful. */
    public static final int FAITHFUL = 0;
    /**
     * At least one discrepancy; for {@code check} also a reference that differs from itself
     * ({@code nondeterministic-reference}): nothing a CI job may pass.
     */
    public static final int DISCREPANT = 1;
    /** Usage error or bad input (missing or corrupt file, wrong spec): nothing was compared. */
    public static final int BAD_INPUT = 2;
    /** An engine failed to load or run a model. */
    public static final int ENGINE_FAILED = 3;
    /** A bug in Parity itself; rerun with --verbose and report the stack trace. */
    public static final int INTERNAL_ERROR = 4;
    /** A model file refused as unsafe before any engine saw it (pickle global, path escape, zip bomb, code that writes files). */
    public static final int UNSAFE_MODEL = 5;
    /** A device was requested that this machine or build cannot provide (checked before any work). */
    public static final int DEVICE_UNAVAILABLE = 6;

    private ExitCodes() {}
}
