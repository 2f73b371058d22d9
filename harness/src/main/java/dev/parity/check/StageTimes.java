package dev.parity.check;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time per {@link Stage} of one pair ({@link System#nanoTime}), summed over the stage's
 * occurrences. A {@link CheckListener} that collects {@link ParityCheck}'s stage times; not thread-safe
 * (one pair is checked on one thread).
 */
public final class StageTimes implements CheckListener {
    private final Map<Stage, Long> nanos = new EnumMap<>(Stage.class);

    @Override
    public void stageTimed(Stage stage, long elapsedNanos) {
        nanos.merge(stage, Math.max(0, elapsedNanos), Long::sum);
    }

    /** Adds the time since {@code since} (a {@link System#nanoTime} reading) to {@code stage}; returns now. */
    public long lap(Stage stage, long since) {
        long now = System.nanoTime();
        stageTimed(stage, now - since);
        return now;
    }

    /** Seconds per stage label, in {@link Stage} order; stages that never ran are absent. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((s, n) -> out.put(s.label(), n / 1e9));
        return out;
    }

    @Override
    public String toString() {
        return seconds().toString();
    }
}
