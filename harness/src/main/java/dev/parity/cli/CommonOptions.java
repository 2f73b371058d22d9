package dev.parity.cli;

import dev.parity.oracles.OutputJudge;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options that {@code check} and {@code run} share, declared once (a picocli mixin) and validated
 * here, as they are parsed: a bad value is a one-line usage error (exit 2) in both commands.
 */
public final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the generated inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    double noiseFactor = OutputJudge.DEFAULT_NOISE_FACTOR;

    @Option(names = "--torch-device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Where libtorch runs the reference (CUDA needs a CUDA libtorch) (default: ${DEFAULT-VALUE}).")
    String torchDevice;

    @Option(names = "--verbose", description = "Show engine logs and stack traces.")
    boolean verbose;

    @Option(names = "--noise-factor", paramLabel = "K", defaultValue = "8",
            description = "Tolerance mode: atol grows to K times the reference's movement under a one-ulp input change; "
                    + "0: fixed tolerances (default: ${DEFAULT-VALUE}).")
    void noiseFactor(double k) {
        try {
            noiseFactor = OutputJudge.requireNoiseFactor(k);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
