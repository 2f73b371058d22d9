package dev.parity.reports;

import dev.parity.result.RunRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a run's time went: {@code stages.md} and the console's {@code time:} line. Two views, since
 * workers overlap pairs: the run's wall time by its own stages (JVM start, setup, the pairs, report,
 * given by the caller), and the pairs' time by the stages each record carries ({@link RunRecord#stages}),
 * summed over pairs, with each pair's unaccounted rest as {@code other}. Pure; records written before
 * stages were timed are counted and left out of the second view.
 */
public final class StageSummary {
    /** The run's rest: its wall time less its stages. */
    public static final String OTHER = "other";

    private StageSummary() {}

    /** One stage's time summed over pairs: its total, the pairs that had it, the median of those. */
    public record Row(String stage, double seconds, int pairs, double medianSeconds) {}

    /**
     * Each stage summed over the records that carry stages, in the order stages first appear, then
     * {@link #OTHER} (each pair's wall time less its stages, never below zero).
     */
    public static List<Row> pairRows(List<RunRecord> records) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        List<Double> other = new ArrayList<>();
        for (RunRecord r : records) {
            if (r.stages() == null) {
                continue;
            }
            double sum = 0;
            for (Map.Entry<String, Double> e : r.stages().entrySet()) {
                by.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                sum += e.getValue();
            }
            other.add(Math.max(0, r.seconds() - sum));
        }
        if (!other.isEmpty()) {
            by.put(OTHER, other);
        }
        List<Row> rows = new ArrayList<>();
        by.forEach((k, v) -> rows.add(new Row(k, v.stream().mapToDouble(Double::doubleValue).sum(), v.size(), median(v))));
        return rows;
    }

    /**
     * {@code stages.md}: the run's wall time by {@code runStages} (seconds, in order; {@code pairs}
     * may be followed by stages within it, named in {@code within}) against {@code wallSeconds}, then
     * the pairs' time by stage.
     */
    public static String markdown(List<RunRecord> records, Map<String, Double> runStages, List<String> within,
            double wallSeconds, int workers) {
        StringBuilder sb = new StringBuilder("## Where the time went\n\n");
        sb.append(String.format(Locale.ROOT, "Wall clock (System.nanoTime), %d pairs, %s; %.2f s in all.%n%n",
                records.size(), workers < 0 ? "a resumed run" : workers == 0 ? "in-process"
                        : workers + " worker" + (workers == 1 ? "" : "s"), wallSeconds));
        sb.append("| run stage | seconds | share of wall |\n|---|---|---|\n");
        double accounted = 0;
        for (Map.Entry<String, Double> e : runStages.entrySet()) {
            boolean inner = within.contains(e.getKey());
            if (!inner) {
                accounted += e.getValue();
            }
            sb.append("| ").append(inner ? "&nbsp;&nbsp;of which " : "").append(e.getKey()).append(" | ")
                    .append(sec(e.getValue())).append(" | ").append(pct(e.getValue(), wallSeconds)).append(" |\n");
        }
        double rest = Math.max(0, wallSeconds - accounted);
        sb.append("| ").append(OTHER).append(" | ").append(sec(rest)).append(" | ").append(pct(rest, wallSeconds))
                .append(" |\n\n");
        List<Row> rows = pairRows(records);
        long timed = records.stream().filter(r -> r.stages() != null).count();
        double pairTime = records.stream().filter(r -> r.stages() != null).mapToDouble(RunRecord::seconds).sum();
        if (timed == 0) {
            sb.append("No pair carries stage timings (records written before stages were timed).\n");
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "Pairs' time, summed over %d pair%s: %.2f s%s.%n%n", timed,
                timed == 1 ? "" : "s", pairTime, workers > 1 ? " (workers overlap pairs: the sum exceeds the pairs' wall)" : ""));
        if (timed < records.size()) {
            sb.append(records.size() - timed).append(" pairs carry no stage timings and are left out.\n\n");
        }
        sb.append("| pair stage | seconds | share of pairs' time | pairs | median per pair, ms |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.stage()).append(" | ").append(sec(r.seconds())).append(" | ")
                    .append(pct(r.seconds(), pairTime)).append(" | ").append(r.pairs()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.medianSeconds() * 1e3)).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * One console line: the wall time, then the pairs' time by groups of stages (every {@code load_*}
     * as {@code load}, every {@code infer_*} as {@code inference}), largest first, with shares.
     */
    public static String line(List<RunRecord> records, double wallSeconds) {
        Map<String, Double> groups = new LinkedHashMap<>();
        double pairTime = 0;
        for (Row r : pairRows(records)) {
            groups.merge(group(r.stage()), r.seconds(), Double::sum);
            pairTime += r.seconds();
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "time: %.1f s wall, %d pairs", wallSeconds,
                records.size()));
        if (groups.isEmpty()) {
            return sb.append(" (no stage timings)").toString();
        }
        sb.append(String.format(Locale.ROOT, "; pairs' time %.1f s:", pairTime));
        double total = pairTime;
        groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .filter(e -> e.getValue() >= 0.005 * total)
                .forEach(e -> sb.append(' ').append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.1f",
                        e.getValue())).append(" s (").append(pct(e.getValue(), total)).append("),"));
        sb.setLength(sb.length() - 1);
        return sb.append("; stages.md has every stage").toString();
    }

    static String group(String stage) {
        if (stage.startsWith("load_")) {
            return "load";
        }
        if (stage.startsWith("infer_")) {
            return "inference";
        }
        return stage;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String sec(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    private static String pct(double part, double whole) {
        return whole <= 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * part / whole);
    }
}
