package dev.parity.cli;

import picocli.CommandLine.Option;

/** Options that {@code check} and {@code run} share, declared once (a picocli mixin). */
public final class CommonOptions {
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the generated inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--noise-factor", paramLabel = "K", defaultValue = "8",
            description = "Tolerance mode: atol grows to K times the reference's movement under a one-ulp input change; "
                    + "0: fixed tolerances (default: ${DEFAULT-VALUE}).")
    double noiseFactor;

    @Option(names = "--torch-device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Where libtorch runs the reference (CUDA needs a CUDA libtorch) (default: ${DEFAULT-VALUE}).")
    String torchDevice;

    @Option(names = "--verbose", description = "Show engine logs and stack traces.")
    boolean verbose;
}
