package dev.parity.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Renders a run folder's {@code report.html}, {@code summary.md} and {@code junit.xml} from its
 * {@code results.jsonl}, without running anything: {@code parity report} and the end of
 * {@code parity run} call this same code.
 */
public final class ReportWriter {
    public static final String HTML = "report.html";
    public static final String MARKDOWN = "summary.md";
    public static final String JUNIT = "junit.xml";

    private ReportWriter() {}

    /**
     * Writes the three files; {@code trend} may be empty (no history), else it must be of this run's
     * generation and selection. Returns the data rendered.
     */
    public static RunData write(Path runFolder, List<HtmlReport.TrendPoint> trend) throws IOException {
        RunData data = RunData.load(runFolder);
        return write(data, new HtmlReport.Trend(data.generation(), History.selection(data.run()), trend));
    }

    /** Writes the three files of {@code data}'s folder with {@code trend} ({@link HtmlReport.Trend#none()} for none). */
    public static RunData write(RunData data, HtmlReport.Trend trend) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path runFolder = data.folder();
        atomic(runFolder.resolve(HTML), HtmlReport.render(data, trend));
        atomic(runFolder.resolve(MARKDOWN), MarkdownSummary.render(data));
        atomic(runFolder.resolve(JUNIT), JUnitReport.render(data));
        return data;
    }

    static void atomic(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes compare.html and compare.md into {@code out}. */
    public static void writeCompare(Path out, List<Comparison.Row> rows, String a, String b) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(out);
        atomic(out.resolve("compare.html"), Comparison.renderHtml(rows, a, b));
        atomic(out.resolve("compare.md"), Comparison.renderMarkdown(rows, a, b));
    }
}
