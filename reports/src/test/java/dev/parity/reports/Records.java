package dev.parity.reports;

import dev.parity.oracles.Attribution;
import dev.parity.oracles.ErrorBins;
import dev.parity.oracles.ErrorStats;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.oracles.WorstElement;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.Expectation;
import dev.parity.result.InputDescription;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-made run records and run folders for report tests. */
final class Records {
    private Records() {}

    static RunRecord rec(String model, String config, Outcome o, Double ratio) {
        return new RunRecord(model + "/" + config, model, config, "g", "family", "task", o, o.label(), "attribution",
                o.isProblem() ? "message with <html> & | pipes" : null, ratio, null, null, 1.0, 0.5, null, null, 0.25, null,
                null, "cpu");
    }

    /**
     * A numeric discrepancy with its check: output y of case 0 (normal) is discrepant, worst at
     * [0, 0, 5, 3] (torch 0.505, onnx 0.337), with an error histogram and a scatter sample.
     */
    static RunRecord discrepant(String model, String config, String message) {
        OutputFinding y = new OutputFinding("y", Verdict.DISCREPANT, "converter error 0.692 is 3.17e+06x", null, null,
                new long[] {1, 4, 6, 6}, new long[] {1, 4, 6, 6}, null,
                new ErrorStats(144, 0.168, 0.01, 0.154, 0.556, 0.03, 0.99, 44, 44 / 144.0, 0, null),
                new WorstElement(new long[] {0, 0, 5, 3}, 0.505, 0.337), new Attribution(0.692, 2.18e-7, 3.17e6, true),
                null, new ErrorBins(-28, List.of(3L, 10L, 22L, 30L, 10L), 25),
                List.of(new double[] {0.1, 0.1}, new double[] {0.505, 0.337}));
        OutputFinding small = new OutputFinding("y", Verdict.DISCREPANT, "converter error 0.01", null, null,
                new long[] {1, 4, 6, 6}, new long[] {1, 4, 6, 6}, null,
                new ErrorStats(144, 0.01, 0.001, 0.01, 0.02, 0.003, 0.999, 4, 4 / 144.0, 0, null),
                new WorstElement(new long[] {0, 1, 1, 1}, 0.2, 0.19), new Attribution(0.01, 2e-7, 5e4, true), null, null, null);
        List<InputDescription> in = List.of(new InputDescription("x", "float32", new long[] {1, 3, 10, 10}));
        CheckResult c = new CheckResult(Verdict.DISCREPANT, "attribution", null, null, Map.of(), 0, null, List.of(
                new CaseResult(0, "normal", in, Verdict.DISCREPANT, null, List.of(y), 0.1, 0.05),
                new CaseResult(1, "large", in, Verdict.DISCREPANT, null, List.of(small), 0.1, 0.05)));
        return new RunRecord(model + "/" + config, model, config, "g", "pitfall", "task", Outcome.NUMERIC_DISCREPANCY,
                "discrepant", "attribution", message, 3.17e6, null, null, 0.1, 0.05, null, null, 0.3, null, c, "cpu");
    }

    /** {@code r} judged against an expected outcome with a cause. */
    static RunRecord expecting(RunRecord r, Outcome expected, String cause) {
        return r.expecting(new Expectation(expected, cause, "manifest"));
    }

    static Path folder(Path dir, String generation, List<RunRecord> recs) throws IOException {
        return folder(dir, generation, Map.of(), recs);
    }

    /** A run folder whose run.json also holds {@code run} (selection: models, configs, matrix, shard). */
    static Path folder(Path dir, String generation, Map<String, Object> run, List<RunRecord> recs) throws IOException {
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        var line = ResultJson.mapper().copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        for (RunRecord r : recs) {
            sb.append(line.writeValueAsString(r)).append('\n');
        }
        Files.writeString(dir.resolve(RunData.RESULTS), sb);
        Map<String, Object> info = new HashMap<>(Map.of("generation", generation, "started", "2026-11-27T00:00:00Z",
                "finished", "2026-11-27T00:00:05Z"));
        info.putAll(run);
        ResultJson.write(info, dir.resolve(RunData.RUN_JSON));
        return dir;
    }
}
