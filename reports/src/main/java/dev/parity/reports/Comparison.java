package dev.parity.reports;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares a baseline run with a candidate run (for example two converter generations over the same
 * corpus), pair by pair, matched by model and configuration. Every rendering lists regressions and
 * newly failing exports first, then fixed, changed-severity, persisting and missing pairs, and
 * unchanged pairs last ({@link #REPORT_ORDER}). Pure.
 */
public final class Comparison {
    /** A severity change: the worst attribution ratio moved by this factor or more. */
    public static final double SEVERITY_FACTOR = 10;

    /**
     * How a pair changed from baseline to candidate, declared in the order the renderings list them:
     * what fails the compare first, unchanged pairs last. ({@link #classify} documents which class
     * wins when several apply.)
     */
    public enum Change {
        /** Faithful in the baseline, not in the candidate. */
        REGRESSION,
        /** The candidate's converter crashed or wrote an invalid file where the baseline's did not. */
        NEWLY_FAILING_EXPORT,
        /** Not faithful in the baseline, faithful in the candidate. */
        FIXED,
        /** Not faithful in either, the worst ratio moved by 10x or more. */
        CHANGED_SEVERITY,
        /** Not faithful in either. */
        PERSISTING,
        /** The pair exists in only one of the runs. */
        MISSING,
        /** Faithful in both. */
        UNCHANGED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether this change fails {@code parity compare} (exit 1). */
        public boolean isRegression() {
            return this == REGRESSION || this == NEWLY_FAILING_EXPORT;
        }
    }

    /** One pair's change, with both sides' evidence. */
    public record Row(String key, Change change, Outcome baseline, Outcome candidate, Double baselineRatio,
            Double candidateRatio, String note) {}

    /**
     * The order every rendering lists rows in: by {@link Change} (regressions first, unchanged
     * last), each class in the baseline's order, then pairs only the candidate has (the sort is stable).
     */
    public static final Comparator<Row> REPORT_ORDER = Comparator.comparing(Row::change);

    private Comparison() {}

    public static List<Row> compare(List<RunRecord> baseline, List<RunRecord> candidate) {
        Map<String, RunRecord> a = index(baseline);
        Map<String, RunRecord> b = index(candidate);
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<Row> rows = new ArrayList<>();
        for (String k : keys) {
            RunRecord x = a.get(k);
            RunRecord y = b.get(k);
            if (x == null || y == null) {
                rows.add(new Row(k, Change.MISSING, x == null ? null : x.outcome(), y == null ? null : y.outcome(),
                        x == null ? null : x.worstRatio(), y == null ? null : y.worstRatio(),
                        "only in the " + (x == null ? "candidate" : "baseline")));
                continue;
            }
            rows.add(new Row(k, classify(x, y), x.outcome(), y.outcome(), x.worstRatio(), y.worstRatio(), note(x, y)));
        }
        return ordered(rows);
    }

    private static List<Row> ordered(List<Row> rows) {
        return rows.stream().sorted(REPORT_ORDER).toList();
    }

    /**
     * The change of a pair present in both runs. A newly failing export wins over a regression (it
     * says more), then regression, fixed, changed severity, persisting, unchanged.
     */
    static Change classify(RunRecord x, RunRecord y) {
        boolean exportBad = isExportFailure(y.outcome()) && !isExportFailure(x.outcome());
        if (exportBad) {
            return Change.NEWLY_FAILING_EXPORT;
        }
        boolean okA = !x.outcome().isProblem();
        boolean okB = !y.outcome().isProblem();
        if (okA && !okB) {
            return Change.REGRESSION;
        }
        if (!okA && okB) {
            return Change.FIXED;
        }
        if (okA) {
            return Change.UNCHANGED;
        }
        Double ra = x.worstRatio();
        Double rb = y.worstRatio();
        if (ra != null && rb != null && ra > 0 && rb > 0
                && (rb / ra >= SEVERITY_FACTOR || ra / rb >= SEVERITY_FACTOR)) {
            return Change.CHANGED_SEVERITY;
        }
        return Change.PERSISTING;
    }

    private static boolean isExportFailure(Outcome o) {
        return o == Outcome.EXPORT_CRASH || o == Outcome.CHECKER_FAILURE;
    }

    private static String note(RunRecord x, RunRecord y) {
        if (x.outcome() != y.outcome()) {
            return x.outcome().label() + " -> " + y.outcome().label() + (y.message() != null && y.outcome().isProblem()
                    ? ": " + MarkdownSummary.cell(y.message()) : "");
        }
        return null;
    }

    private static Map<String, RunRecord> index(List<RunRecord> recs) {
        Map<String, RunRecord> m = new LinkedHashMap<>();
        recs.forEach(r -> m.put(r.key(), r));
        return m;
    }

    public static Map<Change, Integer> counts(List<Row> rows) {
        Map<Change, Integer> m = new EnumMap<>(Change.class);
        rows.forEach(r -> m.merge(r.change(), 1, Integer::sum));
        return m;
    }

    /**
     * Console table of every pair that is not unchanged, regressions first, then, in the same order,
     * what changed about each pair whose outcome changed, then the counts.
     */
    public static String renderText(List<Row> rows, String a, String b) {
        List<Row> ordered = ordered(rows);
        TextTable t = new TextTable("pair", "change", a, b, "ratio " + a, "ratio " + b);
        StringBuilder why = new StringBuilder();
        for (Row r : ordered) {
            if (r.change() == Change.UNCHANGED) {
                continue;
            }
            t.row(r.key(), r.change().label(), r.baseline() == null ? "-" : r.baseline().label(),
                    r.candidate() == null ? "-" : r.candidate().label(), Html.num(r.baselineRatio()), Html.num(r.candidateRatio()));
            if (r.note() != null) {
                why.append(r.key()).append(": ").append(RunTable.oneLine(r.note())).append('\n');
            }
        }
        StringBuilder sb = new StringBuilder(t.render());
        if (why.length() > 0) {
            sb.append('\n').append(why);
        }
        sb.append("\nchanges:");
        counts(rows).forEach((k, v) -> sb.append(' ').append(k.label()).append('=').append(v));
        return sb.append("  (").append(rows.size()).append(" pairs)\n").toString();
    }

    public static String renderMarkdown(List<Row> rows, String a, String b) {
        StringBuilder sb = new StringBuilder("## Parity compare: ").append(a).append(" -> ").append(b).append("\n\n");
        long reg = rows.stream().filter(r -> r.change().isRegression()).count();
        sb.append(reg == 0 ? "No regression.\n\n" : reg + " regression(s).\n\n");
        sb.append("| change | pairs |\n|---|---|\n");
        counts(rows).forEach((k, v) -> sb.append("| ").append(k.label()).append(" | ").append(v).append(" |\n"));
        sb.append("\n| pair | change | ").append(a).append(" | ").append(b).append(" | note |\n|---|---|---|---|---|\n");
        for (Row r : ordered(rows)) {
            if (r.change() == Change.UNCHANGED) {
                continue;
            }
            sb.append("| ").append(r.key()).append(" | ").append(r.change().label()).append(" | ")
                    .append(r.baseline() == null ? "-" : r.baseline().label() + " (" + Html.num(r.baselineRatio()) + ")")
                    .append(" | ").append(r.candidate() == null ? "-" : r.candidate().label() + " (" + Html.num(r.candidateRatio()) + ")")
                    .append(" | ").append(r.note() == null ? "" : MarkdownSummary.cell(r.note())).append(" |\n");
        }
        return sb.toString();
    }

    public static String renderHtml(List<Row> rows, String a, String b) {
        StringBuilder sb = Html.page("Parity compare - " + a + " vs " + b);
        sb.append("<main><h1>Parity compare <small>").append(Html.esc(a)).append(" &rarr; ").append(Html.esc(b))
                .append("</small></h1>\n<section id=\"summary\"><h2>Summary</h2><div class=\"tiles\">");
        counts(rows).forEach((k, v) -> sb.append("<div class=\"tile o-").append(k.label()).append("\"><b data-count=\"")
                .append(k.label()).append("\">").append(v).append("</b><span>").append(k.label()).append("</span></div>"));
        sb.append("</div></section>\n<section id=\"pairs\"><h2>Pairs</h2><div class=\"controls\"><input id=\"filter\" ")
                .append("type=\"search\" placeholder=\"filter\" aria-label=\"filter\"></div><table id=\"pairs-table\" class=\"sortable\">")
                .append("<thead><tr><th>pair</th><th>change</th><th>").append(Html.esc(a)).append("</th><th>")
                .append(Html.esc(b)).append("</th><th>ratio ").append(Html.esc(a)).append("</th><th>ratio ")
                .append(Html.esc(b)).append("</th><th>note</th></tr></thead><tbody>\n");
        for (Row r : ordered(rows)) {
            sb.append("<tr data-outcome=\"").append(r.change().label()).append("\"><td>").append(Html.esc(r.key()))
                    .append("</td><td><span class=\"badge o-").append(r.change().label()).append("\">")
                    .append(r.change().label()).append("</span></td><td>")
                    .append(r.baseline() == null ? "-" : HtmlReport.badge(r.baseline())).append("</td><td>")
                    .append(r.candidate() == null ? "-" : HtmlReport.badge(r.candidate())).append("</td><td class=\"n\">")
                    .append(Html.num(r.baselineRatio())).append("</td><td class=\"n\">").append(Html.num(r.candidateRatio()))
                    .append("</td><td>").append(Html.esc(r.note())).append("</td></tr>\n");
        }
        sb.append("</tbody></table></section></main>\n<script>").append(Html.SCRIPT).append("</script></body></html>\n");
        return sb.toString();
    }
}
