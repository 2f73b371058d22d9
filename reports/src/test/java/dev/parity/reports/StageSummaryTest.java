package dev.parity.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stage sums over pairs, each pair's unaccounted rest, and records that predate stage timings. */
class StageSummaryTest {
    private static RunRecord timed(String config, double wall, Map<String, Double> stages) {
        RunRecord r = Records.rec("m", config, Outcome.FAITHFUL, null);
        return r.withTiming(wall, stages);
    }

    private static Map<String, Double> stages(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Double) kv[i + 1]);
        }
        return m;
    }

    @Test
    void stagesAreSummedOverPairsAndTheRestIsOther() {
        List<RunRecord> recs = List.of(
                timed("a", 1.0, stages("load_torch", 0.5, "infer_onnx", 0.25)),
                timed("b", 0.5, stages("infer_onnx", 0.125, "judge", 0.125)),
                Records.rec("m", "old", Outcome.FAITHFUL, null)); // written before stages were timed: left out
        List<StageSummary.Row> rows = StageSummary.pairRows(recs);
        assertEquals(List.of("load_torch", "infer_onnx", "judge", "other"), rows.stream().map(StageSummary.Row::stage).toList());
        assertEquals(0.375, rows.get(1).seconds(), 1e-12);
        assertEquals(2, rows.get(1).pairs());
        assertEquals(0.1875, rows.get(1).medianSeconds(), 1e-12);
        assertEquals(0.25 + 0.25, rows.get(3).seconds(), 1e-12, "each pair's wall time less its stages");
        assertEquals(1.5, rows.stream().mapToDouble(StageSummary.Row::seconds).sum(), 1e-12,
                "the rows add up to the timed pairs' wall time");
    }

    @Test
    void markdownShowsTheRunsWallAndThePairsTime() {
        List<RunRecord> recs = List.of(timed("a", 1.0, stages("worker_start", 0.5, "infer_onnx", 0.25)),
                Records.rec("m", "old", Outcome.FAITHFUL, null));
        Map<String, Double> run = stages("jvm_start", 0.5, "setup", 0.25, "pairs", 2.0, "record_write", 0.5, "report", 0.25);
        String md = StageSummary.markdown(recs, run, List.of("record_write"), 4.0, 1);
        assertTrue(md.contains("| pairs | 2.000 | 50% |"), md);
        assertTrue(md.contains("| &nbsp;&nbsp;of which record_write | 0.500 | 13% |"), md);
        assertTrue(md.contains("| other | 1.000 | 25% |"), "4 s wall less 3 s of run stages: " + md);
        assertTrue(md.contains("| worker_start | 0.500 | 50% | 1 | 500.0 |"), md);
        assertTrue(md.contains("1 pairs carry no stage timings"), md);
        String line = StageSummary.line(recs, 4.0);
        assertTrue(line.startsWith("time: 4.0 s wall, 2 pairs; pairs' time 1.0 s: worker_start 0.5 s (50%), inference 0.3 s (25%),"),
                line);
    }

    @Test
    void aRunOfOldRecordsSaysItHasNoTimings() {
        List<RunRecord> old = List.of(Records.rec("m", "old", Outcome.FAITHFUL, null));
        assertTrue(StageSummary.markdown(old, Map.of(), List.of(), 1.0, 0).contains("No pair carries stage timings"));
        assertEquals("time: 1.0 s wall, 1 pairs (no stage timings)", StageSummary.line(old, 1.0));
    }
}
