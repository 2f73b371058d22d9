package dev.parity.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.inputs.ConcreteInput;
import dev.parity.inputs.InputGenerator;
import dev.parity.inputs.InputRegime;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both engines on committed pairs: signatures, flattening, failures. */
class EnginesTest {
    private static Tensor normal(String name, long... shape) {
        return InputGenerator.generate(3, 0, InputRegime.NORMAL, new ConcreteInput(name, DType.FLOAT32, shape, null, null));
    }

    @Test
    void onnxSignatureCarriesNamesTypesAndSymbolicDims() throws Exception {
        try (OnnxRuntimeEngine e = OnnxRuntimeEngine.load(Corpus.export("dynamic_batch_cnn"), 1,
                OnnxRuntimeEngine.Optimization.ALL)) {
            TensorSpec x = e.inputs().get(0);
            assertEquals("x", x.name());
            assertEquals(DType.FLOAT32, x.dtype());
            assertArrayEquals(new long[] {-1, 1, 8, 8}, x.dims());
            assertEquals("batch", x.symbolKey(0));
            assertEquals("logits", e.outputs().get(0).name());
        }
        try (OnnxRuntimeEngine e = OnnxRuntimeEngine.load(Corpus.export("token_classifier"), 1,
                OnnxRuntimeEngine.Optimization.ALL)) {
            assertEquals(DType.INT64, e.inputs().get(0).dtype());
            assertEquals(DType.FLOAT32, e.inputs().get(1).dtype());
        }
    }

    @Test
    void tupleOutputsAreFlattenedInOrderOnBothEngines() throws Exception {
        Tensor x = normal("x", 3, 12);
        try (TorchScriptEngine t = TorchScriptEngine.load(Corpus.reference("two_heads"), TorchScriptEngine.Options.defaults());
             OnnxRuntimeEngine o = OnnxRuntimeEngine.load(Corpus.export("two_heads"), 1, OnnxRuntimeEngine.Optimization.ALL)) {
            List<Tensor> a = t.run(List.of(x));
            List<Tensor> b = o.run(List.of(x));
            assertEquals(2, a.size());
            assertEquals(2, b.size());
            assertArrayEquals(new long[] {3, 5}, a.get(0).shape());
            assertArrayEquals(new long[] {3, 8}, a.get(1).shape());
            assertArrayEquals(a.get(1).shape(), b.get(1).shape());
        }
    }

    @Test
    void referenceIsStableAcrossRepeatedCallsWithTheGraphExecutorOff() throws Exception {
        Tensor x = normal("x", 3, 1, 8, 8);
        try (TorchScriptEngine t = TorchScriptEngine.load(Corpus.reference("dynamic_batch_cnn"),
                TorchScriptEngine.Options.defaults())) {
            float[] first = t.run(List.of(x)).get(0).floats();
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(first, t.run(List.of(x)).get(0).floats(), "call " + (i + 2));
            }
        }
    }

    @Test
    void arityMismatchIsRecognisedAndNamesTheDeclaration() throws Exception {
        try (TorchScriptEngine t = TorchScriptEngine.load(Corpus.reference("mlp"), TorchScriptEngine.Options.defaults())) {
            TorchScriptEngine.ArityMismatch e = assertThrows(TorchScriptEngine.ArityMismatch.class,
                    () -> t.run(List.of(normal("x", 2, 16), normal("y", 2, 16))));
            assertTrue(e.getMessage().contains("forward("), e.getMessage());
        }
    }

    @Test
    void runtimeFailuresBecomeEngineFailuresWithTheCause() throws Exception {
        try (TorchScriptEngine t = TorchScriptEngine.load(Corpus.reference("frozen_batch"), TorchScriptEngine.Options.defaults());
             OnnxRuntimeEngine o = OnnxRuntimeEngine.load(Corpus.export("frozen_batch"), 1, OnnxRuntimeEngine.Optimization.ALL)) {
            Tensor x = normal("x", 3, 3, 16);
            EngineFailure tf = assertThrows(EngineFailure.class, () -> t.run(List.of(x)));
            assertEquals("torch", tf.engine());
            assertTrue(tf.getMessage().contains("is invalid for input of size 144"), tf.getMessage());
            EngineFailure of = assertThrows(EngineFailure.class, () -> o.run(List.of(x)));
            assertEquals("onnx", of.engine());
            assertTrue(of.getMessage().contains("Reshape"), of.getMessage());
            assertTrue(!of.getMessage().contains("onnxruntime_src"), "source paths are trimmed: " + of.getMessage());
        }
    }

    @Test
    void corruptOnnxIsBadInputButAnUnknownOperatorIsAnEngineFailure(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(Corpus.export("mlp"));
        Path trunc = dir.resolve("t.onnx");
        Files.write(trunc, Arrays.copyOf(full, full.length / 2));
        BadInputException bad = assertThrows(BadInputException.class,
                () -> OnnxRuntimeEngine.load(trunc, 1, OnnxRuntimeEngine.Optimization.ALL));
        assertTrue(bad.getMessage().startsWith("not a valid ONNX model"), bad.getMessage());
        EngineFailure f = assertThrows(EngineFailure.class,
                () -> OnnxRuntimeEngine.load(Corpus.fixture("unknown_op.onnx"), 1, OnnxRuntimeEngine.Optimization.ALL));
        assertEquals("onnx", f.engine());
        assertTrue(f.getMessage().contains("NoSuchOp"), f.getMessage());
    }
}
