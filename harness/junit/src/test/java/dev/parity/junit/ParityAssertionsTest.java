package dev.parity.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.oracles.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class ParityAssertionsTest {
    static Path corpus() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("model-corpus/models"))) {
                return d.resolve("model-corpus");
            }
        }
        throw new IllegalStateException("no model-corpus above " + Path.of("").toAbsolutePath());
    }

    private static Path model(String name, String file) {
        return corpus().resolve("models").resolve(name).resolve(file);
    }

    @Test
    void aFaithfulPairPasses() {
        var r = ParityAssertions.assertFaithful(model("mlp", "reference.pt"), model("mlp", "reference64.pt"),
                model("mlp", "exports/torch-1.13.1/opset13.onnx"));
        assertEquals("attribution", r.mode());
    }

    @Test
    void aDiscrepantPairFailsWithVerdictReasonWorstElementAndCause() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> ParityAssertions.assertFaithful(
                dev.parity.check.CheckRequest.builder(model("avgpool_ceil", "reference.pt"),
                        model("avgpool_ceil", "exports/torch-1.13.1/opset13.onnx"))
                        .optReference64(model("avgpool_ceil", "reference64.pt")).build(), "ceil-mode divisor"));
        String m = e.getMessage();
        assertTrue(m.startsWith("discrepant: 4 of 4 cases discrepant; worst: output y"), m);
        assertTrue(m.contains("at [0, 0, 5, 3] torch 0.505 onnx 0.337"), "the worst element: " + m);
        assertTrue(m.contains("cause: ceil-mode divisor"), m);
    }

    @Test
    void aKnownProblemCanBePinned() {
        var r = ParityAssertions.assertVerdict(Verdict.DISCREPANT, dev.parity.check.CheckRequest.builder(
                model("avgpool_ceil", "reference.pt"), model("avgpool_ceil", "exports/torch-1.13.1/opset13.onnx")).build(),
                null);
        assertEquals(Verdict.DISCREPANT, r.verdict());
    }

    @Test
    void badInputFailsTheTestWithOneLine() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> ParityAssertions.assertFaithful(
                Path.of("/nope.pt"), Path.of("/nope64.pt"), Path.of("/nope.onnx")));
        assertTrue(e.getMessage().startsWith("parity check could not run: TorchScript model not found"), e.getMessage());
    }

    @Test
    void corpusDynamicTestsHonourExpectations(@TempDir Path dir) throws Throwable {
        List<DynamicTest> tests = ParityCorpus.tests(corpus(), null, "mlp,avgpool_ceil").collect(Collectors.toList());
        assertEquals(8, tests.size());
        for (DynamicTest t : tests) {
            t.getExecutable().execute(); // avgpool_ceil's discrepancy is expected: every test passes
        }
        // the same corpus with one expectation edited: that pair's test fails, naming reason and cause
        Path c = Files.createDirectories(dir.resolve("c"));
        Files.createSymbolicLink(c.resolve("models"), corpus().resolve("models"));
        Files.createSymbolicLink(c.resolve("datasets"), corpus().resolve("datasets"));
        Files.copy(corpus().resolve("manifest.json"), c.resolve("manifest.json"));
        Files.writeString(c.resolve("expectations.json"), "{\"format\": 1, \"rules\": [{\"model\": \"mlp\", \"config\": "
                + "\"opset13\", \"outcome\": \"numeric-discrepancy\", \"cause\": \"planted\"}]}");
        List<DynamicTest> edited = ParityCorpus.tests(c, null, "mlp").collect(Collectors.toList());
        DynamicTest opset13 = edited.stream().filter(t -> t.getDisplayName().startsWith("mlp/opset13 ")).findFirst()
                .orElseThrow();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> opset13.getExecutable().execute());
        assertTrue(e.getMessage().contains("fixed: expected numeric-discrepancy, now faithful")
                && e.getMessage().contains("cause of the expected outcome: planted"), e.getMessage());
    }
}
