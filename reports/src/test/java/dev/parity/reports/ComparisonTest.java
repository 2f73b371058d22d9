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
}
