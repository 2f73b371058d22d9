package dev.parity.cli;

import dev.parity.errors.BadInputException;
import dev.parity.reports.Comparison;
import dev.parity.reports.ReportWriter;
import dev.parity.reports.RunData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parity compare BASELINE CANDIDATE}: what regressed, got fixed, persists. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare two run folders pair by pair (e.g. two converter generations).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no regression", "1:a regression or a newly failing export", "2:bad run folder"})
public final class CompareCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASELINE_RUN")
    Path baseline;

    @Parameters(index = "1", paramLabel = "CANDIDATE_RUN")
    Path candidate;

    @Option(names = "--out", paramLabel = "DIR", description = "Where compare.html and compare.md go (default: the candidate run folder).")
    Path out;

    @Override
    public Integer call() throws BadInputException {
        RunData a;
        RunData b;
        try {
            a = RunData.load(baseline);
            b = RunData.load(candidate);
        } catch (IOException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        String la = a.generation();
        String lb = b.generation();
        if (la.equals(lb)) {
            la = la + " (" + baseline.getFileName() + ")";
            lb = lb + " (" + candidate.getFileName() + ")";
        }
        List<Comparison.Row> rows = Comparison.compare(a.records(), b.records());
        Path dir = out != null ? out : candidate;
        try {
            ReportWriter.writeCompare(dir, rows, la, lb);
        } catch (IOException e) {
            throw new BadInputException("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        var o = spec.commandLine().getOut();
        o.print(Comparison.renderText(rows, la, lb));
        o.println("wrote " + dir.resolve("compare.html") + " and compare.md");
        return rows.stream().anyMatch(r -> r.change().isRegression()) ? ExitCodes.DISCREPANT : ExitCodes.FAITHFUL;
    }
}
