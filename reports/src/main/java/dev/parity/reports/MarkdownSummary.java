package dev.parity.reports;

import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code summary.md}: counts and the problem pairs (what fails the gate first), each with its reason,
 * cause and worst element, for CI job summaries and pull-request comments.
 */
public final class MarkdownSummary {
    private MarkdownSummary() {}

    public static String render(RunData data) {
        List<RunRecord> recs = data.records();
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        recs.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        long problems = recs.stream().filter(r -> r.outcome().isProblem()).count();
        long failing = recs.stream().filter(RunRecord::failsGate).count();
        StringBuilder sb = new StringBuilder();
        sb.append("## Parity run: ").append(data.generation()).append("\n\n");
        sb.append("**").append(RunTable.gate(recs)).append("**\n\n");
        sb.append(problems == 0 ? "All " + recs.size() + " pairs faithful.\n\n"
                : problems + " of " + recs.size() + " pairs not faithful; " + failing + " not as expected.\n\n");
        sb.append("| outcome | pairs |\n|---|---|\n");
        counts.forEach((k, v) -> sb.append("| ").append(k.label()).append(" | ").append(v).append(" |\n"));
        if (problems > 0 || failing > 0) {
            sb.append("\n| pair | outcome | expectation | worst ratio | accuracy delta | reason | cause | worst element |\n"
                    + "|---|---|---|---|---|---|---|---|\n");
            for (RunRecord r : recs.stream().sorted(RunRecord.REPORT_ORDER).filter(FindingGroup::explained).toList()) {
                sb.append("| ").append(cell(r.key())).append(" | ").append(r.outcome().label()).append(" | ")
                        .append(cell(RunTable.expectation(r))).append(" | ")
                        .append(Html.num(r.worstRatio())).append(" | ")
                        .append(r.accuracyDelta() == null ? "-" : String.format(Locale.ROOT, "%+.4f", r.accuracyDelta()))
                        .append(" | ").append(cell(RunTable.reason(r))).append(" | ").append(cell(RunTable.cause(r)))
                        .append(" | ").append(cell(RunTable.worstElement(r))).append(" |\n");
            }
        }
        Object engines = data.run().get("engines");
        if (engines != null) {
            sb.append("\nEngines: ").append(engines).append('\n');
        }
        return sb.toString();
    }

    static String cell(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replace("|", "\\|").replace("\n", " ");
        return t.length() > 300 ? t.substring(0, 297) + "..." : t;
    }
}
