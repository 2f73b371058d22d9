package dev.parity.cli;

import dev.parity.isolation.Limits;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How {@code check} and {@code run} confine the engines' worker processes (a picocli mixin). */
public final class WorkerOptions {
    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "Memory cap of each worker process and its children, e.g. 6g or 512m; 0: none "
                    + "(default: half of this machine's memory).")
    String maxMemory;

    @Option(names = "--no-sandbox",
            description = "Run workers without the OS sandbox (bubblewrap), with the process limits only.")
    boolean noSandbox;

    Limits limits(CommandLine.Model.CommandSpec spec, int timeoutSeconds) {
        long bytes;
        try {
            bytes = maxMemory == null ? Limits.defaultMaxMemory() : Limits.parseBytes(maxMemory);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-memory: " + e.getMessage());
        }
        if (bytes != 0 && bytes < (256L << 20)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-memory must be at least 256m (a JVM "
                    + "with both engines needs that much), or 0 for none");
        }
        if (timeoutSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be >= 0, got " + timeoutSeconds);
        }
        return new Limits(timeoutSeconds, bytes, !noSandbox);
    }
}
