package dev.parity.safety;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.parity.check.Corpus;
import dev.parity.cli.CheckCommandTest;
import dev.parity.cli.ExitCodes;
import dev.parity.engine.OnnxRuntimeEngine;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tensor-carrying field goes through the external-data rules, declared sizes must match the
 * bytes present, and models that would make ONNX Runtime build or revisit too many nodes are
 * refused before it parses them. Every model here is built by the test and small on disk.
 */
class OnnxBombTest {
    @TempDir
    Path dir;

    // ---- builders

    private static OnnxMl.TensorProto.Builder external(String location, long offset, long length) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName("w").addDims(4)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)));
        if (length >= 0) {
            t.addExternalData(entry("length", Long.toString(length)));
        }
        return t;
    }

    private static OnnxMl.StringStringEntryProto entry(String k, String v) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static OnnxMl.TensorProto int64s(long... v) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                .addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }

    /** A Constant node whose sparse_value has one stored value, given as {@code values}, in a dense [4]. */
    private static OnnxMl.NodeProto sparseConstant(OnnxMl.TensorProto values) {
        OnnxMl.SparseTensorProto s = OnnxMl.SparseTensorProto.newBuilder().setValues(values).setIndices(int64s(2))
                .addDims(4).build();
        return OnnxMl.NodeProto.newBuilder().setName("c").setOpType("Constant").addOutput("y")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("sparse_value").setType(AttributeType.SPARSE_TENSOR)
                        .setSparseTensor(s)).build();
    }

    private static OnnxMl.TensorProto oneFloat(float v) {
        return OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addDims(1)
                .addFloatData(v).build();
    }

    private static OnnxMl.ModelProto.Builder model(OnnxMl.GraphProto.Builder g) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g);
    }

    private Path write(String name, OnnxMl.ModelProto.Builder m) throws Exception {
        return Files.write(dir.resolve(name), m.build().toByteArray());
    }

    private Path withNode(String name, OnnxMl.NodeProto n) throws Exception {
        return write(name, model(OnnxMl.GraphProto.newBuilder().setName("g").addNode(n)));
    }

    private static String refused(Path p) {
        return assertThrows(UnsafeModelException.class, () -> OnnxModelCheck.check(p)).getMessage();
    }

    private static OnnxMl.ValueInfoProto floatOutput(String name) {
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))).build();
    }

    /** If nodes nested {@code levels} deep through then_branch (and else_branch too when {@code both}). */
    private static OnnxMl.GraphProto nestedIf(int levels, boolean both, int k) {
        String out = "y" + k;
        if (levels == 0) {
            return OnnxMl.GraphProto.newBuilder().setName("g" + k).addNode(OnnxMl.NodeProto.newBuilder().setOpType("Constant")
                    .addOutput(out).addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                            .setType(AttributeType.TENSOR).setT(oneFloat(1)))).addOutput(floatOutput(out)).build();
        }
        OnnxMl.GraphProto then = nestedIf(levels - 1, both, k + 1);
        OnnxMl.GraphProto otherwise = both ? then : nestedIf(0, false, k + 1);
        return OnnxMl.GraphProto.newBuilder().setName("g" + k).addNode(OnnxMl.NodeProto.newBuilder().setOpType("If")
                .addInput("c").addOutput(out)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH).setG(then))
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("else_branch").setType(AttributeType.GRAPH)
                        .setG(otherwise))).addOutput(floatOutput(out)).build();
    }

    // ---- external data in every tensor-carrying field

    @Test
    void sparseValueExternalDataFollowsTheFolderRules() throws Exception {
        assertTrue(refused(withNode("abs.onnx", sparseConstant(external("/etc/passwd", 0, 4).setDims(0, 1).build())))
                .contains("absolute path"));
        assertTrue(refused(withNode("up.onnx", sparseConstant(external("../secret.bin", 0, 4).setDims(0, 1).build())))
                .contains("outside the model's folder"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("secret.bin"), new byte[16]);
        Path modelDir = Files.createDirectories(dir.resolve("m"));
        Files.createSymbolicLink(modelDir.resolve("w.bin"), outside.resolve("secret.bin"));
        Path p = Files.write(modelDir.resolve("link.onnx"), model(OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(sparseConstant(external("w.bin", 0, 4).setDims(0, 1).build()))).build().toByteArray());
        assertTrue(refused(p).contains("resolves outside"), refused(p));
    }

    @Test
    void onnxRuntimesMemoryAddressTagIsRefusedWherever() throws Exception {
        String tag = "*/_ORT_MEM_ADDR_/*";
        Path sparse = withNode("sparse.onnx", sparseConstant(external(tag, 4096, 4).setDims(0, 1).build()));
        assertTrue(refused(sparse).contains("in-memory address tag"), refused(sparse));
        Path init = write("init.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g")
                .addInitializer(external(tag, 4096, 16))));
        assertTrue(refused(init).contains("in-memory address tag"));
        // the engine's own load refuses it too, before ONNX Runtime reads the offset as an address
        assertThrows(UnsafeModelException.class, () -> OnnxRuntimeEngine.load(sparse, 1, OnnxRuntimeEngine.Optimization.ALL));
    }

    @Test
    void theCliExitsFiveOnAnUnsafeExport() throws Exception {
        Path p = withNode("tag.onnx", sparseConstant(external("*/_ORT_MEM_ADDR_/*", 4096, 4).setDims(0, 1).build()));
        CheckCommandTest.Run r = CheckCommandTest.check(Corpus.reference("mlp"), p);
        assertEquals(ExitCodes.UNSAFE_MODEL, r.code());
        assertTrue(r.err().startsWith("parity: refused: ") && r.err().trim().lines().count() == 1, r.err());
    }

    @Test
    void sparseIndicesSparseInitializersAndNestedOrFunctionTensorsAreChecked() throws Exception {
        OnnxMl.SparseTensorProto badIndices = OnnxMl.SparseTensorProto.newBuilder().setValues(oneFloat(1))
                .setIndices(external("../idx.bin", 0, 8).setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                        .setDims(0, 1)).addDims(4).build();
        Path sparseInit = write("si.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g").addSparseInitializer(badIndices)));
        assertTrue(refused(sparseInit).contains("sparse indices"), refused(sparseInit));

        // a Constant's tensors, two subgraphs down (Loop body inside an If branch)
        OnnxMl.NodeProto deep = OnnxMl.NodeProto.newBuilder().setOpType("Constant").addOutput("k")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value").setType(AttributeType.TENSOR)
                        .setT(external("/etc/shadow", 0, 16))).build();
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder().setName("body").addNode(deep).build();
        OnnxMl.NodeProto loop = OnnxMl.NodeProto.newBuilder().setOpType("Loop")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("body").setType(AttributeType.GRAPH).setG(body)).build();
        OnnxMl.GraphProto branch = OnnxMl.GraphProto.newBuilder().setName("then").addNode(loop).build();
        OnnxMl.NodeProto ifNode = OnnxMl.NodeProto.newBuilder().setOpType("If")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH).setG(branch))
                .build();
        assertTrue(refused(withNode("nested.onnx", ifNode)).contains("absolute path"));

        // a sparse_tensors attribute of a node inside a model-local function
        OnnxMl.FunctionProto f = OnnxMl.FunctionProto.newBuilder().setName("f").setDomain("local")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Custom").addAttribute(OnnxMl.AttributeProto.newBuilder()
                        .setName("s").setType(AttributeType.SPARSE_TENSORS).addSparseTensors(
                                OnnxMl.SparseTensorProto.newBuilder().setValues(external("../v.bin", 0, 4).setDims(0, 1))
                                        .setIndices(int64s(0)).addDims(4)))).build();
        Path fn = write("fn.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g")).addFunctions(f));
        assertTrue(refused(fn).contains("outside the model's folder"), refused(fn));
    }

    @Test
    void externalKeysOnnxRuntimeWouldFollowAreRefused() throws Exception {
        Files.write(dir.resolve("w.bin"), new byte[64]);
        Path prepacked = write("pp.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g")
                .addInitializer(external("w.bin", 0, 16).addExternalData(entry("prepacked_1", "k|0;16;0")))));
        assertTrue(refused(prepacked).contains("'prepacked_1'"), refused(prepacked));
        Path twice = write("twice.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g")
                .addInitializer(external("w.bin", 0, 16).addExternalData(entry("location", "/etc/passwd")))));
        assertTrue(refused(twice).contains("twice"), refused(twice));
    }

    // ---- declared sizes against the bytes present

    @Test
    void declaredSizesMustMatchTheBytesPresent() throws Exception {
        OnnxMl.TensorProto.Builder huge = OnnxMl.TensorProto.newBuilder().setName("huge").addDims(1 << 20).addDims(1 << 20)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
        String m = refused(write("huge.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g").addInitializer(huge))));
        assertTrue(m.contains("declares 1099511627776 elements") && m.contains("holds 0 values"), m);

        OnnxMl.TensorProto.Builder shortRaw = huge.clone().clearDims().addDims(1024).setRawData(ByteString.copyFrom(new byte[16]));
        String n = refused(write("short.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g").addInitializer(shortRaw))));
        assertTrue(n.contains("holds 16 bytes of raw data"), n);

        OnnxMl.NodeProto constant = OnnxMl.NodeProto.newBuilder().setOpType("Constant").addOutput("k")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value").setType(AttributeType.TENSOR)
                        .setT(huge.clone().setName("big"))).build();
        assertTrue(refused(withNode("constant.onnx", constant)).contains("declares 1099511627776 elements"));

        // external data: no length given, so ONNX Runtime reads the computed size, which the file does not hold
        Files.write(dir.resolve("w.bin"), new byte[64]);
        OnnxMl.TensorProto.Builder noLength = external("w.bin", 0, -1).setDims(0, 1024);
        assertTrue(refused(write("nolen.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g").addInitializer(noLength))))
                .contains("exceeds"));
        OnnxMl.TensorProto.Builder wrongLength = external("w.bin", 0, 8);
        assertTrue(refused(write("len.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g").addInitializer(wrongLength))))
                .contains("external length of 8"));
        OnnxMl.GraphProto.Builder shared = OnnxMl.GraphProto.newBuilder().setName("g")
                .addInitializer(external("w.bin", 0, 16).setName("a")).addInitializer(external("w.bin", 8, 16).setName("b"));
        assertTrue(refused(write("shared.onnx", model(shared))).contains("share bytes"));
        OnnxMl.GraphProto.Builder apart = OnnxMl.GraphProto.newBuilder().setName("g")
                .addInitializer(external("w.bin", 0, 16).setName("a")).addInitializer(external("w.bin", 16, 16).setName("b"));
        Path ok = write("apart.onnx", model(apart));
        assertDoesNotThrow(() -> OnnxModelCheck.check(ok));

        // a sparse tensor densifies to its declared shape
        OnnxMl.SparseTensorProto dense = OnnxMl.SparseTensorProto.newBuilder().setValues(oneFloat(1)).setIndices(int64s(0))
                .addDims(1L << 40).build();
        OnnxMl.NodeProto sparse = OnnxMl.NodeProto.newBuilder().setOpType("Constant").addOutput("s")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("sparse_value").setType(AttributeType.SPARSE_TENSOR)
                        .setSparseTensor(dense)).build();
        assertTrue(refused(withNode("dense.onnx", sparse)).contains("densifies"));
        assertDoesNotThrow(() -> OnnxModelCheck.check(withNode("fine.onnx", sparseConstant(oneFloat(1)))));
    }

    // ---- node-count and nesting bombs

    @Test
    void aMillionEmptyNodesAreRefusedBeforeAnythingIsBuilt() throws Exception {
        // 1,000,001 empty NodeProtos: two bytes each on disk (field 1 of GraphProto, length 0)
        int n = OnnxGraphCensus.MAX_NODES + 1;
        ByteArrayOutputStream graph = new ByteArrayOutputStream(2 * n);
        for (int i = 0; i < n; i++) {
            graph.write(0x0A);
            graph.write(0);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(file);
        out.writeInt64(1, 8); // ir_version
        out.writeByteArray(7, graph.toByteArray()); // graph
        out.flush();
        Path p = Files.write(dir.resolve("empty-nodes.onnx"), file.toByteArray());
        String m = refused(p);
        assertTrue(m.contains("more than 1000000 nodes"), m);
    }

    @Test
    void functionsCalledThousandsOfTimesCountAsInlined() throws Exception {
        // f2 holds 100 Relu nodes, f1 calls f2 100 times, f0 calls f1 100 times, the graph calls f0 twice: a few KB,
        // two million nodes once ONNX Runtime inlines them
        OnnxMl.ModelProto.Builder m = model(OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("f0").setDomain("local"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("f0").setDomain("local")));
        for (int level = 0; level < 3; level++) {
            OnnxMl.FunctionProto.Builder f = OnnxMl.FunctionProto.newBuilder().setName("f" + level).setDomain("local");
            for (int i = 0; i < 100; i++) {
                f.addNode(level < 2 ? OnnxMl.NodeProto.newBuilder().setOpType("f" + (level + 1)).setDomain("local")
                        : OnnxMl.NodeProto.newBuilder().setOpType("Relu"));
            }
            m.addFunctions(f);
        }
        Path p = write("calls.onnx", m);
        assertTrue(Files.size(p) < 16_000);
        String msg = refused(p);
        assertTrue(msg.contains("equivalent of more than 1000000 nodes"), msg);

        OnnxMl.FunctionProto self = OnnxMl.FunctionProto.newBuilder().setName("loop").setDomain("local")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("loop").setDomain("local")).build();
        Path rec = write("recursive.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("loop").setDomain("local"))).addFunctions(self));
        assertTrue(refused(rec).contains("calls itself"));
    }

    @Test
    void subgraphsNestedDeeperThanSixteenAreRefused() throws Exception {
        OnnxMl.GraphProto.Builder ok = nestedIf(16, false, 0).toBuilder();
        assertDoesNotThrow(() -> OnnxModelCheck.check(write("sixteen.onnx", model(ok))));
        Path deep = write("seventeen.onnx", model(nestedIf(17, false, 0).toBuilder()));
        assertTrue(Files.size(deep) < 4096);
        assertTrue(refused(deep).contains("nested deeper than 16"), refused(deep));
    }

    @Test
    void aTreeOfNestedIfsIsRefusedByWhatOnnxRuntimeWouldRevisit() throws Exception {
        // both branches nested, 10 deep: 136 KB, about 1.4 million node visits in ONNX Runtime's resolution
        // (measured: the 12-deep tree took 61 s to load, the 13-deep one 243 s)
        Path p = write("tree.onnx", model(nestedIf(10, true, 0).toBuilder()));
        assertTrue(Files.size(p) < 200_000);
        String m = refused(p);
        assertTrue(m.contains("equivalent of more than 1000000 nodes"), m);
        assertDoesNotThrow(() -> OnnxModelCheck.check(write("tree8.onnx", model(nestedIf(8, true, 0).toBuilder()))));
    }

    @Test
    void messagesNestedDeeperThanProtobufsLimitAreRefused() throws Exception {
        OnnxMl.TypeProto t = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))
                .build();
        for (int i = 0; i < 120; i++) {
            t = OnnxMl.TypeProto.newBuilder().setSequenceType(OnnxMl.TypeProto.Sequence.newBuilder().setElemType(t)).build();
        }
        Path p = write("types.onnx", model(OnnxMl.GraphProto.newBuilder().setName("g")
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(t))));
        assertTrue(refused(p).contains("nested deeper than 100"), refused(p));
    }
}
