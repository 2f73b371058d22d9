package com.example.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.CheckRequest;
import dev.parity.junit.ParityAssertions;
import dev.parity.junit.ParityCorpus;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/** What a team writes: its export must compute what its PyTorch model computes. */
class ExportTest {
    private static final Path MODELS = Path.of(System.getProperty("models.dir"));

    private static Path file(String model, String name) {
        return MODELS.resolve(model).resolve(name);
    }

    @Test
    void ourMlpExportIsFaithful() {
        // reference, its float64 twin (attribution mode: export error vs float32's own rounding), export
        ParityAssertions.assertFaithful(file("mlp", "reference.pt"), file("mlp", "reference64.pt"),
                file("mlp", "exports/torch-1.13.1/opset13.onnx"));
    }

    @Test
    void aBrokenExportFailsWithTheEvidence() {
        CheckRequest req = CheckRequest.builder(file("avgpool_ceil", "reference.pt"),
                file("avgpool_ceil", "exports/torch-1.13.1/opset13.onnx"))
                .optReference64(file("avgpool_ceil", "reference64.pt")).build();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> ParityAssertions.assertFaithful(req));
        assertTrue(e.getMessage().contains("worst: output y"), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> theCorpusMeetsItsExpectations() {
        return ParityCorpus.tests(MODELS.getParent(), "torch-1.13.1", "mlp,avgpool_ceil,maxpool_ceil");
    }

    @Test
    void parityRunsOffline() {
        ParityAssertions.assertFaithful(file("two_heads", "reference.pt"), file("two_heads", "reference64.pt"),
                file("two_heads", "exports/torch-1.13.1/opset13.onnx"));
        assertEquals("true", System.getProperty("ai.djl.offline"), "set by Parity itself, not by the caller");
    }
}
