package dev.parity.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link OnnxRuntimeEngine} on a model held in memory (the localizer's rewritten export): the same
 * feeding and reading of every dtype as a model loaded from a file, named outputs, and placement.
 */
class OnnxModelInMemoryTest {
    private static final long[] SHAPE = {2, 2};
    private static final Path ORIGIN = Path.of("in-memory.onnx");

    /** One Identity per dtype: input {@code in_<dtype>} to output {@code out_<dtype>}. */
    private static OnnxMl.ModelProto identities(List<OnnxMl.TensorProto.DataType> types) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("identities");
        for (OnnxMl.TensorProto.DataType t : types) {
            String n = t.name().toLowerCase(java.util.Locale.ROOT);
            g.addInput(value("in_" + n, t));
            g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName("/id_" + n + "/Identity")
                    .addInput("in_" + n).addOutput("out_" + n));
            g.addOutput(value("out_" + n, t));
        }
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    private static OnnxMl.ValueInfoProto value(String name, OnnxMl.TensorProto.DataType type) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : SHAPE) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    private static final List<OnnxMl.TensorProto.DataType> TYPES = List.of(OnnxMl.TensorProto.DataType.FLOAT,
            OnnxMl.TensorProto.DataType.DOUBLE, OnnxMl.TensorProto.DataType.INT64, OnnxMl.TensorProto.DataType.INT32,
            OnnxMl.TensorProto.DataType.INT8, OnnxMl.TensorProto.DataType.UINT8, OnnxMl.TensorProto.DataType.BOOL);

    private static List<Tensor> values() {
        return List.of(Tensor.ofFloats(SHAPE, new float[] {1.5f, -0f, Float.NaN, 3e38f}),
                Tensor.ofDoubles(SHAPE, new double[] {1e-300, -2.5, 0.1, Double.POSITIVE_INFINITY}),
                Tensor.ofLongs(SHAPE, new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}),
                Tensor.ofInts(SHAPE, new int[] {Integer.MIN_VALUE, -1, 7, Integer.MAX_VALUE}),
                Tensor.ofBytes(DType.INT8, SHAPE, new byte[] {-128, -1, 0, 127}),
                Tensor.ofBytes(DType.UINT8, SHAPE, new byte[] {0, 1, (byte) 200, (byte) 255}),
                Tensor.ofBytes(DType.BOOL, SHAPE, new byte[] {1, 0, 0, 1}));
    }

    @Test
    void everyDtypeIsFedAndReadBackFromAModelHeldInMemory() throws Exception {
        List<Tensor> in = values();
        try (OnnxRuntimeEngine e = OnnxRuntimeEngine.load(identities(TYPES), ORIGIN, 1, Placement.CPU)) {
            List<Tensor> out = e.run(in);
            assertEquals(in.size(), out.size());
            for (int i = 0; i < in.size(); i++) {
                assertEquals(in.get(i).dtype(), out.get(i).dtype(), "output " + i);
                assertArrayEquals(in.get(i).shape(), out.get(i).shape());
                assertArrayEquals(in.get(i).toDoubleArray(), out.get(i).toDoubleArray(), 0.0, in.get(i).dtype().label());
            }
        }
    }

    @Test
    void namedOutputsComeBackInTheOrderAsked() throws Exception {
        try (OnnxRuntimeEngine e = OnnxRuntimeEngine.load(identities(TYPES), ORIGIN, 0,
                Placement.parse("onnx:cpu:opt=disabled"))) {
            Map<String, Tensor> out = e.run(values(), List.of("out_bool", "out_int32", "out_uint8"));
            assertEquals(List.of("out_bool", "out_int32", "out_uint8"), new ArrayList<>(out.keySet()));
            assertEquals(DType.BOOL, out.get("out_bool").dtype());
            assertEquals(DType.INT32, out.get("out_int32").dtype());
            assertEquals(255, out.get("out_uint8").getDouble(3));
        }
    }

    @Test
    void anUnknownOutputNameIsAnEngineFailure() throws Exception {
        try (OnnxRuntimeEngine e = OnnxRuntimeEngine.load(identities(TYPES), ORIGIN, 0, Placement.CPU)) {
            EngineFailure f = assertThrows(EngineFailure.class, () -> e.run(values(), List.of("no_such_value")));
            assertEquals("onnx", f.engine());
            assertTrue(f.getMessage().contains("no_such_value"), f.getMessage());
        }
    }

    @Test
    void aModelHeldInMemoryThatOnnxRuntimeRefusesIsAnEngineFailureNamingItsOrigin() {
        OnnxMl.ModelProto bad = identities(TYPES).toBuilder().setGraph(identities(TYPES).getGraph().toBuilder()
                .setNode(0, identities(TYPES).getGraph().getNode(0).toBuilder().setOpType("NoSuchOperator"))).build();
        EngineFailure f = assertThrows(EngineFailure.class, () -> OnnxRuntimeEngine.load(bad, ORIGIN, 0, Placement.CPU));
        assertTrue(f.getMessage().startsWith("ONNX Runtime could not load " + ORIGIN), f.getMessage());
    }

    @Test
    void aModelHeldInMemoryHonoursThePlacement() {
        org.junit.jupiter.api.Assumptions.assumeTrue(!Devices.onnxProviders().contains(ai.onnxruntime.OrtProvider.CUDA),
                "this ONNX Runtime has CUDA");
        assertThrows(DeviceUnavailableException.class,
                () -> OnnxRuntimeEngine.load(identities(TYPES), ORIGIN, 0, Placement.parse("onnx:cuda:0")));
    }
}
