package dev.parity.reports;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run folder as the reports read it: {@code run.json} and the records of {@code results.jsonl}.
 * A last line cut short by a killed process is dropped (and counted), never an error; a damaged
 * line elsewhere is an error naming its line number.
 */
public record RunData(Path folder, Map<String, Object> run, List<RunRecord> records, int tornLines) {
    public static final String RESULTS = "results.jsonl";
    public static final String RUN_JSON = "run.json";

    public static RunData load(Path folder) throws IOException {
        Path results = folder.resolve(RESULTS);
        if (!Files.isRegularFile(results)) {
            throw new IOException("not a run folder (no " + RESULTS + "): " + folder);
        }
        Map<String, Object> run = new LinkedHashMap<>();
        Path rj = folder.resolve(RUN_JSON);
        if (Files.isRegularFile(rj)) {
            run = ResultJson.mapper().readValue(rj.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        }
        List<String> lines = Files.readAllLines(results, StandardCharsets.UTF_8);
        List<RunRecord> records = new ArrayList<>();
        int torn = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                continue;
            }
            try {
                records.add(ResultJson.mapper().readValue(l, RunRecord.class));
            } catch (IOException e) {
                if (i == lines.size() - 1) {
                    torn++;
                } else {
                    throw new IOException(results + " line " + (i + 1) + " is damaged: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
                }
            }
        }
        return new RunData(folder, run, List.copyOf(records), torn);
    }

    public String generation() {
        Object g = run.get("generation");
        if (g != null) {
            return g.toString();
        }
        return records.isEmpty() ? "?" : records.get(0).generation();
    }
}
