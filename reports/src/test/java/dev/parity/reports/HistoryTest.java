package dev.parity.reports;

import static dev.parity.reports.Records.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parity.result.Outcome;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @Test
    void migrationsRunOnceAndAreRecorded(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h.sqlite");
        try (History h = History.open(db)) {
            assertEquals(History.MIGRATIONS.length, h.schemaVersion());
        }
        try (History h = History.open(db)) {
            assertEquals(History.MIGRATIONS.length, h.schemaVersion(), "reopening applies nothing twice");
        }
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM schema_version")) {
            rs.next();
            assertEquals(History.MIGRATIONS.length, rs.getInt(1));
        }
    }

    @Test
    void storesRunsAndModelTrends(@TempDir Path dir) throws Exception {
        Path r1 = Records.folder(dir.resolve("r1"), "torch-a", List.of(rec("m", "o", Outcome.FAITHFUL, 1.0)));
        Path r2 = Records.folder(dir.resolve("r2"), "torch-b", List.of(rec("m", "o", Outcome.NUMERIC_DISCREPANCY, 1e6)));
        try (History h = History.open(dir.resolve("h.sqlite"))) {
            h.add(RunData.load(r1));
            h.add(RunData.load(r2));
            h.add(RunData.load(r2)); // re-adding a folder replaces it
            assertEquals(2, h.runs(null, 10).size());
            assertEquals(1, h.runs("torch-b", 10).size());
            List<History.TrendRow> t = h.modelTrend("m");
            assertEquals(List.of("faithful", "numeric-discrepancy"), t.stream().map(History.TrendRow::outcome).toList());
            assertEquals(1, h.trend(RunData.load(r2), 10).points().size(), "one run of torch-b");
        }
    }

    @Test
    void concurrentWritersWaitInsteadOfFailing(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h.sqlite");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            Callable<Long> task = () -> {
                List<dev.parity.result.RunRecord> recs = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    recs.add(rec("m" + i, "o", Outcome.FAITHFUL, 1.0));
                }
                Path run = Records.folder(dir.resolve("run" + id), "g", recs);
                try (History h = History.open(db)) {
                    return h.add(RunData.load(run));
                }
            };
            done.add(pool.submit(task));
        }
        for (Future<Long> f : done) {
            f.get();
        }
        pool.shutdown();
        try (History h = History.open(db)) {
            List<History.RunRow> runs = h.runs(null, 10);
            assertEquals(4, runs.size());
            runs.forEach(r -> assertEquals(300, r.pairs()));
        }
    }

    @Test
    void aSelectionNamesModelsConfigurationsPlacementsAndShard() {
        assertEquals("models *, configurations *, placements cpu", History.selection(Map.of()));
        assertEquals("models *, configurations *, placements cpu",
                History.selection(Map.of("models", "*", "configs", "*", "matrix", List.of("cpu"))));
        assertEquals("models mlp,avg*, configurations opset13, placements cpu cuda:0, shard 2/4", History.selection(
                Map.of("models", "mlp,avg*", "configs", "opset13", "matrix", List.of("cpu", "cuda:0"), "shard", "2/4")));
    }

    /**
     * The measured mix-up: full runs of one generation, an 8-pair run of it, a run of another
     * generation. The trend of a full run shows full runs of its generation only.
     */
    @Test
    void theTrendKeepsToOneGenerationAndOneSelection(@TempDir Path dir) throws Exception {
        List<dev.parity.result.RunRecord> full = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            full.add(rec("m" + i, "o", Outcome.FAITHFUL, 1.0));
        }
        for (int i = 0; i < 28; i++) {
            full.add(rec("p" + i, "o", Outcome.NUMERIC_DISCREPANCY, 1e6));
        }
        List<dev.parity.result.RunRecord> eight = full.subList(96, 104);
        Map<String, Object> all = Map.of("models", "*", "configs", "*", "matrix", List.of("cpu"));
        Path r1 = Records.folder(dir.resolve("r1"), "torch-1.13.1", all, full);
        Path r2 = Records.folder(dir.resolve("r2"), "torch-1.13.1", Map.of("models", "m9*,p*", "configs", "o",
                "matrix", List.of("cpu")), eight);
        Path r3 = Records.folder(dir.resolve("r3"), "torch-2.6.0", all, full.subList(0, 120));
        Path r4 = Records.folder(dir.resolve("r4"), "torch-1.13.1", all, full);
        Path r5 = Records.folder(dir.resolve("r5"), "torch-1.13.1", Map.of("models", "*", "configs", "*",
                "matrix", List.of("cpu", "cuda:0")), full);
        try (History h = History.open(dir.resolve("h.sqlite"))) {
            for (Path r : List.of(r1, r2, r3, r4, r5)) {
                h.add(RunData.load(r));
            }
            HtmlReport.Trend t = h.trend(RunData.load(r4), 20);
            assertEquals("torch-1.13.1", t.generation());
            assertEquals("models *, configurations *, placements cpu", t.selection());
            assertEquals(List.of(100, 100), t.points().stream().map(HtmlReport.TrendPoint::faithful).toList(),
                    "r1 and r4 only: no 8-pair run, no other generation, no other placements");
            assertEquals(List.of("#1 11-27", "#4 11-27"), t.points().stream().map(HtmlReport.TrendPoint::label).toList());
            assertEquals(1, h.trend(RunData.load(r2), 20).points().size(), "the 8-pair run's own trend");
            assertEquals(5, h.runs(null, 10).size(), "listing runs still shows them all");
            assertEquals("models m9*,p*, configurations o, placements cpu", h.runs(null, 10).get(1).selection());
        }
    }

    /** A database from before selections were recorded: its runs join no trend, the new ones do. */
    @Test
    void runsStoredBeforeSelectionsWereRecordedJoinNoTrend(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("h.sqlite");
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)");
            for (int v = 0; v < 2; v++) {
                for (String sql : History.MIGRATIONS[v]) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version VALUES (" + (v + 1) + ", 'then')");
            }
            s.execute("INSERT INTO runs (folder, generation, started, pairs, faithful, problems) "
                    + "VALUES ('/old', 'torch-1.13.1', '2026-11-01T00:00:00Z', 8, 4, 4)");
        }
        Path r = Records.folder(dir.resolve("r"), "torch-1.13.1", List.of(rec("m", "o", Outcome.FAITHFUL, 1.0)));
        try (History h = History.open(db)) {
            assertEquals(History.MIGRATIONS.length, h.schemaVersion());
            h.add(RunData.load(r));
            h.add(RunData.load(Records.folder(dir.resolve("r2"), "torch-1.13.1", List.of(rec("m", "o", Outcome.FAITHFUL, 1.0)))));
            assertEquals(List.of(1, 1), h.trend(RunData.load(r), 20).points().stream()
                    .map(HtmlReport.TrendPoint::faithful).toList(), "the old 8-pair run is not in it");
            assertEquals(null, h.runs(null, 10).get(0).selection());
        }
    }
}
