package dev.parity.safety;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External-data references of .onnx files must stay inside the model's folder. */
class OnnxSafetyTest {
    private static Path model(Path dir, String location, long offset, long length, boolean inSubgraph) throws Exception {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName("w").addDims(4)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("g");
        if (inSubgraph) {
            OnnxMl.GraphProto sub = OnnxMl.GraphProto.newBuilder().setName("then").addInitializer(t).build();
            g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("If").addAttribute(
                    OnnxMl.AttributeProto.newBuilder().setName("then_branch").setG(sub)
                            .setType(OnnxMl.AttributeProto.AttributeType.GRAPH)));
        } else {
            g.addInitializer(t);
        }
        Path p = dir.resolve("model.onnx");
        Files.write(p, OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray());
        return p;
    }

    private static String refused(Path p) {
        return assertThrows(UnsafeModelException.class, () -> OnnxModelCheck.check(p)).getMessage();
    }

    @Test
    void everyCorpusExportPasses() throws Exception {
        try (Stream<Path> s = Files.walk(Corpus.root().resolve("model-corpus/models"))) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".onnx"))::iterator) {
                assertDoesNotThrow(() -> OnnxModelCheck.check(p), p.toString());
            }
        }
    }

    @Test
    void dataInsideTheFolderIsAccepted(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("weights.bin"), new byte[16]);
        assertDoesNotThrow(() -> OnnxModelCheck.check(model(dir, "weights.bin", 0, 16, false)));
    }

    @Test
    void parentRelativeAndAbsoluteLocationsAreRefused(@TempDir Path dir) throws Exception {
        assertTrue(refused(model(dir, "../secret.bin", 0, 16, false)).contains("outside the model's folder"));
        assertTrue(refused(model(dir, "/etc/passwd", 0, 16, false)).contains("absolute path"));
    }

    @Test
    void symlinksEscapingTheFolderAreRefused(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("secret.bin"), new byte[16]);
        Path modelDir = Files.createDirectories(dir.resolve("m"));
        Files.createSymbolicLink(modelDir.resolve("weights.bin"), outside.resolve("secret.bin"));
        assertTrue(refused(model(modelDir, "weights.bin", 0, 16, false)).contains("resolves outside"));
    }

    @Test
    void referencesInSubgraphsAreCheckedToo(@TempDir Path dir) throws Exception {
        assertTrue(refused(model(dir, "../../x", 0, 4, true)).contains("outside the model's folder"));
    }

    @Test
    void rangesBeyondTheDataFileAndMissingFilesAreRefused(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("weights.bin"), new byte[16]);
        assertTrue(refused(model(dir, "weights.bin", 8, 16, false)).contains("exceeds"));
        assertTrue(refused(model(dir, "nope.bin", 0, 16, false)).contains("missing"));
    }
}
