package dev.parity.reports;

import dev.parity.result.ExpectationStatus;
import dev.parity.result.Latency;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-of-run console summary: one row per pair (what fails the gate first, then expected problems,
 * then faithful pairs), the reason, cause and worst element of every pair that is not faithful or
 * not as expected, counts per outcome, and the gate line. Pure.
 */
public final class RunTable {
    private RunTable() {}

    public static String render(List<RunRecord> records) {
        List<RunRecord> ordered = records.stream().sorted(RunRecord.REPORT_ORDER).toList();
        boolean matrix = records.stream().anyMatch(r -> r.key().contains("#"));
        TextTable t = new TextTable("model", "config", "outcome", "expectation", "worst_ratio", "acc_delta", "torch_ms",
                "onnx_ms");
        for (RunRecord r : ordered) {
            t.row(r.model(), matrix && r.placement() != null ? r.config() + "#" + r.placement() : r.config(),
                    r.outcome().label(), expectation(r), r.worstRatio() == null ? "-" : ConsoleReport.num(r.worstRatio()),
                    r.accuracyDelta() == null ? "-" : String.format(Locale.ROOT, "%+.4f", r.accuracyDelta()),
                    latency(r, true), latency(r, false));
        }
        StringBuilder why = new StringBuilder();
        for (RunRecord r : ordered) {
            if (!FindingGroup.explained(r)) {
                continue;
            }
            why.append(r.key()).append(": ").append(r.outcome().label()).append(" (").append(expectation(r)).append(")\n");
            why.append("  reason: ").append(oneLine(reason(r))).append('\n');
            why.append("  cause:  ").append(oneLine(cause(r))).append('\n');
            why.append("  worst:  ").append(oneLine(worstElement(r))).append('\n');
        }
        return t.render() + (why.length() > 0 ? "\n" + why : "") + "\n" + counts(records);
    }

    /** The expectation column: {@code as expected}, {@code UNEXPECTED (expected X)}, {@code FIXED (expected X)}. */
    public static String expectation(RunRecord r) {
        if (r.status() == null) {
            return r.outcome().isProblem() ? "no expectation" : "";
        }
        switch (r.status()) {
            case AS_EXPECTED:
                return "as expected";
            case FIXED:
                return "FIXED (expected " + r.expected() + ")";
            default:
                return "UNEXPECTED (expected " + r.expected() + ")";
        }
    }

    /** The reason sentence of a pair the reports explain: its message, or what stands in for one. */
    public static String reason(RunRecord r) {
        if (r.message() != null) {
            return r.message();
        }
        return r.outcome().isProblem() ? "no reason recorded" : "faithful now";
    }

    /**
     * The cause of a pair the reports explain: its expectation's cause, or why there is none (an
     * unexpected problem of a pair expected to be faithful has no known cause yet).
     */
    public static String cause(RunRecord r) {
        if (r.cause() != null) {
            return r.cause();
        }
        if (r.status() == null) {
            return "unknown: no expectation was applied";
        }
        return Outcome.FAITHFUL.label().equals(r.expected()) ? "unknown: this pair was expected to be faithful"
                : "none recorded for the expected outcome " + r.expected();
    }

    /**
     * The worst element of a pair's check in one line ({@link WorstOutput#describe()}); where no
     * output is discrepant (a runtime failure of some cases), the largest difference, said so; or
     * why there is none.
     */
    public static String worstElement(RunRecord r) {
        WorstOutput w = WorstOutput.of(r.check());
        if (w == null) {
            return r.check() == null ? "none: no ONNX model was run" : "none: no output was compared";
        }
        return w.finding().verdict() == dev.parity.oracles.Verdict.DISCREPANT ? w.describe()
                : "no output discrepant; largest difference " + w.describe();
    }

    /** The regression verdict of a run in one line: PASS when every pair met its expectation. */
    public static String gate(List<RunRecord> records) {
        List<RunRecord> failing = records.stream().filter(RunRecord::failsGate).toList();
        long known = records.stream().filter(r -> !r.failsGate() && r.outcome().isProblem()).count();
        if (failing.isEmpty()) {
            return "gate: PASS - all " + records.size() + " pairs as expected (" + known + " known problems)";
        }
        long fixed = failing.stream().filter(r -> r.status() == ExpectationStatus.FIXED).count();
        StringBuilder sb = new StringBuilder("gate: FAIL - ").append(failing.size() - fixed).append(" unexpected, ")
                .append(fixed).append(" fixed of ").append(records.size()).append(" pairs: ");
        for (int i = 0; i < failing.size(); i++) {
            RunRecord r = failing.get(i);
            if (i == 5) {
                sb.append(", ... (").append(failing.size() - 5).append(" more)");
                break;
            }
            sb.append(i == 0 ? "" : ", ").append(r.key()).append(" ")
                    .append(r.expected() == null ? "" : r.expected() + " -> ").append(r.outcome().label());
        }
        return sb.toString();
    }

    static String oneLine(String s) {
        String t = s.replace('\n', ' ');
        return t.length() > 400 ? t.substring(0, 397) + "..." : t;
    }

    /** One line per outcome class that occurred, in taxonomy order. */
    public static String counts(List<RunRecord> records) {
        Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        records.forEach(r -> m.merge(r.outcome(), 1, Integer::sum));
        StringBuilder sb = new StringBuilder("outcomes:");
        m.forEach((k, v) -> sb.append(' ').append(k.label()).append('=').append(v));
        return sb.append("  (").append(records.size()).append(" pairs)\n").toString();
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * One engine's warm latency of a pair with its spread, {@code 0.41 (0.40..0.45)} ms: the median and
     * the fastest and slowest of the check's timed runs; the median alone for a record without them.
     */
    public static String latency(RunRecord r, boolean torch) {
        Double median = torch ? r.torchMs() : r.onnxMs();
        Latency l = r.check() == null ? null : r.check().latency();
        if (median == null || l == null) {
            return ms(median);
        }
        return ms(median) + " (" + ms(torch ? l.torchMinMs() : l.onnxMinMs()) + ".." + ms(torch ? l.torchMaxMs() : l.onnxMaxMs())
                + ")";
    }

    /**
     * The onnx/torch ratio of the medians, {@code 1.31x}; where the two spreads overlap,
     * {@code 1.31x, spreads overlap}: the runs show no difference, and nothing calls it one.
     */
    public static String latencyRatio(RunRecord r) {
        if (r.torchMs() == null || r.onnxMs() == null || r.torchMs() <= 0) {
            return "-";
        }
        String ratio = String.format(Locale.ROOT, "%.2fx", r.onnxMs() / r.torchMs());
        Latency l = r.check() == null ? null : r.check().latency();
        return l != null && l.spreadsOverlap() ? ratio + ", spreads overlap" : ratio;
    }
}
