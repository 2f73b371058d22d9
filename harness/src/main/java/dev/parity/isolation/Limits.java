package dev.parity.isolation;

/**
 * How a worker is confined: the wall-clock limit of one task, the memory cap of the worker's process
 * tree, and whether an OS sandbox wraps it.
 *
 * @param timeoutSeconds one task's wall-clock limit; 0: none
 * @param maxMemoryBytes the worker's memory cap (its whole process tree); 0: none
 * @param sandbox wrap the worker in the OS sandbox when the platform has one
 */
public record Limits(int timeoutSeconds, long maxMemoryBytes, boolean sandbox) {
    public Limits {
        if (timeoutSeconds < 0 || maxMemoryBytes < 0) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
    }

    /** Half of this machine's memory: two workers side by side fit. */
    public static long defaultMaxMemory() {
        long total = MemoryCap.machineMemory();
        return total > 0 ? total / 2 : 8L << 30;
    }

    /** Parses {@code 6g}, {@code 512m}, {@code 2048k} or a byte count. */
    public static long parseBytes(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("g") || t.endsWith("m") || t.endsWith("k")) {
            unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : 1L << 10;
            t = t.substring(0, t.length() - 1);
        }
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (e.g. 6g, 512m)");
        }
        if (v < 0 || v > Long.MAX_VALUE / unit) {
            throw new IllegalArgumentException("'" + text + "' is out of range");
        }
        return v * unit;
    }
}
