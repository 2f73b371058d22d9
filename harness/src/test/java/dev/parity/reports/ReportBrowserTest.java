package dev.parity.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.check.Corpus;
import dev.parity.corpus.CorpusRun;
import dev.parity.corpus.RunListener;
import dev.parity.corpus.RunRequest;
import dev.parity.result.Expectation;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the real report of the shipped corpus in headless Chromium (Debian's {@code chromium}, which
 * .ci/run installs): it measures the page's height, clicks and types into its table, measures its
 * chart text, and checks it makes no network request and logs no console error. A screenshot is kept
 * in {@code harness/target/browser/}. Skipped where no Chromium is installed.
 */
class ReportBrowserTest {
    /** The width the report's height limit is stated at. */
    static final int WIDTH = 1400;
    /** The most the shipped corpus's report may measure at {@link #WIDTH} with every {@code <details>} closed. */
    static final int MAX_HEIGHT = 6000;

    private static Path chromium;

    @BeforeAll
    static void findChromium() {
        for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (Files.isExecutable(Path.of(c))) {
                chromium = Path.of(c);
                return;
            }
        }
    }

    record Page(String dom, List<String> problems) {}

    /** Loads {@code html} headless; returns the DOM after scripts ran and the console/network problems logged. */
    static Page load(Path html, Path screenshot, Path profile) throws Exception {
        return load(html, screenshot, profile, 2000);
    }

    /**
     * As {@link #load(Path, Path, Path)} in a window {@value #WIDTH} px wide and {@code height} px
     * tall (the DOM dump too, so the layout, and the height a script measures, are those of that width).
     */
    static Page load(Path html, Path screenshot, Path profile, int height) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + profile, "--virtual-time-budget=3000",
                "--log-net-log=" + profile.resolve("netlog.json")));
        cmd.add("--window-size=" + WIDTH + "," + height);
        if (screenshot != null) {
            cmd.addAll(List.of("--hide-scrollbars", "--screenshot=" + screenshot));
        } else {
            cmd.add("--dump-dom");
        }
        cmd.add(html.toUri().toString());
        Files.createDirectories(profile);
        Path out = Files.createTempFile(profile, "out", ".txt");
        Path err = Files.createTempFile(profile, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        List<String> problems = new ArrayList<>();
        for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
            if (line.contains("CONSOLE") || line.contains("Refused to") || line.contains("net::ERR_")) {
                problems.add(line);
            }
        }
        problems.addAll(pageRequests(profile.resolve("netlog.json")));
        return new Page(Files.readString(out, StandardCharsets.UTF_8), problems);
    }

    /**
     * URL requests the page made, from Chromium's NetLog. Chromium's own background requests
     * (update checks and the like, unresolvable here) carry the initiator "not an origin"; a
     * page's carry its origin ("null" for a file).
     */
    static List<String> pageRequests(Path netlog) throws Exception {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(netlog)) {
            return out;
        }
        JsonNode events = ResultJson.mapper().readTree(netlog.toFile()).path("events");
        for (JsonNode e : events) {
            JsonNode p = e.path("params");
            String url = p.path("url").asText("");
            String initiator = p.path("initiator").asText(null);
            if (!url.isEmpty() && !url.startsWith("file:") && !url.startsWith("data:") && initiator != null
                    && !"not an origin".equals(initiator)) {
                out.add("request " + url + " (initiator " + initiator + ")");
            }
        }
        return out;
    }

    @Test
    void theDetectorSeesConsoleErrorsAndNetworkRequests(@TempDir Path dir) throws Exception {
        assumeTrue(chromium != null, "chromium is not installed");
        Path bad = dir.resolve("bad.html");
        Files.writeString(bad, "<!doctype html><html><body><img src=\"http://example.invalid/x.png\">"
                + "<script>console.error('boom')</script></body></html>");
        Page p = load(bad, null, dir.resolve("profile"));
        assertTrue(p.problems().stream().anyMatch(l -> l.contains("boom")), "console error seen: " + p.problems());
        assertTrue(p.problems().stream().anyMatch(l -> l.startsWith("request http://example.invalid/x.png")),
                "network request seen: " + p.problems());
    }

    /**
     * Runs in the page after its own scripts, as a person would use it, and writes what it saw
     * as JSON into {@code <pre id="probe">}: the page height with every {@code <details>} closed,
     * the table's rows after clicks on "worst ratio", after typing a filter and picking an outcome,
     * then, every {@code <details>} open, the smallest chart text as shown on screen.
     */
    static final String PROBE = String.join("\n",
            "<script>(function(){var out={};",
            "out.height=document.documentElement.scrollHeight;out.width=window.innerWidth;",
            "function rows(){return Array.prototype.map.call(document.querySelectorAll('#pairs-table tbody tr'),",
            " function(r){return r.cells[0].textContent+'/'+r.cells[1].textContent+(r.style.display==='none'?' hidden':'')})}",
            "function shown(){return rows().filter(function(r){return r.indexOf(' hidden')<0})}",
            "out.initial=rows();",
            "var th=Array.prototype.filter.call(document.querySelectorAll('#pairs-table th'),",
            " function(h){return h.textContent==='worst ratio'})[0];",
            "th.click();out.asc=rows();th.click();out.desc=rows();",
            "var f=document.getElementById('filter'),o=document.getElementById('outcome-filter');",
            "f.value='avgpool';f.dispatchEvent(new Event('input'));out.typed=shown();",
            "out.shownText=document.getElementById('shown').textContent;",
            "o.value='export-crash';o.dispatchEvent(new Event('change'));out.typedAndPicked=shown();",
            "f.value='';f.dispatchEvent(new Event('input'));out.picked=shown();",
            "o.value='';o.dispatchEvent(new Event('change'));out.all=shown().length;",
            "out.findings=Array.prototype.map.call(document.querySelectorAll('article.finding'),function(a){",
            " return a.querySelector('h3').textContent+' | '+(a.querySelector('dd.note')||{}).textContent});",
            "var known=document.querySelector('details.known');out.knownClosed=!!known&&!known.open;",
            "location.hash='pair-avgpool_ceil__opset11';reveal();out.knownOpenedByLink=!!known&&known.open;",
            "document.querySelectorAll('details').forEach(function(d){d.open=true});",
            "var min=1e9,n=0;document.querySelectorAll('svg text').forEach(function(t){",
            " var svg=t.ownerSVGElement,scale=svg.getBoundingClientRect().width/svg.width.baseVal.value;",
            " var px=parseFloat(getComputedStyle(t).fontSize)*scale;if(px<min){min=px}n++});",
            "out.minChartFontPx=min;out.chartTexts=n;out.charts=document.querySelectorAll('svg').length;",
            "out.openHeight=document.documentElement.scrollHeight;",
            "var pre=document.createElement('pre');pre.id='probe';pre.textContent=JSON.stringify(out);",
            "document.body.appendChild(pre);})();</script>");

    /** Loads a copy of {@code html} with {@link #PROBE} appended; returns what the probe saw. */
    static JsonNode probe(Path html, Path dir) throws Exception {
        Path copy = dir.resolve("probed.html");
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.endsWith("</body></html>\n"), "the page ends as the probe expects");
        Files.writeString(copy, page.replace("</body></html>\n", PROBE + "</body></html>\n"), StandardCharsets.UTF_8);
        Page p = load(copy, null, dir.resolve("probe-profile"), 900);
        assertTrue(p.problems().isEmpty(), "console errors or network requests: " + p.problems());
        Matcher m = Pattern.compile("<pre id=\"probe\">(.*?)</pre>", Pattern.DOTALL).matcher(p.dom());
        assertTrue(m.find(), "the probe ran");
        String json = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        return ResultJson.mapper().readTree(json);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** The pairs of a generation, counted from the manifest's configurations (not through CorpusRun). */
    private static int shippedPairs(String generation) throws Exception {
        JsonNode m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Corpus.root().resolve("model-corpus/manifest.json").toFile());
        int n = 0;
        for (JsonNode model : m.get("models")) {
            for (JsonNode c : model.get("configs")) {
                JsonNode g = c.get("generations");
                boolean applies = g == null || g.isNull();
                for (int i = 0; !applies && i < g.size(); i++) {
                    applies = g.get(i).asText().equals(generation);
                }
                n += applies ? 1 : 0;
            }
        }
        return n;
    }

    /**
     * The report of the whole shipped corpus (torch-1.13.1, every pair, in-process) as {@code parity
     * run} writes it: at most {@value #MAX_HEIGHT} px tall at {@value #WIDTH} px wide with details
     * closed, findings grouped across configurations with the model's note, a table whose sorting
     * and filtering work when clicked and typed into, readable chart text, and nothing loaded from
     * the network or logged to the console.
     */
    @Test
    void theCorpusReportIsShortSaysWhyAndItsScriptsWork(@TempDir Path dir) throws Exception {
        assumeTrue(chromium != null, "chromium is not installed");
        Path run = dir.resolve("run");
        CorpusRun.run(new RunRequest(Corpus.root().resolve("model-corpus"), null, null, null, run, 0, true, 1, 8),
                RunListener.NONE);
        RunData data = ReportWriter.write(RunData.load(run), HtmlReport.Trend.none());
        List<RunRecord> recs = data.records();
        int pairs = shippedPairs("torch-1.13.1");
        assertEquals(pairs, recs.size(), "the shipped corpus");
        Path html = run.resolve(ReportWriter.HTML);
        String source = Files.readString(html);
        Matcher urls = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"#][^\"]*)\"").matcher(source);
        assertFalse(urls.find(), "the page links nothing outside itself");
        assertTrue(source.contains("data-count=\"pairs\">" + pairs + "<"), "pair count shown");
        assertTrue(source.contains("data-count=\"faithful\">" + recs.stream().filter(r -> r.outcome() == Outcome.FAITHFUL)
                .count() + "<"), "faithful count shown");

        JsonNode seen = probe(html, dir);
        int height = seen.path("height").asInt();
        System.out.println("report.html of the shipped corpus: " + height + " px tall at " + seen.path("width").asInt()
                + " px wide, details closed (" + seen.path("openHeight").asInt() + " px with every details open)");
        assertEquals(WIDTH, seen.path("width").asInt());
        assertTrue(height > 1000 && height <= MAX_HEIGHT, "page height " + height + " px");

        // the known problems are one closed block (every pair is as expected here), opened by a link into it
        assertTrue(seen.path("knownClosed").asBoolean(), "known problems closed at first");
        assertTrue(seen.path("knownOpenedByLink").asBoolean(), "a link to a known finding opens the block");

        // the findings: grouped across configurations, with the model's note
        List<String> findings = strings(seen.path("findings"));
        List<String> avg = findings.stream().filter(f -> f.startsWith("avgpool_ceil ")).toList();
        assertEquals(1, avg.size(), "avgpool_ceil's four configurations are one finding: " + findings);
        assertTrue(avg.get(0).contains("opset11, opset13, opset17, opset13-nofold"), avg.get(0));
        assertTrue(avg.get(0).endsWith("| AvgPool2d(ceil_mode=True, count_include_pad=True): border divisor differs"),
                "the model's note: " + avg.get(0));
        long explained = recs.stream().filter(FindingGroup::explained).count();
        assertTrue(findings.size() < explained, findings.size() + " findings for " + explained + " pairs");

        // the table as served: what fails the gate first, then expected problems, then faithful pairs
        Map<String, RunRecord> byRow = new HashMap<>();
        recs.forEach(r -> byRow.put(r.model() + "/" + r.config(), r));
        List<String> initial = strings(seen.path("initial"));
        assertEquals(recs.stream().sorted(RunRecord.REPORT_ORDER).map(r -> r.model() + "/" + r.config()).toList(), initial);

        // sorting: two clicks on "worst ratio", ascending then descending
        List<Double> asc = strings(seen.path("asc")).stream().map(k -> ratio(byRow.get(k))).toList();
        List<Double> desc = strings(seen.path("desc")).stream().map(k -> ratio(byRow.get(k))).toList();
        for (int i = 1; i < asc.size(); i++) {
            assertTrue(asc.get(i - 1) <= asc.get(i), "ascending at row " + i + ": " + asc);
            assertTrue(desc.get(i - 1) >= desc.get(i), "descending at row " + i + ": " + desc);
        }
        assertEquals(recs.stream().mapToDouble(ReportBrowserTest::ratio).max().orElseThrow(), desc.get(0));
        assertEquals(pairs, asc.size());

        // filtering: typed text, then an outcome picked as well, then the outcome alone
        Set<String> avgpool = recs.stream().filter(r -> r.model().contains("avgpool")).map(r -> r.model() + "/" + r.config())
                .collect(Collectors.toSet());
        assertEquals(avgpool, Set.copyOf(strings(seen.path("typed"))), "typing 'avgpool' leaves its pairs");
        assertEquals(avgpool.size() + " of " + pairs + " pairs shown", seen.path("shownText").asText());
        assertEquals(List.of(), strings(seen.path("typedAndPicked")), "no avgpool pair is an export crash");
        assertEquals(recs.stream().filter(r -> r.outcome() == Outcome.EXPORT_CRASH).map(r -> r.model() + "/" + r.config())
                .collect(Collectors.toSet()), Set.copyOf(strings(seen.path("picked"))));
        assertEquals(pairs, seen.path("all").asInt(), "clearing both shows every pair again");

        // charts, every details open: text as text, at least 11 px as shown
        assertTrue(seen.path("charts").asInt() >= 20, "charts: " + seen.path("charts"));
        assertTrue(seen.path("chartTexts").asInt() > 200, "chart texts: " + seen.path("chartTexts"));
        assertTrue(seen.path("minChartFontPx").asDouble() >= 11, "smallest chart text " + seen.path("minChartFontPx") + " px");

        Path shots = Corpus.root().resolve("harness/target/browser");
        Files.createDirectories(shots);
        Path shot = dir.resolve("report.png");
        Page shown = load(html, shot, dir.resolve("profile2"), 1500);
        assertTrue(shown.problems().isEmpty(), shown.problems().toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot written");
        Files.copy(shot, shots.resolve("report.png"), StandardCopyOption.REPLACE_EXISTING);

        // one pair that fails the gate (expected a problem, now faithful) comes first, in a trend of its generation
        List<RunRecord> judged = recs.stream().map(r -> r.key().equals("mlp/opset17")
                ? r.expecting(new Expectation(Outcome.NUMERIC_DISCREPANCY, "pretended by the test", "test")) : r).toList();
        Path run2 = Files.createDirectories(dir.resolve("run2"));
        ReportWriter.write(new RunData(run2, data.run(), judged, 0), new HtmlReport.Trend(data.generation(),
                History.selection(data.run()), List.of(new HtmlReport.TrendPoint("#1 11-26", 101, 27),
                        new HtmlReport.TrendPoint("#2 11-27", 100, 28))));
        JsonNode gate = probe(run2.resolve(ReportWriter.HTML), Files.createDirectories(dir.resolve("p2")));
        assertEquals("mlp/opset17", strings(gate.path("initial")).get(0), "the pair that fails the gate leads the table");
        assertTrue(strings(gate.path("findings")).get(0).startsWith("mlp faithful FIXED (expected numeric-discrepancy) opset17"),
                "and the findings: " + gate.path("findings"));
        assertTrue(Files.readString(run2.resolve(ReportWriter.HTML)).contains("Trend of the last 2 runs of torch-1.13.1"));
    }

    private static double ratio(RunRecord r) {
        return r.worstRatio() == null ? -1e300 : r.worstRatio();
    }
}
