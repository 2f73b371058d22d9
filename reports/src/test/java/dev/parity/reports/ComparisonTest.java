package dev.parity.reports;

import static dev.parity.reports.Records.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.reports.Comparison.Change;
import dev.parity.result.Outcome;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static Map<String, Change> classify(List<dev.parity.result.RunRecord> a, List<dev.parity.result.RunRecord> b) {
        return Comparison.compare(a, b).stream().collect(Collectors.toMap(Comparison.Row::key, Comparison.Row::change));
    }

    @Test
    void everyChangeClass() {
        Map<String, Change> c = classify(List.of(
                rec("a", "o", Outcome.FAITHFUL, 1.0),
                rec("b", "o", Outcome.NUMERIC_DISCREPANCY, 1e6),
                rec("c", "o", Outcome.NUMERIC_DISCREPANCY, 1e6),
                rec("d", "o", Outcome.NUMERIC_DISCREPANCY, 1e6),
                rec("e", "o", Outcome.FAITHFUL, 1.0),
                rec("f", "o", Outcome.FAITHFUL, 1.0),
                rec("g", "o", Outcome.FAITHFUL, 1.0)), List.of(
                rec("a", "o", Outcome.NUMERIC_DISCREPANCY, 1e6),
                rec("b", "o", Outcome.FAITHFUL, 1.0),
                rec("c", "o", Outcome.NUMERIC_DISCREPANCY, 2e6),
                rec("d", "o", Outcome.NUMERIC_DISCREPANCY, 2e7),
                rec("e", "o", Outcome.EXPORT_CRASH, null),
                rec("f", "o", Outcome.FAITHFUL, 3.0),
                rec("h", "o", Outcome.FAITHFUL, 1.0)));
        assertEquals(Change.REGRESSION, c.get("a/o"));
        assertEquals(Change.FIXED, c.get("b/o"));
        assertEquals(Change.PERSISTING, c.get("c/o"), "2x is not a severity change");
        assertEquals(Change.CHANGED_SEVERITY, c.get("d/o"), "20x is");
        assertEquals(Change.NEWLY_FAILING_EXPORT, c.get("e/o"));
        assertEquals(Change.UNCHANGED, c.get("f/o"));
        assertEquals(Change.MISSING, c.get("g/o"));
        assertEquals(Change.MISSING, c.get("h/o"));
    }

    @Test
    void onlyRegressionsAndNewExportFailuresFailTheCompare() {
        assertTrue(Change.REGRESSION.isRegression());
        assertTrue(Change.NEWLY_FAILING_EXPORT.isRegression());
        assertFalse(Change.PERSISTING.isRegression());
        assertFalse(Change.FIXED.isRegression());
    }

    @Test
    void renderingsListChangesAndCounts() {
        List<Comparison.Row> rows = Comparison.compare(List.of(rec("a", "o", Outcome.FAITHFUL, 1.0)),
                List.of(rec("a", "o", Outcome.NUMERIC_DISCREPANCY, 1e6)));
        assertTrue(Comparison.renderText(rows, "A", "B").contains("changes: regression=1"));
        String md = Comparison.renderMarkdown(rows, "A", "B");
        assertTrue(md.contains("1 regression(s)") && md.contains("\\|"), md);
        String html = Comparison.renderHtml(rows, "A", "B");
        assertTrue(html.contains("data-count=\"regression\">1<") && html.contains("&lt;html&gt;"), "escaped");
    }

    /**
     * 28 pairs as the two generations of the corpus differ, the one regression 24th in run order:
     * every rendering lists it first, then the newly failing export, fixed, changed-severity,
     * persisting and missing pairs, unchanged pairs last.
     */
    @Test
    void renderingsListRegressionsFirstAndUnchangedLast() {
        List<dev.parity.result.RunRecord> a = new java.util.ArrayList<>();
        List<dev.parity.result.RunRecord> b = new java.util.ArrayList<>();
        for (int i = 0; i < 28; i++) {
            String m = String.format("m%02d", i);
            if (i == 23) {
                a.add(rec(m, "o", Outcome.FAITHFUL, 1.0));
                b.add(rec(m, "o", Outcome.NUMERIC_DISCREPANCY, 1e6));
            } else if (i == 20) {
                a.add(rec(m, "o", Outcome.FAITHFUL, 1.0));
                b.add(rec(m, "o", Outcome.EXPORT_CRASH, null));
            } else if (i < 5) {
                a.add(rec(m, "o", Outcome.NUMERIC_DISCREPANCY, 1e6));
                b.add(rec(m, "o", Outcome.NUMERIC_DISCREPANCY, 1e6));
            } else if (i == 10) {
                a.add(rec(m, "o", Outcome.NUMERIC_DISCREPANCY, 1e6));
                b.add(rec(m, "o", Outcome.FAITHFUL, 1.0));
            } else if (i == 11) {
                a.add(rec(m, "o", Outcome.NUMERIC_DISCREPANCY, 1e6));
                b.add(rec(m, "o", Outcome.NUMERIC_DISCREPANCY, 1e8));
            } else if (i == 12) {
                a.add(rec(m, "o", Outcome.FAITHFUL, 1.0)); // only in the baseline
            } else {
                a.add(rec(m, "o", Outcome.FAITHFUL, 1.0));
                b.add(rec(m, "o", Outcome.FAITHFUL, 1.0));
            }
        }
        List<Comparison.Row> rows = Comparison.compare(a, b);
        assertEquals(List.of("m23/o", "m20/o", "m10/o", "m11/o", "m00/o", "m01/o", "m02/o", "m03/o", "m04/o", "m12/o"),
                rows.subList(0, 10).stream().map(Comparison.Row::key).toList(), "compare() returns them in report order");
        assertEquals(Change.UNCHANGED, rows.get(10).change());
        // the renderings hold to it even for rows in another order
        List<Comparison.Row> shuffled = new java.util.ArrayList<>(rows);
        java.util.Collections.reverse(shuffled);
        String text = Comparison.renderText(shuffled, "A", "B");
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(1).startsWith("m23/o  regression"), text);
        assertTrue(lines.get(2).startsWith("m20/o  newly-failing-export"), text);
        assertTrue(lines.get(3).startsWith("m10/o  fixed"), text);
        assertTrue(lines.get(4).startsWith("m11/o  changed-severity"), text);
        assertTrue(lines.get(5).startsWith("m04/o  persisting"), text);
        assertTrue(lines.get(10).startsWith("m12/o  missing"), text);
        assertTrue(text.contains("\nm23/o: faithful -> numeric-discrepancy: message with <html> & \\| pipes\n"),
                "what changed about the regression: " + text);
        assertTrue(text.contains("changes: regression=1 newly-failing-export=1 fixed=1 changed-severity=1 persisting=5 "
                + "missing=1 unchanged=18"), text);
        String md = Comparison.renderMarkdown(shuffled, "A", "B");
        int first = md.indexOf("| m23/o | regression |");
        assertTrue(first > 0 && first < md.indexOf("| m20/o | newly-failing-export |")
                && md.indexOf("| m20/o |") < md.indexOf("| m10/o | fixed |")
                && md.indexOf("| m04/o | persisting |") < md.indexOf("| m12/o | missing |"), md);
        assertTrue(md.indexOf("| regression | 1 |") < md.indexOf("| unchanged | 18 |"), "counts in the same order");
        String html = Comparison.renderHtml(shuffled, "A", "B");
        java.util.regex.Matcher tr = java.util.regex.Pattern.compile("<tr data-outcome=\"([a-z-]+)\"><td>([^<]+)</td>")
                .matcher(html);
        List<String> order = new java.util.ArrayList<>();
        while (tr.find()) {
            order.add(tr.group(2) + " " + tr.group(1));
        }
        assertEquals(28, order.size());
        assertEquals(List.of("m23/o regression", "m20/o newly-failing-export", "m10/o fixed", "m11/o changed-severity"),
                order.subList(0, 4), html);
        assertTrue(order.subList(10, 28).stream().allMatch(o -> o.endsWith(" unchanged")), order.toString());
    }
}
