package dev.parity.reports;

import static dev.parity.reports.Records.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.result.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportsTest {
    private static List<dev.parity.result.RunRecord> sample() {
        return List.of(rec("mlp", "opset13", Outcome.FAITHFUL, 1.2), rec("avg", "opset13", Outcome.NUMERIC_DISCREPANCY, 3e6),
                rec("crash", "opset11", Outcome.EXPORT_CRASH, null));
    }

    @Test
    void junitHasOneCasePerPairFailuresForDiscrepanciesErrorsForFailures(@TempDir Path dir) throws Exception {
        RunData d = RunData.load(Records.folder(dir, "torch-x", sample()));
        String xml = JUnitReport.render(d);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Element suite = doc.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("3", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals(3, doc.getElementsByTagName("testcase").getLength());
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").startsWith("numeric-discrepancy, worst ratio 3.00e+06"),
                failure.getAttribute("message"));
        assertTrue(xml.contains("&lt;html&gt;"), "messages are escaped");
    }

    @Test
    void markdownSummaryCountsAndListsProblems(@TempDir Path dir) throws Exception {
        String md = MarkdownSummary.render(RunData.load(Records.folder(dir, "torch-x", sample())));
        assertTrue(md.startsWith("## Parity run: torch-x"), md);
        assertTrue(md.contains("2 of 3 pairs not faithful; 2 not as expected"), md);
        assertTrue(md.contains("| avg/opset13 | numeric-discrepancy | no expectation | 3.00e+06 |"), md);
        assertTrue(md.contains("\\|"), "pipes in messages are escaped for tables");
    }

    @Test
    void htmlIsSelfContainedAndShowsCounts(@TempDir Path dir) throws Exception {
        String html = HtmlReport.render(RunData.load(Records.folder(dir, "torch-x", sample())),
                List.of(new HtmlReport.TrendPoint("#1", 2, 1), new HtmlReport.TrendPoint("#2", 1, 2)));
        assertTrue(html.contains("default-src 'none'"), "CSP forbids network loads");
        assertTrue(html.contains("data-count=\"faithful\">1<") && html.contains("data-count=\"export-crash\">1<"));
        assertTrue(html.contains("id=\"trend\"") && html.contains("<svg"), "trend chart from the history");
        assertTrue(!html.matches("(?s).*(src|href)=\"https?:.*"), "no external resources");
    }

    @Test
    void aTornLastLineIsDroppedButDamageElsewhereIsAnError(@TempDir Path dir) throws Exception {
        Path f = Records.folder(dir.resolve("a"), "g", sample());
        Files.writeString(f.resolve(RunData.RESULTS), Files.readString(f.resolve(RunData.RESULTS)) + "{\"key\":\"tor");
        RunData d = RunData.load(f);
        assertEquals(3, d.records().size());
        assertEquals(1, d.tornLines());
        Path g = Records.folder(dir.resolve("b"), "g", sample());
        String body = Files.readString(g.resolve(RunData.RESULTS));
        Files.writeString(g.resolve(RunData.RESULTS), "garbage\n" + body);
        IOException e = assertThrows(IOException.class, () -> RunData.load(g));
        assertTrue(e.getMessage().contains("line 1 is damaged"), e.getMessage());
    }

    @Test
    void reportWriterWritesAllThreeFiles(@TempDir Path dir) throws Exception {
        Path f = Records.folder(dir, "g", sample());
        ReportWriter.write(f, List.of());
        for (String n : List.of(ReportWriter.HTML, ReportWriter.MARKDOWN, ReportWriter.JUNIT)) {
            assertTrue(Files.size(f.resolve(n)) > 100, n);
        }
    }
}
