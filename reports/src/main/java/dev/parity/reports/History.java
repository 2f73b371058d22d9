package dev.parity.reports;

import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The run history in SQLite (sqlite-jdbc: one file, no server, safe concurrent access through
 * SQLite's own locking). Schema changes are numbered migrations recorded in {@code schema_version};
 * a second writer waits up to {@link #BUSY_TIMEOUT_MS} for the lock instead of failing or
 * corrupting the file, and a run is stored in one transaction, so a reader never sees half a run.
 */
public final class History implements AutoCloseable {
    public static final int BUSY_TIMEOUT_MS = 30_000;

    /** Migration i brings the schema from version i to i + 1. */
    static final String[][] MIGRATIONS = {
        {
            "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, folder TEXT NOT NULL UNIQUE, generation TEXT NOT NULL,"
                + " started TEXT, finished TEXT, pairs INTEGER NOT NULL, faithful INTEGER NOT NULL, problems INTEGER NOT NULL)",
            "CREATE TABLE records (run_id INTEGER NOT NULL REFERENCES runs(id), key TEXT NOT NULL, model TEXT NOT NULL,"
                + " config TEXT NOT NULL, outcome TEXT NOT NULL, worst_ratio REAL, accuracy_delta REAL, torch_ms REAL,"
                + " onnx_ms REAL, PRIMARY KEY (run_id, key))",
            "CREATE INDEX records_model ON records(model, config)"
        },
        {
            "ALTER TABLE runs ADD COLUMN added TEXT"
        },
        {
            // runs stored before this migration keep a NULL selection: no trend mixes them with new runs
            "ALTER TABLE runs ADD COLUMN selection TEXT",
            "CREATE INDEX runs_trend ON runs(generation, selection)"
        }
    };

    private final Connection db;

    private History(Connection db) {
        this.db = db;
    }

    /** Opens (creating if needed) and migrates the database at {@code file}. */
    public static History open(Path file) throws SQLException, IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA foreign_keys = ON");
        }
        History h = new History(c);
        h.migrate();
        return h;
    }

    /** Current schema version (number of migrations applied). */
    public int schemaVersion() throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private void migrate() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)");
            while (true) {
                // BEGIN IMMEDIATE takes the write lock before the version is read, so two processes
                // opening a fresh file never apply the same migration twice.
                s.execute("BEGIN IMMEDIATE");
                try {
                    int v = schemaVersion();
                    if (v >= MIGRATIONS.length) {
                        s.execute("COMMIT");
                        return;
                    }
                    for (String sql : MIGRATIONS[v]) {
                        s.execute(sql);
                    }
                    try (PreparedStatement p = db.prepareStatement("INSERT INTO schema_version VALUES (?, datetime('now'))")) {
                        p.setInt(1, v + 1);
                        p.executeUpdate();
                    }
                    s.execute("COMMIT");
                } catch (SQLException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }

    /** Stores a run (replacing an earlier import of the same folder) in one transaction. */
    public long add(RunData run) throws SQLException {
        String folder = run.folder().toAbsolutePath().normalize().toString();
        db.setAutoCommit(false);
        try {
            try (PreparedStatement del = db.prepareStatement(
                    "DELETE FROM records WHERE run_id IN (SELECT id FROM runs WHERE folder = ?)")) {
                del.setString(1, folder);
                del.executeUpdate();
            }
            try (PreparedStatement del = db.prepareStatement("DELETE FROM runs WHERE folder = ?")) {
                del.setString(1, folder);
                del.executeUpdate();
            }
            long faithful = run.records().stream().filter(r -> !r.outcome().isProblem()).count();
            long id;
            try (PreparedStatement p = db.prepareStatement("INSERT INTO runs (folder, generation, started, finished, pairs,"
                    + " faithful, problems, added, selection) VALUES (?, ?, ?, ?, ?, ?, ?, datetime('now'), ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                p.setString(1, folder);
                p.setString(2, run.generation());
                p.setString(3, str(run.run().get("started")));
                p.setString(4, str(run.run().get("finished")));
                p.setInt(5, run.records().size());
                p.setLong(6, faithful);
                p.setLong(7, run.records().size() - faithful);
                p.setString(8, selection(run.run()));
                p.executeUpdate();
                try (ResultSet k = p.getGeneratedKeys()) {
                    k.next();
                    id = k.getLong(1);
                }
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (RunRecord r : run.records()) {
                    p.setLong(1, id);
                    p.setString(2, r.key());
                    p.setString(3, r.model());
                    p.setString(4, r.config());
                    p.setString(5, r.outcome().label());
                    p.setObject(6, r.worstRatio());
                    p.setObject(7, r.accuracyDelta());
                    p.setObject(8, r.torchMs());
                    p.setObject(9, r.onnxMs());
                    p.addBatch();
                }
                p.executeBatch();
            }
            db.commit();
            return id;
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /**
     * What a run covered, in one line: its models and configurations globs, its placements and its
     * shard, from its {@code run.json} ({@code models *, configurations *, placements cpu}). Runs of
     * one selection count the same pairs, so their counts compare; an 8-pair run beside a 128-pair
     * run would read as a collapse.
     */
    public static String selection(Map<String, Object> run) {
        Object models = run.get("models");
        Object configs = run.get("configs");
        Object matrix = run.get("matrix");
        String placements = matrix instanceof Collection<?> c && !c.isEmpty()
                ? c.stream().map(String::valueOf).collect(Collectors.joining(" ")) : "cpu";
        Object shard = run.get("shard");
        return "models " + (models == null ? "*" : models) + ", configurations " + (configs == null ? "*" : configs)
                + ", placements " + placements + (shard == null ? "" : ", shard " + shard);
    }

    /** A stored run; {@code selection} is null for runs stored before selections were recorded. */
    public record RunRow(long id, String folder, String generation, String started, int pairs, int faithful, int problems,
            String selection) {}

    /** The last {@code limit} runs, oldest first (of one generation, or all when null). */
    public List<RunRow> runs(String generation, int limit) throws SQLException {
        return runs(generation, null, limit);
    }

    /**
     * The last {@code limit} runs, oldest first, of one generation and one selection; a null
     * argument does not filter.
     */
    public List<RunRow> runs(String generation, String selection, int limit) throws SQLException {
        List<String> where = new ArrayList<>();
        if (generation != null) {
            where.add("generation = ?");
        }
        if (selection != null) {
            where.add("selection = ?");
        }
        String sql = "SELECT id, folder, generation, started, pairs, faithful, problems, selection FROM runs"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY id DESC LIMIT ?";
        List<RunRow> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement(sql)) {
            int i = 1;
            if (generation != null) {
                p.setString(i++, generation);
            }
            if (selection != null) {
                p.setString(i++, selection);
            }
            p.setInt(i, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new RunRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getInt(6), rs.getInt(7), rs.getString(8)));
                }
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** One model's outcomes over the stored runs, oldest first: (run id, config, outcome, worst ratio). */
    public record TrendRow(long runId, String generation, String config, String outcome, Double worstRatio) {}

    public List<TrendRow> modelTrend(String model) throws SQLException {
        List<TrendRow> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT r.id, r.generation, c.config, c.outcome, c.worst_ratio "
                + "FROM records c JOIN runs r ON r.id = c.run_id WHERE c.model = ? ORDER BY r.id, c.config")) {
            p.setString(1, model);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    double w = rs.getDouble(5);
                    out.add(new TrendRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.wasNull() ? null : w));
                }
            }
        }
        return out;
    }

    /**
     * The trend the HTML report plots for {@code run}: the last {@code limit} stored runs of its
     * generation and its selection ({@link #selection}), never a mix of generations or of filtered
     * and full runs.
     */
    public HtmlReport.Trend trend(RunData run, int limit) throws SQLException {
        return trend(run.generation(), selection(run.run()), limit);
    }

    /** The last {@code limit} runs of one generation and one selection, both required. */
    public HtmlReport.Trend trend(String generation, String selection, int limit) throws SQLException {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(selection, "selection");
        List<HtmlReport.TrendPoint> out = new ArrayList<>();
        for (RunRow r : runs(generation, selection, limit)) {
            String day = r.started() != null && r.started().length() >= 10 ? " " + r.started().substring(5, 10) : "";
            out.add(new HtmlReport.TrendPoint("#" + r.id() + day, r.faithful(), r.problems()));
        }
        return new HtmlReport.Trend(generation, selection, out);
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }

    static String json(Object o) {
        return ResultJson.write(o);
    }
}
