package dev.parity.cli;

import dev.parity.errors.BadInputException;
import dev.parity.reports.History;
import dev.parity.reports.RunData;
import dev.parity.reports.TextTable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parity history}: runs and per-model trends from the history database. */
@Command(name = "history", mixinStandardHelpOptions = true, subcommands = {HistoryCommand.Add.class},
        description = "List stored runs, or one model's outcomes over them (--model).")
public final class HistoryCommand implements Callable<Integer> {
    static final String DEFAULT_DB = "runs/history.sqlite";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--db", paramLabel = "DB", description = "History database (default: " + DEFAULT_DB + ").")
    Path db;

    @Option(names = "--model", paramLabel = "NAME", description = "Show this model's outcomes over the stored runs.")
    String model;

    @Option(names = "--generation", paramLabel = "G", description = "Only runs of this generation.")
    String generation;

    static Path dbOrDefault(Path db) {
        return db != null ? db : RunCommand.home().resolve(DEFAULT_DB);
    }

    @Override
    public Integer call() throws BadInputException {
        try (History h = History.open(dbOrDefault(db))) {
            var o = spec.commandLine().getOut();
            if (model != null) {
                TextTable t = new TextTable("run", "generation", "config", "outcome", "worst_ratio");
                for (History.TrendRow r : h.modelTrend(model)) {
                    t.row("#" + r.runId(), r.generation(), r.config(), r.outcome(),
                            r.worstRatio() == null ? "-" : String.format(java.util.Locale.ROOT, "%.3g", r.worstRatio()));
                }
                o.print(t.render());
            } else {
                TextTable t = new TextTable("run", "generation", "started", "pairs", "faithful", "not faithful", "selection",
                        "folder");
                for (History.RunRow r : h.runs(generation, 1000)) {
                    t.row("#" + r.id(), r.generation(), String.valueOf(r.started()), Integer.toString(r.pairs()),
                            Integer.toString(r.faithful()), Integer.toString(r.problems()),
                            r.selection() == null ? "-" : r.selection(), r.folder());
                }
                o.print(t.render());
            }
            return ExitCodes.FAITHFUL;
        } catch (SQLException | IOException e) {
            throw new BadInputException("history database " + dbOrDefault(db) + ": " + e.getMessage(), e);
        }
    }

    /** {@code parity history add RUN_DIR}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Store a run folder's records in the history.")
    public static final class Add implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RUN_DIR")
        Path run;

        @Option(names = "--db", paramLabel = "DB", description = "History database (default: " + DEFAULT_DB + ").")
        Path db;

        @Override
        public Integer call() throws BadInputException {
            long id = add(run, dbOrDefault(db));
            spec.commandLine().getOut().println("stored " + run + " as run #" + id + " in " + dbOrDefault(db));
            return ExitCodes.FAITHFUL;
        }
    }

    static long add(Path run, Path db) throws BadInputException {
        try (History h = History.open(db)) {
            return h.add(RunData.load(run));
        } catch (IOException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (SQLException e) {
            throw new BadInputException("history database " + db + ": " + e.getMessage(), e);
        }
    }
}
