package dev.parity.reports;

import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static Path folder(Path dir, String generation, List<RunRecord> recs) throws IOException {
        Files.createDirectories(dir);
        StringBuilder sb = new StringBuilder();
        var line = ResultJson.mapper().copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        for (RunRecord r : recs) {
            sb.append(line.writeValueAsString(r)).append('\n');
        }
        Files.writeString(dir.resolve(RunData.RESULTS), sb);
        ResultJson.write(Map.of("generation", generation, "started", "2026-11-27T00:00:00Z",
                "finished", "2026-11-27T00:00:05Z"), dir.resolve(RunData.RUN_JSON));
        return dir;
    }
}
