package dev.parity.cli;

import static dev.parity.cli.CheckCommandTest.parity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import dev.parity.corpus.Expectations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parity run} as a CI gate: exit 0 when every pair meets its expectation, 1 otherwise, with the
 * pair that broke the gate first in every report.
 */
class RegressionGateTest {
    private static final Path CORPUS = Corpus.root().resolve("model-corpus");

    /** A view of the shipped corpus (same models, same manifest) with an edited expectations.json. */
    private static Path corpusWith(Path dir, String from, String to) throws Exception {
        Path c = Files.createDirectories(dir.resolve("corpus"));
        Files.createSymbolicLink(c.resolve("models"), CORPUS.resolve("models"));
        Files.createSymbolicLink(c.resolve("datasets"), CORPUS.resolve("datasets"));
        Files.copy(CORPUS.resolve("manifest.json"), c.resolve("manifest.json"));
        String text = Files.readString(CORPUS.resolve(Expectations.FILE));
        assertTrue(text.contains(from), from);
        Files.writeString(c.resolve(Expectations.FILE), text.replace(from, to));
        return c;
    }

    private static CheckCommandTest.Run run(Path corpus, Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("run", "--corpus", corpus.toString(), "--models",
                "mlp,avgpool_ceil,maxpool_ceil", "--configs", "opset13", "--workers", "0", "--out", out.toString()));
        a.addAll(List.of(more));
        return parity(a.toArray(new String[0]));
    }

    @Test
    void theShippedExpectationsPassTheGate(@TempDir Path dir) {
        CheckCommandTest.Run r = run(CORPUS, dir.resolve("out"));
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("gate: PASS - all 3 pairs as expected (1 known problems)"), r.out());
        assertTrue(r.out().contains("cause:  torch 1.13.1 exports an explicit Pad"), "the known problem's cause: " + r.out());
    }

    @Test
    void anEditedExpectationFailsTheGateAndComesFirstEverywhere(@TempDir Path dir) throws Exception {
        // a person now claims avgpool_ceil exports faithfully in torch-1.13.1: the run must disagree
        Path corpus = corpusWith(dir, "{\"model\": \"avgpool_ceil\", \"generation\": \"torch-1.13.1\", \"outcome\": "
                + "\"numeric-discrepancy\",", "{\"model\": \"avgpool_ceil\", \"generation\": \"torch-1.13.1\", \"outcome\": "
                + "\"faithful\",");
        Path out = dir.resolve("out");
        CheckCommandTest.Run r = run(corpus, out);
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("gate: FAIL - 1 unexpected, 0 fixed of 3 pairs: avgpool_ceil/opset13 faithful -> "
                + "numeric-discrepancy"), r.out());
        String firstRow = r.out().lines().dropWhile(l -> !l.startsWith("model ")).skip(1).findFirst().orElse("");
        assertTrue(firstRow.startsWith("avgpool_ceil") && firstRow.contains("UNEXPECTED (expected faithful)"), firstRow);
        assertTrue(r.out().contains("reason: 4 of 4 cases discrepant; worst: output y"), r.out());

        String md = Files.readString(out.resolve("summary.md"));
        String mdRow = md.lines().filter(l -> l.startsWith("| avgpool_ceil") || l.startsWith("| mlp")).findFirst().orElse("");
        assertTrue(mdRow.startsWith("| avgpool_ceil/opset13 | numeric-discrepancy | UNEXPECTED"), md);
        assertTrue(mdRow.contains("converter error"), "the reason sentence: " + mdRow);

        String junit = Files.readString(out.resolve("junit.xml"));
        Matcher m = Pattern.compile("<testcase classname=\"parity\\.[^\"]*\\.([a-z_]+)\"").matcher(junit);
        assertTrue(m.find() && m.group(1).equals("avgpool_ceil"), junit);
        assertTrue(junit.contains("unexpected numeric-discrepancy (expected faithful)"), junit);

        String html = Files.readString(out.resolve("report.html"));
        int tbody = html.indexOf("<tbody>");
        assertTrue(html.indexOf("avgpool_ceil", tbody) < html.indexOf("mlp", tbody), "avgpool_ceil first in the table");
    }

    @Test
    void aVanishedProblemIsReportedFixedAndFailsTheGate(@TempDir Path dir) throws Exception {
        Path corpus = corpusWith(dir, "{\"model\": \"mlp\", \"outcome\": \"faithful\"}",
                "{\"model\": \"mlp\", \"outcome\": \"numeric-discrepancy\", \"cause\": \"planted by the test\"}");
        Path out = dir.resolve("out");
        CheckCommandTest.Run r = run(corpus, out);
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("0 unexpected, 1 fixed"), r.out());
        String junit = Files.readString(out.resolve("junit.xml"));
        assertTrue(junit.contains("fixed: expected numeric-discrepancy (planted by the test), now faithful"), junit);
        assertTrue(junit.contains("<skipped message=\"expected numeric-discrepancy: torch 1.13.1"), "known problem skipped");
    }

    @Test
    void aBaselineRunGatesAConverterUpgrade(@TempDir Path dir) {
        Path old = dir.resolve("old");
        CheckCommandTest.Run a = parity("run", "--corpus", CORPUS.toString(), "--models", "vit_tiny", "--workers", "0", "--out", old.toString());
        assertEquals(ExitCodes.FAITHFUL, a.code(), a.out() + a.err());
        // torch 2.6.0 cannot export vit_tiny at opset 13: against the 1.13.1 run that is a regression
        CheckCommandTest.Run b = parity("run", "--corpus", CORPUS.toString(), "--models", "vit_tiny", "--generation", "torch-2.6.0", "--workers", "0",
                "--baseline", old.toString(), "--out", dir.resolve("new").toString());
        assertEquals(ExitCodes.DISCREPANT, b.code(), b.out() + b.err());
        assertTrue(b.out().contains("vit_tiny/opset13 faithful -> export-crash"), b.out());
        // against the manifest the same run meets its expectations
        CheckCommandTest.Run c = parity("run", "--corpus", CORPUS.toString(), "--models", "vit_tiny", "--generation", "torch-2.6.0", "--workers", "0",
                "--out", dir.resolve("again").toString());
        assertEquals(ExitCodes.FAITHFUL, c.code(), c.out() + c.err());
        CheckCommandTest.Run bad = parity("run", "--corpus", CORPUS.toString(), "--models", "vit_tiny", "--baseline", dir.resolve("nope").toString(),
                "--out", dir.resolve("x").toString());
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.err());
        assertTrue(bad.err().contains("parity: --baseline: not a run folder"), bad.err());
    }
}
