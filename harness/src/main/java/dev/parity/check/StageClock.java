package dev.parity.check;

/** Laps of one check's consecutive stages, reported to its listener as each ends. */
final class StageClock {
    private final CheckListener listener;
    private long at = System.nanoTime();

    StageClock(CheckListener listener) {
        this.listener = listener;
    }

    /** Ends {@code stage}: the time since the last lap (or {@link #skip}) is its. */
    void lap(Stage stage) {
        long now = System.nanoTime();
        listener.stageTimed(stage, now - at);
        at = now;
    }

    /** {@link #lap} after computing {@code value}; returns it. */
    <T> T lap(Stage stage, T value) {
        lap(stage);
        return value;
    }

    /** Starts the next lap now: what ran since the last lap reported its own stages. */
    void skip() {
        at = System.nanoTime();
    }
}
