package dev.parity.cli;

import dev.parity.oracles.Verdict;
import dev.parity.reports.ConsoleReport;
import dev.parity.result.CheckResult;

/**
 * The console text of {@code parity check}: {@link ConsoleReport}'s rendering, plus what it does not
 * render (yet): the result's warnings, an accuracy that could not be judged, and the verdict line of
 * a nondeterministic reference or of a check discrepant without a discrepant output. Pure.
 */
final class CheckText {
    private CheckText() {}

    static String render(CheckResult r) {
        boolean unjudged = r.accuracy() != null && r.accuracy().unjudged() != null;
        // An unjudged accuracy has NaN statistics: ConsoleReport would print them as numbers.
        CheckResult shown = unjudged ? new CheckResult(r.verdict(), r.mode(), r.torch(), r.onnx(), r.engines(), r.seed(),
                r.message(), r.cases(), null, r.attribution(), r.latency(), r.localization(), r.warnings()) : r;
        String text = ConsoleReport.render(shown);
        String last = ConsoleReport.verdictLine(shown) + "\n";
        StringBuilder sb = new StringBuilder(text.endsWith(last) ? text.substring(0, text.length() - last.length()) : text);
        if (unjudged && (r.message() == null || !r.message().contains(r.accuracy().unjudged()))) {
            sb.append("accuracy could not be judged: ").append(r.accuracy().unjudged()).append("\n\n");
        }
        for (String w : r.warnings()) {
            sb.append("warning: ").append(w).append('\n');
        }
        if (!r.warnings().isEmpty()) {
            sb.append('\n');
        }
        return sb.append(verdictLine(r, shown)).append('\n').toString();
    }

    private static String verdictLine(CheckResult r, CheckResult shown) {
        if (r.verdict() == Verdict.NONDETERMINISTIC_REFERENCE) {
            return "verdict: NONDETERMINISTIC-REFERENCE - " + r.message();
        }
        boolean discrepantOutput = r.cases().stream().flatMap(c -> c.outputs().stream())
                .anyMatch(f -> f.verdict() == Verdict.DISCREPANT);
        if (r.verdict() == Verdict.DISCREPANT && !discrepantOutput && r.message() != null) {
            return "verdict: DISCREPANT - " + r.message();
        }
        return ConsoleReport.verdictLine(shown);
    }
}
