package dev.parity.isolation;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The OS sandbox around a worker: Debian's bubblewrap ({@code bwrap}), a maintained, setuid-free
 * namespace sandbox (used by Flatpak). The worker sees a root built from read-only binds of the system
 * libraries, the JDK, Parity's classpath, the engines' native cache and the model files' folders; a
 * private {@code /tmp}; writable binds only of the folders it must write (the socket's, the run's
 * {@code repro/} and {@code crashes/}); no network, no other process, no capabilities; and it dies with
 * its parent. Where bubblewrap is missing or cannot create namespaces, {@link #available()} is false and
 * workers run with the process limits only.
 */
public final class Sandbox {
    private static volatile Boolean works;

    private Sandbox() {}

    /** Whether bubblewrap is installed and can create its namespaces here (probed once). */
    public static boolean available() {
        Boolean w = works;
        if (w == null) {
            w = probe();
            works = w;
        }
        return w;
    }

    private static boolean probe() {
        Path bwrap = bwrap();
        if (bwrap == null) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(bwrap.toString(), "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                    "--cap-drop", "ALL", "true").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Path bwrap() {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
            Path p = Path.of(d, "bwrap");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Why there is no sandbox, for the one line a run prints. */
    public static String unavailableReason() {
        return bwrap() == null ? "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)"
                : "bubblewrap cannot create namespaces here";
    }

    /**
     * The command prefix that runs a command in the sandbox.
     *
     * @param readOnly folders or files the worker reads (model folders, ...), bound at their own paths
     * @param writable folders the worker writes, bound read-write at their own paths
     */
    public static List<String> prefix(List<Path> readOnly, List<Path> writable) {
        List<String> a = new ArrayList<>(List.of(bwrap().toString(), "--unshare-all", "--die-with-parent", "--new-session",
                "--cap-drop", "ALL", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (String sys : List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path p = Path.of(sys);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), sys));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", sys, sys));
            }
        }
        // what the dynamic loader and the JDK read from /etc; not the rest of /etc (no shadow, no keys)
        for (String etc : List.of("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
                "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf")) {
            a.addAll(List.of("--ro-bind-try", etc, etc));
        }
        try (var s = Files.list(Path.of("/etc"))) {
            s.filter(p -> p.getFileName().toString().startsWith("java-")).forEach(p ->
                    a.addAll(List.of("--ro-bind", p.toString(), p.toString())));
        } catch (IOException e) {
            // no /etc listing: the JDK's own conf will do
        }
        for (String sys : List.of("/sys/devices/system/cpu", "/sys/fs/cgroup")) {
            a.addAll(List.of("--ro-bind-try", sys, sys));
        }
        Set<Path> ro = new LinkedHashSet<>();
        ro.add(real(Path.of(System.getProperty("java.home"))));
        for (String cp : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!cp.isEmpty()) {
                Path entry = real(Path.of(cp).toAbsolutePath());
                // a jar's folder too: its manifest's Class-Path names jars beside it (lib/ of the launcher's jar)
                ro.add(cp.endsWith(".jar") && entry.getParent() != null ? entry.getParent() : entry);
            }
        }
        ro.add(real(djlCache()));
        readOnly.forEach(p -> ro.add(real(p.toAbsolutePath())));
        for (Path p : sortedByDepth(ro)) {
            if (Files.exists(p) && !p.toString().equals("/")) {
                a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        for (Path p : sortedByDepth(new LinkedHashSet<>(writable.stream().map(x -> real(x.toAbsolutePath())).toList()))) {
            a.addAll(List.of("--bind", p.toString(), p.toString()));
        }
        // the root itself (a tmpfs bwrap built) read-only: only /tmp and the writable binds take writes
        a.addAll(List.of("--remount-ro", "/", "--chdir", "/tmp", "--"));
        return a;
    }

    /** DJL's engine cache, where libtorch's native libraries were unpacked. */
    static Path djlCache() {
        for (String env : List.of("ENGINE_CACHE_DIR", "DJL_CACHE_DIR")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                return Path.of(v);
            }
        }
        return Path.of(System.getProperty("user.home"), ".djl.ai");
    }

    private static List<Path> sortedByDepth(Set<Path> paths) {
        List<Path> l = new ArrayList<>(paths);
        l.sort(java.util.Comparator.comparingInt(Path::getNameCount));
        return l;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.normalize();
        }
    }
}
