package dev.parity.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.check.Corpus;
import dev.parity.result.ResultJson;
import dev.parity.corpus.CorpusRun;
import dev.parity.corpus.RunListener;
import dev.parity.corpus.RunRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads a real report in headless Chromium (Debian's {@code chromium}, which .ci/run installs):
 * the page shows the counts, makes no network request and logs no console error. A screenshot is
 * kept in {@code harness/target/browser/}. Skipped where no Chromium is installed.
 */
class ReportBrowserTest {
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
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + profile, "--virtual-time-budget=3000",
                "--log-net-log=" + profile.resolve("netlog.json")));
        if (screenshot != null) {
            cmd.addAll(List.of("--window-size=1280,2000", "--screenshot=" + screenshot));
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

    @Test
    void reportShowsTheCountsWithoutNetworkOrConsoleErrors(@TempDir Path dir) throws Exception {
        assumeTrue(chromium != null, "chromium is not installed");
        Path run = dir.resolve("run");
        CorpusRun.run(new RunRequest(Corpus.root().resolve("model-corpus"), null, "mlp,avgpool_ceil,digits_cnn*", "opset13",
                run, 0, true, 1, 8), RunListener.NONE);
        ReportWriter.write(run, List.of(new HtmlReport.TrendPoint("#1", 3, 1), new HtmlReport.TrendPoint("#2", 2, 2)));
        Path html = run.resolve(ReportWriter.HTML);
        String source = Files.readString(html);
        Matcher urls = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"#][^\"]*)\"").matcher(source);
        assertFalse(urls.find(), "the page links nothing outside itself");
        Page page = load(html, null, dir.resolve("profile"));
        assertTrue(page.problems().isEmpty(), "console errors or network requests: " + page.problems());
        assertTrue(page.dom().contains("data-count=\"pairs\">4<"), "pair count shown");
        assertTrue(page.dom().contains("data-count=\"faithful\">2<"), "faithful count shown");
        assertTrue(page.dom().contains("data-count=\"numeric-discrepancy\">1<"));
        assertTrue(page.dom().contains("data-count=\"accuracy-discrepancy\">1<"));
        assertTrue(page.dom().contains("<svg"), "charts are inline SVG");
        Path shots = Corpus.root().resolve("harness/target/browser");
        Files.createDirectories(shots);
        Path shot = dir.resolve("report.png");
        Page shown = load(html, shot, dir.resolve("profile2"));
        assertTrue(shown.problems().isEmpty(), shown.problems().toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot written");
        Files.copy(shot, shots.resolve("report.png"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(4, RunData.load(run).records().size());
    }
}
