package dev.parity.localize;

import ai.onnx.proto.OnnxMl;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.InputRegime;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A probe and an ONNX export, written by hand, whose inputs are int32, uint8, float64 and bool
 * (no corpus model has those). Two modules: {@code m1} adds the first, second and fourth input cast to
 * float32; {@code m2} multiplies that by the third, cast to float32. The probe returns
 * {@code (y, m1, m2)}; the export names its nodes the way torch.onnx does ({@code /m1/Add}).
 */
final class TypedPair {
    /** How the export is built. */
    enum Export {
        /** Computes what the probe computes. */
        FAITHFUL,
        /** {@code m2} subtracts instead of multiplying. */
        WRONG_M2,
        /** {@code m1} ends in a transpose, so its value has another shape than the probe's. */
        TRANSPOSED_M1,
        /** {@code m2} uses an operator no ONNX Runtime kernel implements. */
        UNKNOWN_OP
    }

    static final long[] SHAPE = {2, 3};

    private TypedPair() {}

    /** Writes probe.pt, probe64.pt, probe.json and model.onnx into {@code dir}; returns the probe. */
    static Localizer.Probe write(Path dir, Export export) throws IOException {
        Path probe = dir.resolve("probe.pt");
        Files.write(probe, torchScript(6));
        Files.write(dir.resolve("probe64.pt"), torchScript(7));
        Files.writeString(dir.resolve("probe.json"), "{\"format\": 1, \"outputs\": 1, \"boundaries\": [\"m1\", \"m2\"]}");
        Files.write(onnx(dir), model(export).toByteArray());
        return Localizer.Probe.beside(probe);
    }

    static Path onnx(Path dir) {
        return dir.resolve("model.onnx");
    }

    /** One case: int32 a, uint8 b, float64 c, bool d, each 2x3. */
    static InputCase inputs() {
        return new InputCase(0, InputRegime.DISCRETE, List.of("a", "b", "c", "d"), List.of(
                Tensor.ofInts(SHAPE, new int[] {1, -2, 3, 40000, 5, 6}),
                Tensor.ofBytes(DType.UINT8, SHAPE, new byte[] {1, 2, 3, (byte) 200, 5, (byte) 255}),
                Tensor.ofDoubles(SHAPE, new double[] {0.5, 0.25, -1.5, 3.0, 1e-3, 2.0}),
                Tensor.ofBytes(DType.BOOL, SHAPE, new byte[] {1, 0, 1, 0, 0, 1})));
    }

    /** A TorchScript archive computing in {@code dtype} (6: float32, 7: float64). */
    private static byte[] torchScript(int dtype) throws IOException {
        String code = String.join("\n",
                "class Typed(Module):",
                "  __parameters__ = []",
                "  __buffers__ = []",
                "  training : bool",
                "  _is_full_backward_hook : Optional[bool]",
                "  def forward(self: __torch__.typed.Typed,",
                "    a: Tensor,",
                "    b: Tensor,",
                "    c: Tensor,",
                "    d: Tensor) -> Tuple[Tensor, Tensor, Tensor]:",
                "    s = torch.add(torch.add(torch.to(a, D), torch.to(b, D)), torch.to(d, D))",
                "    y = torch.mul(s, torch.to(c, D))",
                "    return (y, torch.clone(s), torch.clone(y))",
                "").replace("D", Integer.toString(dtype));
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        pickle.writeBytes(new byte[] {(byte) 0x80, 2});
        pickle.writeBytes("c__torch__.typed\nTyped\nq\u0000)\u0081}(".getBytes(StandardCharsets.ISO_8859_1));
        binUnicode(pickle, "training");
        pickle.write(0x89); // False
        binUnicode(pickle, "_is_full_backward_hook");
        pickle.write('N');
        pickle.writeBytes("ub.".getBytes(StandardCharsets.ISO_8859_1));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("typed/data.pkl", pickle.toByteArray());
        entries.put("typed/code/__torch__/typed.py", code.getBytes(StandardCharsets.UTF_8));
        entries.put("typed/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        entries.put("typed/version", "3\n".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static void binUnicode(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(new byte[] {(byte) b.length, 0, 0, 0});
        out.writeBytes(b);
    }

    private static OnnxMl.ModelProto model(Export export) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("typed");
        g.addInput(value("a", OnnxMl.TensorProto.DataType.INT32));
        g.addInput(value("b", OnnxMl.TensorProto.DataType.UINT8));
        g.addInput(value("c", OnnxMl.TensorProto.DataType.DOUBLE));
        g.addInput(value("d", OnnxMl.TensorProto.DataType.BOOL));
        g.addNode(cast("/m1/Cast", "a", "/m1/Cast_output_0"));
        g.addNode(cast("/m1/Cast_1", "b", "/m1/Cast_1_output_0"));
        g.addNode(cast("/m1/Cast_2", "d", "/m1/Cast_2_output_0"));
        g.addNode(node("Add", "/m1/Add", List.of("/m1/Cast_output_0", "/m1/Cast_1_output_0"), "/m1/Add_output_0"));
        g.addNode(node("Add", "/m1/Add_1", List.of("/m1/Add_output_0", "/m1/Cast_2_output_0"), "/m1/Add_1_output_0"));
        String s = "/m1/Add_1_output_0";
        if (export == Export.TRANSPOSED_M1) {
            g.addNode(node("Transpose", "/m1/Transpose", List.of(s), "/m1/Transpose_output_0"));
            g.addNode(node("Transpose", "/m2/Transpose", List.of("/m1/Transpose_output_0"), "/m2/Transpose_output_0"));
            s = "/m2/Transpose_output_0";
        }
        g.addNode(cast("/m2/Cast", "c", "/m2/Cast_output_0"));
        String op = export == Export.WRONG_M2 ? "Sub" : export == Export.UNKNOWN_OP ? "NoSuchOperator" : "Mul";
        g.addNode(node(op, "/m2/" + op, List.of(s, "/m2/Cast_output_0"), "y"));
        g.addOutput(value("y", OnnxMl.TensorProto.DataType.FLOAT));
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("parity-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build();
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

    private static OnnxMl.NodeProto cast(String name, String in, String out) {
        return node("Cast", name, List.of(in), out).toBuilder().addAttribute(OnnxMl.AttributeProto.newBuilder()
                .setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(OnnxMl.TensorProto.DataType.FLOAT.getNumber())).build();
    }

    private static OnnxMl.NodeProto node(String op, String name, List<String> in, String out) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out).build();
    }
}
