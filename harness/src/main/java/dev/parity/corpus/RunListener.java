package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

/** Progress of a corpus run; the CLI draws a progress bar from it. */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void started(int total) {}

    default void pairStarted(int index, String key) {}

    default void pairFinished(RunRecord record) {}
}
