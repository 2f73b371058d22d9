package dev.parity.cli;

import dev.parity.errors.BadInputException;
import dev.parity.reports.Calibration;
import dev.parity.reports.CalibrationMarkdown;
import dev.parity.reports.RunData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parity calibrate}: thresholds chosen on half the models, scored on the other half. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Choose the attribution ratio and floor and the noise factor on the tuning half of the corpus "
                + "models, and count false alarms and misses on the held-out half against each pair's expected "
                + "outcome. Reads the runs' results.jsonl only; runs no inference.",
            "ATTRIBUTION_RUN: 'parity run'; TOLERANCE_RUN: 'parity run --tolerance-mode'; FIXED_RUN: "
                + "'parity run --tolerance-mode --noise-factor 0'."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:calibrated", "2:bad or unsuitable run folder"})
public final class CalibrateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ATTRIBUTION_RUN")
    Path attribution;

    @Parameters(index = "1", paramLabel = "TOLERANCE_RUN")
    Path tolerance;

    @Parameters(index = "2", paramLabel = "FIXED_RUN", arity = "0..1")
    Path fixed;

    @Option(names = "--markdown", paramLabel = "FILE",
            description = "Also write the summary and the per-pair evidence table to FILE.")
    Path markdown;

    @Override
    public Integer call() throws BadInputException {
        Calibration c;
        try {
            c = Calibration.of(RunData.load(attribution), RunData.load(tolerance), fixed == null ? null : RunData.load(fixed));
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        String command = "./parity calibrate " + attribution + " " + tolerance + (fixed == null ? "" : " " + fixed)
                + (markdown == null ? "" : " --markdown " + markdown);
        spec.commandLine().getOut().print(CalibrationMarkdown.summary(c, command));
        if (markdown != null) {
            try {
                Path parent = markdown.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(markdown, CalibrationMarkdown.full(c, command), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInputException("cannot write " + markdown + ": " + e.getMessage(), e);
            }
            spec.commandLine().getOut().println("\nwrote " + markdown);
        }
        return ExitCodes.FAITHFUL;
    }
}
