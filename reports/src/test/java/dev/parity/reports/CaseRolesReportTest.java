package dev.parity.reports;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.oracles.ErrorStats;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.oracles.WorstElement;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.InputDescription;
import dev.parity.result.ModelFile;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where cases are listed, each shows its padding pattern, and the inputs their roles. */
class CaseRolesReportTest {
    private static final String IDS = "token-ids [0, 1000) inferred: Gather on initializer 'wte.weight' [1000, 32]";

    private static CaseResult textCase(int index, String padding, Verdict v) {
        OutputFinding f = new OutputFinding("logits", v, v == Verdict.DISCREPANT ? "converter error" : null, null, null,
                new long[] {3, 8, 1000}, new long[] {3, 8, 1000}, null,
                new ErrorStats(24000, 0.5, 0.01, 0.4, 0.5, 0.03, 0.99, 8000, 1 / 3.0, 0, null),
                new WorstElement(new long[] {2, 0, 7}, 0.5, 0.0));
        return new CaseResult(index, "discrete", List.of(new InputDescription("input_ids", "int64", new long[] {3, 8}, IDS),
                new InputDescription("attention_mask", "int64", new long[] {3, 8},
                        "attention-mask, " + padding + " inferred: named 'attention_mask'")),
                v, null, List.of(f), 1.0, 1.0, padding);
    }

    private static CheckResult result() {
        return new CheckResult(Verdict.DISCREPANT, "tolerance", new ModelFile("m.pt", "aa"), new ModelFile("m.onnx", "bb"),
                Map.of(), 0, null, List.of(textCase(0, "no-padding", Verdict.FAITHFUL),
                        textCase(1, "padded-row", Verdict.DISCREPANT)));
    }

    @Test
    void theConsoleListsRolesOnceAndEachCasesPadding() {
        String out = ConsoleReport.render(result());
        assertTrue(out.contains("roles: input_ids " + IDS + "; attention_mask attention-mask inferred: named "
                + "'attention_mask'\n"), out);
        assertTrue(out.contains("discrete no-padding"), out);
        assertTrue(out.contains("discrete padded-row"), out);
        assertTrue(out.contains("worst: output logits, case 1 (discrete padded-row)"), out);
    }

    @Test
    void resultsWithoutRolesHaveNoRolesLine() {
        CheckResult plain = new CheckResult(Verdict.FAITHFUL, "tolerance", new ModelFile("m.pt", "aa"),
                new ModelFile("m.onnx", "bb"), Map.of(), 0, null, List.of(new CaseResult(0, "normal",
                        List.of(new InputDescription("x", "float32", new long[] {1})), Verdict.FAITHFUL, null, List.of(),
                        1.0, 1.0)));
        assertNull(ConsoleReport.rolesLine(plain));
        assertTrue(!ConsoleReport.render(plain).contains("roles:"));
    }

    @Test
    void theHtmlWorstCaseNamesItsPaddingAndRoles(@TempDir Path dir) throws Exception {
        RunRecord r = new RunRecord("gpt/opset18", "gpt", "opset18", "g", "transformer", "task",
                Outcome.NUMERIC_DISCREPANCY, "discrepant", "tolerance", "1 of 2 cases discrepant", null, null, null, 0.1,
                0.05, null, null, 0.3, null, result(), "cpu");
        String html = HtmlReport.render(RunData.load(Records.folder(dir, "g", List.of(r))), List.of());
        assertTrue(html.contains("input regime <b>discrete padded-row</b>"), html);
        assertTrue(html.contains("(attention-mask, padded-row inferred: named &#39;attention_mask&#39;)")
                || html.contains("(attention-mask, padded-row inferred: named 'attention_mask')"), html);
    }
}
