package dev.parity.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A memory cap on a worker's whole process tree. Where this process may create a memory cgroup (v2,
 * or v1's memory controller) the kernel enforces the cap: the worker is OOM-killed at the limit. Where
 * it may not, a watchdog samples the resident memory of the worker and its descendants every 50 ms and
 * kills the tree past the cap (a process limit, not a hard one: a burst shorter than a sample can pass).
 */
public final class MemoryCap implements AutoCloseable {
    private final long bytes;
    private final Path cgroup;
    private final boolean v2;
    private volatile boolean watchdogKilled;
    private Thread watchdog;

    private MemoryCap(long bytes, Path cgroup, boolean v2) {
        this.bytes = bytes;
        this.cgroup = cgroup;
        this.v2 = v2;
    }

    /** A cap of {@code bytes} (0: none) under the given cgroup name, kernel-enforced where possible. */
    public static MemoryCap create(String name, long bytes) {
        if (bytes <= 0) {
            return new MemoryCap(0, null, false);
        }
        for (boolean v2 : new boolean[] {true, false}) {
            Optional<Path> base = ownCgroup(v2);
            if (base.isEmpty()) {
                continue;
            }
            Path dir = base.get().resolve(name);
            try {
                Files.createDirectories(dir);
                if (v2) {
                    Files.writeString(dir.resolve("memory.max"), Long.toString(bytes));
                    if (Files.exists(dir.resolve("memory.swap.max"))) {
                        Files.writeString(dir.resolve("memory.swap.max"), "0");
                    }
                } else {
                    Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(bytes));
                    Path sw = dir.resolve("memory.memsw.limit_in_bytes");
                    if (Files.exists(sw)) {
                        try {
                            Files.writeString(sw, Long.toString(bytes));
                        } catch (IOException e) {
                            // swap accounting off: the memory limit alone holds
                        }
                    }
                }
                return new MemoryCap(bytes, dir, v2);
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a cgroup folder we could not configure; nothing in it
                }
            }
        }
        return new MemoryCap(bytes, null, false);
    }

    /** This process's cgroup folder of the memory controller (v2 unified, or v1 memory). */
    static Optional<Path> ownCgroup(boolean v2) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", 3);
                if (f.length < 3) {
                    continue;
                }
                if (v2 && f[0].equals("0") && f[1].isEmpty()) {
                    Path dir = Path.of("/sys/fs/cgroup").resolve(f[2].replaceFirst("^/", ""));
                    Path controllers = Path.of("/sys/fs/cgroup/cgroup.controllers");
                    if (Files.isRegularFile(controllers) && Files.readString(controllers).contains("memory")
                            && Files.isWritable(dir)) {
                        return Optional.of(dir);
                    }
                } else if (!v2 && List.of(f[1].split(",")).contains("memory")) {
                    Path dir = Path.of("/sys/fs/cgroup/memory").resolve(f[2].replaceFirst("^/", ""));
                    if (Files.isDirectory(dir) && Files.isWritable(dir)) {
                        return Optional.of(dir);
                    }
                }
            }
        } catch (IOException e) {
            // no /proc: not Linux
        }
        return Optional.empty();
    }

    /** The file a process writes its pid to, to join the cgroup; null when the cap is a watchdog or none. */
    public Path procsFile() {
        return cgroup == null ? null : cgroup.resolve("cgroup.procs");
    }

    public long bytes() {
        return bytes;
    }

    /** How the cap is enforced, for the run's log. */
    public String describe() {
        if (bytes <= 0) {
            return "no memory cap";
        }
        String mb = (bytes >> 20) + " MiB";
        return cgroup != null ? mb + " (memory cgroup " + (v2 ? "v2" : "v1") + ", kernel-enforced)"
                : mb + " (resident-memory watchdog; no writable memory cgroup here)";
    }

    /** Starts the watchdog on {@code root} when the kernel does not enforce the cap. */
    public void watch(ProcessHandle root) {
        if (bytes <= 0 || cgroup != null) {
            return;
        }
        watchdog = new Thread(() -> {
            while (root.isAlive()) {
                long rss = rss(root) + root.descendants().mapToLong(MemoryCap::rss).sum();
                if (rss > bytes) {
                    watchdogKilled = true;
                    root.descendants().forEach(ProcessHandle::destroyForcibly);
                    root.destroyForcibly();
                    return;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "parity-memory-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    static long rss(ProcessHandle p) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }

    /** Whether the worker was killed for exceeding the cap. */
    public boolean exceeded() {
        if (watchdogKilled) {
            return true;
        }
        if (cgroup == null) {
            return false;
        }
        try {
            if (v2) {
                for (String l : Files.readAllLines(cgroup.resolve("memory.events"))) {
                    if (l.startsWith("oom_kill ") && Long.parseLong(l.substring(9).trim()) > 0) {
                        return true;
                    }
                }
                return false;
            }
            Path oom = cgroup.resolve("memory.oom_control");
            if (Files.exists(oom)) {
                for (String l : Files.readAllLines(oom)) {
                    if (l.startsWith("oom_kill ") && Long.parseLong(l.substring(9).trim()) > 0) {
                        return true;
                    }
                }
            }
            return Long.parseLong(Files.readString(cgroup.resolve("memory.failcnt")).trim()) > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** This machine's memory in bytes, or 0 when unknown. */
    public static long machineMemory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 0;
    }

    /** Removes the cgroup once its processes are gone. */
    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.interrupt();
        }
        if (cgroup != null) {
            for (int i = 0; i < 50; i++) {
                try {
                    Files.deleteIfExists(cgroup);
                    return;
                } catch (IOException e) {
                    try {
                        Thread.sleep(20); // the killed processes are still leaving
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
