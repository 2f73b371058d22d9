package dev.parity.reports;

import static dev.parity.reports.Records.discrepant;
import static dev.parity.reports.Records.expecting;
import static dev.parity.reports.Records.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.oracles.ErrorBins;
import dev.parity.result.ExportRecord;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** A faithful record whose check timed both engines: medians 1.0 and 1.5 ms with the given spreads. */
    private static RunRecord timedPair(String config, double torchMin, double torchMax, double onnxMin, double onnxMax) {
        dev.parity.result.Latency l = new dev.parity.result.Latency(5, 1.0, torchMin, torchMax, 1.5, onnxMin, onnxMax, 1.5);
        dev.parity.result.CheckResult c = new dev.parity.result.CheckResult(dev.parity.oracles.Verdict.FAITHFUL, "attribution",
                null, null, java.util.Map.of(), 0, null, List.of(), null, null, l, null, List.of());
        return new RunRecord("m/" + config, "m", config, "g", "f", "t", Outcome.FAITHFUL, "faithful", "attribution", null,
                null, null, null, 1.0, 1.5, null, null, 0.1, null, c, "cpu");
    }

    @Test
    void latencyCarriesItsSpreadAndOverlappingSpreadsAreNoDifference(@TempDir Path dir) throws Exception {
        RunRecord overlapping = timedPair("overlap", 0.9, 1.6, 1.4, 2.0);
        RunRecord apart = timedPair("apart", 0.9, 1.1, 1.4, 2.0);
        assertEquals("1.00 (0.90..1.60)", RunTable.latency(overlapping, true));
        assertEquals("1.50 (1.40..2.00)", RunTable.latency(overlapping, false));
        assertEquals("1.50x, spreads overlap", RunTable.latencyRatio(overlapping));
        assertEquals("1.50x", RunTable.latencyRatio(apart));
        RunRecord old = Records.rec("m", "old", Outcome.FAITHFUL, null); // medians only (no check kept)
        assertEquals("1.00", RunTable.latency(old, true));
        assertEquals("0.50x", RunTable.latencyRatio(old));
        String html = HtmlReport.render(RunData.load(Records.folder(dir, "g", List.of(overlapping, apart))), List.of());
        assertTrue(html.contains(">1.00 (0.90..1.60)<") && html.contains(">1.50x, spreads overlap<"), "HTML cells");
        String console = RunTable.render(List.of(overlapping, apart));
        assertTrue(console.contains("1.00 (0.90..1.60)"), console);
        for (RunRecord r : List.of(overlapping, apart)) {
            assertEquals(Outcome.FAITHFUL, r.outcome());
            assertTrue(!RunTable.reason(r).contains("latency") && !RunTable.latencyRatio(r).contains("discrepan"),
                    "latency is never part of a verdict or called a discrepancy");
        }
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

    private static final String WORST = "output y, case 0 (normal): at [0, 0, 5, 3] torch 0.505, onnx 0.337";

    /** In run order: a faithful pair, two expected problems, then the one pair that fails the gate. */
    private static List<RunRecord> judged() {
        return List.of(
                expecting(rec("mlp", "opset13", Outcome.FAITHFUL, 1.2), Outcome.FAITHFUL, null),
                expecting(discrepant("avg", "opset13", "4 of 4 cases discrepant"), Outcome.NUMERIC_DISCREPANCY,
                        "border divisor cause"),
                expecting(rec("crash", "opset11", Outcome.EXPORT_CRASH, null), Outcome.EXPORT_CRASH, "no symbolic"),
                expecting(discrepant("newbad", "opset13", "1 of 4 cases discrepant"), Outcome.FAITHFUL, null));
    }

    @Test
    void everyExplainedPairCarriesReasonCauseAndWorstElementInEveryReport(@TempDir Path dir) throws Exception {
        RunData d = RunData.load(Records.folder(dir, "torch-x", judged()));
        String console = RunTable.render(d.records());
        assertTrue(console.contains("avg/opset13: numeric-discrepancy (as expected)\n  reason: 4 of 4 cases discrepant\n"
                + "  cause:  border divisor cause\n  worst:  " + WORST + "\n"), console);
        assertTrue(console.contains("newbad/opset13: numeric-discrepancy (UNEXPECTED (expected faithful))\n"
                + "  reason: 1 of 4 cases discrepant\n  cause:  unknown: this pair was expected to be faithful\n"
                + "  worst:  " + WORST + "\n"), console);
        assertTrue(console.contains("crash/opset11: export-crash (as expected)\n  reason: message with <html> & | pipes\n"
                + "  cause:  no symbolic\n  worst:  none: no ONNX model was run\n"), console);
        assertFalse(console.contains("mlp/opset13: faithful"), "faithful pairs need no explaining");

        String md = MarkdownSummary.render(d);
        assertTrue(md.contains("| avg/opset13 | numeric-discrepancy | as expected | 3.17e+06 | - | 4 of 4 cases discrepant"
                + " | border divisor cause | " + WORST + " |"), md);
        assertTrue(md.contains("| crash/opset11 | export-crash | as expected | - | - | message with <html> & \\| pipes"
                + " | no symbolic | none: no ONNX model was run |"), md);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(
                new java.io.ByteArrayInputStream(JUnitReport.render(d).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Element skipped = (Element) doc.getElementsByTagName("skipped").item(0);
        assertEquals("expected numeric-discrepancy: border divisor cause | reason: 4 of 4 cases discrepant | worst element: "
                + WORST, skipped.getAttribute("message"));
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").endsWith(": 1 of 4 cases discrepant | cause: unknown: this pair was "
                + "expected to be faithful | worst element: " + WORST), failure.getAttribute("message"));

        String html = HtmlReport.render(d, List.of());
        assertTrue(html.contains("<dd class=\"msg\">4 of 4 cases discrepant</dd><dt>cause</dt><dd class=\"cause\">"
                + "border divisor cause</dd><dt>worst element</dt><dd class=\"worst\">" + WORST + "</dd>"), "finding of avg");
        assertTrue(html.contains("<dd class=\"cause\">unknown: this pair was expected to be faithful</dd>"));
        assertTrue(html.contains("<td class=\"why\" title=\"4 of 4 cases discrepant\">"), "the table row says why too");
    }

    @Test
    void whatFailsTheGateComesFirstInEveryReport(@TempDir Path dir) throws Exception {
        RunData d = RunData.load(Records.folder(dir, "torch-x", judged()));
        String console = RunTable.render(d.records());
        assertTrue(console.lines().skip(1).findFirst().orElseThrow().startsWith("newbad "), console);
        String md = MarkdownSummary.render(d);
        assertTrue(md.indexOf("| newbad/opset13 |") < md.indexOf("| avg/opset13 |"), md);
        String xml = JUnitReport.render(d);
        assertTrue(xml.indexOf("parity.torch-x.newbad") < xml.indexOf("parity.torch-x.avg"), xml);
        String html = HtmlReport.render(d, List.of());
        Matcher findings = Pattern.compile("<article class=\"finding( fails)?\" id=\"finding-\\d+\" data-configs=\"\\d+\">"
                + "<h3>([^ <]+)").matcher(html);
        List<String> order = new ArrayList<>();
        while (findings.find()) {
            order.add(findings.group(2) + (findings.group(1) != null ? "!" : ""));
        }
        assertEquals(List.of("newbad!", "avg", "crash"), order, "findings: unexpected first, each marked");
        Matcher rows = Pattern.compile("<tr data-outcome=\"[^\"]+\"( class=\"fails\")?><td>(?:<a [^>]+>)?([^<]+)").matcher(html);
        List<String> rowOrder = new ArrayList<>();
        while (rows.find()) {
            rowOrder.add(rows.group(2) + (rows.group(1) != null ? "!" : ""));
        }
        assertEquals(List.of("newbad!", "avg", "crash", "mlp"), rowOrder, "table: what fails the gate first");
    }

    @Test
    void htmlGroupsOneModelsIdenticalFindingsAcrossConfigurations(@TempDir Path dir) throws Exception {
        List<RunRecord> recs = new ArrayList<>();
        for (String c : List.of("opset11", "opset13", "opset17", "opset13-nofold")) {
            recs.add(discrepant("avg", c, "4 of 4 cases discrepant; worst: output y"));
        }
        recs.add(discrepant("avg", "opset9", "1 of 4 cases discrepant; worst: output y"));
        for (int opset : new int[] {13, 17}) {
            recs.add(rec("tenc", "opset" + opset, Outcome.EXPORT_CRASH, null).withOutcome(Outcome.EXPORT_CRASH,
                    "Exporting the operator 'aten::logical_not' to ONNX opset version " + opset + " is not supported"));
        }
        String html = HtmlReport.render(RunData.load(Records.folder(dir, "torch-x", recs)), List.of());
        assertEquals(3, count(html, "<article class=\"finding"), "4 identical avg pairs, 1 other avg, 2 tenc alike");
        assertTrue(html.contains("data-configs=\"4\"><h3>avg"), "one group for the four identical configurations");
        assertTrue(html.contains("data-configs=\"2\"><h3>tenc"), "opset version 13 and 17 read alike");
        assertEquals(1, count(html, "<summary>Evidence of opset11: statistics, charts</summary>"),
                "the group's evidence once");
        assertEquals(1, count(html, "<summary>Evidence of opset13, opset17, opset13-nofold</summary>"),
                "the others' on demand");
        for (RunRecord r : recs) {
            assertEquals(1, count(html, "id=\"" + HtmlReport.anchor(r) + "\""), "the table's link target of " + r.key());
        }
        // evidence is on demand: every chart lies inside a <details>
        int at = 0;
        int charts = 0;
        while ((at = html.indexOf("<svg", at + 1)) > 0) {
            String before = html.substring(0, at);
            assertTrue(count(before, "<details") > count(before, "</details>"), "chart at " + at + " is inside <details>");
            charts++;
        }
        assertEquals(10, charts, "histogram and scatter of each of the five avg pairs");
    }

    @Test
    void aReasonIsComparedWithoutItsConfigurationsNameAndOpset() {
        RunRecord r = rec("m", "opset13", Outcome.EXPORT_CRASH, null);
        assertEquals("opset version {opset}; input of size 13; {config} and opset {opset}",
                FindingGroup.withoutConfig("opset version 13; input of size 13; opset13 and opset 13", r));
        RunRecord e = new RunRecord("m/fancy", "m", "fancy", "g", "f", "t", Outcome.EXPORT_CRASH, "failed", null, null,
                null, null, null, null, null, null, null, 0, new ExportRecord("failed", null, "torch.onnx", "1.13.1", "1.12",
                        17, true, Map.of(), 0, List.of(), null, null, null), null, "cpu");
        assertEquals("to ONNX opset version {opset} is not supported; opset 170",
                FindingGroup.withoutConfig("to ONNX opset version 17 is not supported; opset 170", e),
                "the export's opset where the configuration names none; 170 is another number");
    }

    @Test
    void theModelsNoteIsShownAndSurvivesResultsJsonl(@TempDir Path dir) throws Exception {
        RunRecord r = discrepant("avgpool_ceil", "opset13", "4 of 4").withNote("AvgPool2d(ceil_mode=True): border divisor differs");
        Path f = Records.folder(dir.resolve("a"), "torch-x", List.of(r, rec("mlp", "opset13", Outcome.FAITHFUL, 1.0)));
        RunData d = RunData.load(f);
        assertEquals("AvgPool2d(ceil_mode=True): border divisor differs", d.records().get(0).note());
        assertEquals("AvgPool2d(ceil_mode=True): border divisor differs",
                expecting(d.records().get(0), Outcome.NUMERIC_DISCREPANCY, "c").note(), "judging keeps the note");
        assertTrue(HtmlReport.render(d, List.of()).contains(
                "<dt>model</dt><dd class=\"note\">AvgPool2d(ceil_mode=True): border divisor differs</dd>"));
        // a results.jsonl written before the field existed
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Files.writeString(old.resolve(RunData.RESULTS), Files.readString(f.resolve(RunData.RESULTS))
                .replace(",\"note\":null", "").replace(",\"note\":\"AvgPool2d(ceil_mode=True): border divisor differs\"", ""));
        assertFalse(Files.readString(old.resolve(RunData.RESULTS)).contains("\"note\""));
        RunData o = RunData.load(old);
        assertNull(o.records().get(0).note());
        assertFalse(HtmlReport.render(o, List.of()).contains("class=\"note\""));
    }

    @Test
    void chartTextIsRealTextOfReadableSize() {
        List<String> svgs = List.of(
                Charts.errorHistogram(new ErrorBins(-28, List.of(3L, 10L, 22L, 30L, 10L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L,
                        0L, 0L, 1L, 0L, 7L, 6L, 17L, 9L, 3L), 25), 460, 280),
                Charts.scatter(List.of(new double[] {-0.6, -0.6}, new double[] {0.505, 0.337}), 460, 280),
                Charts.trend(List.of("#1 11-26", "#2 11-27"), List.of(100, 101), List.of(28, 27), 900, 300));
        for (String svg : svgs) {
            Matcher size = Pattern.compile("font-size: ?([0-9.]+)px").matcher(svg);
            int texts = 0;
            while (size.find()) {
                assertTrue(Double.parseDouble(size.group(1)) >= 11, "font-size " + size.group(1) + "px");
                texts++;
            }
            assertEquals(count(svg, "<text"), texts, "every text has its size");
            assertTrue(texts >= 4, svg.substring(0, 200));
        }
        String hist = svgs.get(0);
        assertTrue(Pattern.compile(">2\\^-2\\d</text>").matcher(hist).find(), "tick labels are text: 2^-2x");
        assertTrue(hist.contains(">elements</text>"), "the turned axis label is text, not glyph outlines");
        assertTrue(hist.contains(">= 0</text>"), "exactly equal elements are labelled");
        assertTrue(hist.startsWith("<svg") && hist.contains("width='460' height='280'"), "shown at its own size");
        assertTrue(svgs.get(2).contains(">faithful</text>"), "legend is text");
    }

    @Test
    void theTrendSaysWhichGenerationAndSelection(@TempDir Path dir) throws Exception {
        RunData d = RunData.load(Records.folder(dir, "torch-x", sample()));
        String html = HtmlReport.render(d, new HtmlReport.Trend("torch-x", "models mlp, configurations *, placements cpu",
                List.of(new HtmlReport.TrendPoint("#1", 2, 1), new HtmlReport.TrendPoint("#2", 1, 2))));
        assertTrue(html.contains("<h2>Trend of the last 2 runs of torch-x</h2>"), "title names the generation");
        assertTrue(html.contains("Only runs of this generation and of this selection: models mlp, configurations *, "
                + "placements cpu."), "and the selection");
        assertFalse(HtmlReport.render(d, HtmlReport.Trend.none()).contains("id=\"trend\""));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
