package dev.parity.cli;

import dev.parity.errors.BadInputException;
import dev.parity.corpus.RunMerge;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parity merge SHARD_RUN... --out DIR}: one run folder from the shards of a run. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge shard run folders (parity run --shard K/N) into one run folder with one report.")
public final class MergeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHARD_RUN", arity = "1..*")
    List<Path> shards = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The merged run folder (must not hold a run).")
    Path out;

    @Option(names = "--allow-partial",
            description = "Merge unfinished shards too: their missing pairs are recorded as 'missing' (exit 1).")
    boolean allowPartial;

    @Option(names = "--history", paramLabel = "DB", description = "Also store the merged run in this history database.")
    Path history;

    @Override
    public Integer call() throws BadInputException {
        RunMerge.Result r;
        try {
            r = RunMerge.merge(shards, out, allowPartial);
        } catch (IOException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        if (history != null) {
            HistoryCommand.add(out, history);
        }
        ReportCommand.render(out, history);
        var o = spec.commandLine().getOut();
        o.print(dev.parity.reports.RunTable.counts(r.records()));
        o.println("merged " + shards.size() + " shard(s), " + r.records().size() + " records into " + out);
        return r.records().stream().noneMatch(dev.parity.result.RunRecord::failsGate) ? ExitCodes.FAITHFUL : ExitCodes.DISCREPANT;
    }
}
