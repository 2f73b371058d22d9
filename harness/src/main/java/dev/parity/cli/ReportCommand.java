package dev.parity.cli;

import dev.parity.errors.BadInputException;
import dev.parity.reports.History;
import dev.parity.reports.HtmlReport;
import dev.parity.reports.ReportWriter;
import dev.parity.reports.RunData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parity report RUN_DIR}: re-render a run's reports from its results.jsonl, no inference. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render report.html, summary.md and junit.xml of a run folder from its results.jsonl.")
public final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR")
    Path run;

    @Option(names = "--history", paramLabel = "DB", description = "History database whose trend the report plots.")
    Path history;

    @Override
    public Integer call() throws BadInputException {
        RunData d = render(run, history);
        spec.commandLine().getOut().println("wrote " + run.resolve(ReportWriter.HTML) + ", " + ReportWriter.MARKDOWN
                + ", " + ReportWriter.JUNIT + " (" + d.records().size() + " pairs)");
        return ExitCodes.FAITHFUL;
    }

    /** Renders the reports; a history, if given, supplies the trend of the run's generation and selection. */
    static RunData render(Path run, Path history) throws BadInputException {
        if (!Files.isDirectory(run)) {
            throw new BadInputException("run folder not found: " + run);
        }
        try {
            RunData data = RunData.load(run);
            HtmlReport.Trend trend = HtmlReport.Trend.none();
            if (history != null) {
                try (History h = History.open(history)) {
                    trend = h.trend(data, 20);
                }
            }
            return ReportWriter.write(data, trend);
        } catch (IOException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (SQLException e) {
            throw new BadInputException("history database " + history + ": " + e.getMessage(), e);
        }
    }
}
