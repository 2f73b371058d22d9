package dev.parity.reports;

import static dev.parity.reports.Records.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parity.result.Outcome;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
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
            assertEquals(2, h.trend(null, 10).size());
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
}
