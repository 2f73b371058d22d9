package dev.parity.inputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.parity.engine.TensorSpec;
import dev.parity.safety.OnnxModelCheck;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roles inferred from small ONNX graphs built here: a BERT-like embedding block (word, position and
 * token-type tables, one of them stored as external data), a mask found by its use, a mask found by
 * its name, and inputs that must get no role.
 */
class RoleInferenceTest {
    private static final TensorSpec IDS = spec("input_ids", DType.INT64);
    private static final TensorSpec TYPES = spec("segments", DType.INT64);
    private static final TensorSpec POS = spec("pos", DType.INT32);
    private static final TensorSpec AM = spec("am", DType.INT64);
    private static final TensorSpec NAMED = spec("attention_mask", DType.FLOAT32);
    private static final TensorSpec PLAIN = spec("counts", DType.INT64);
    private static final TensorSpec DATA_GATHER = spec("table_index", DType.INT64);
    private static final List<TensorSpec> SPECS = List.of(IDS, TYPES, POS, AM, NAMED, PLAIN, DATA_GATHER);

    private static TensorSpec spec(String name, DType t) {
        return new TensorSpec(name, t, new long[] {-1, -1}, new String[] {"batch", "seq"});
    }

    private static OnnxMl.TensorProto table(String name, long rows, long cols, boolean external) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addDims(rows).addDims(cols);
        if (external) {
            // as the dynamo exporter writes weights: dims in the proto, bytes in model.onnx.data (absent here)
            t.setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue("model.onnx.data"))
                    .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                    .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length")
                            .setValue(Long.toString(rows * cols * 4)));
        } else {
            for (long i = 0; i < rows * cols; i++) {
                t.addFloatData(i);
            }
        }
        return t.build();
    }

    private static OnnxMl.NodeProto node(String op, String name, List<String> in, List<String> out) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out).build();
    }

    private static OnnxMl.ValueInfoProto input(TensorSpec s) {
        int type = s.dtype() == DType.FLOAT32 ? OnnxMl.TensorProto.DataType.FLOAT_VALUE
                : s.dtype() == DType.INT32 ? OnnxMl.TensorProto.DataType.INT32_VALUE : OnnxMl.TensorProto.DataType.INT64_VALUE;
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("seq"));
        return OnnxMl.ValueInfoProto.newBuilder().setName(s.name()).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    /** A BERT-like embedding block with a mask, as a file read back through {@link OnnxModelCheck#read}. */
    static OnnxMl.ModelProto bertLike(Path dir) throws Exception {
        OnnxMl.TensorProto one = OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(1f).build();
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("g")
                .addAllInput(SPECS.stream().map(RoleInferenceTest::input).collect(Collectors.toList()))
                .addInitializer(table("embeddings.word_embeddings.weight", 1000, 32, true))
                .addInitializer(table("embeddings.token_type_embeddings.weight", 2, 32, false))
                .addInitializer(table("embeddings.position_embeddings.weight", 64, 32, false))
                // word ids through a Cast, straight into a Gather on the (external) table
                .addNode(node("Cast", "cast_ids", List.of("input_ids"), List.of("ids64")))
                .addNode(node("Gather", "word", List.of("embeddings.word_embeddings.weight", "ids64"), List.of("w")))
                .addNode(node("Gather", "type", List.of("embeddings.token_type_embeddings.weight", "segments"),
                        List.of("t")))
                // position ids through Reshape, on an Identity of the table
                .addNode(node("Identity", "pos_table", List.of("embeddings.position_embeddings.weight"),
                        List.of("pos_w")))
                .addNode(node("Reshape", "flat", List.of("pos", "shape"), List.of("pos_flat")))
                .addNode(node("Gather", "position", List.of("pos_w", "pos_flat"), List.of("p")))
                // 'am': Cast -> Sub(1, x), as (1.0 - mask) * min in BERT
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Constant").setName("c1").addOutput("one")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value").setT(one)
                                .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)))
                .addNode(node("Unsqueeze", "unsq", List.of("am", "axes"), List.of("am4")))
                .addNode(node("Cast", "cast_am", List.of("am4"), List.of("amf")))
                .addNode(node("Sub", "invert", List.of("one", "amf"), List.of("inverted")))
                .addNode(node("Mul", "use_named", List.of("attention_mask", "w"), List.of("m")))
                .addNode(node("Add", "use_counts", List.of("counts", "counts"), List.of("c")))
                // an integer input used as the data of a Gather, not its indices: no embedding
                .addNode(node("Gather", "data_gather", List.of("table_index", "ids64"), List.of("d")))
                .build();
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build();
        Path file = dir.resolve("bert_like.onnx");
        Files.write(file, m.toByteArray());
        return OnnxModelCheck.read(file);
    }

    private static Map<String, RoleAssignment> infer(Path dir) throws Exception {
        return RoleInference.infer(bertLike(dir), SPECS).stream()
                .collect(Collectors.toMap(RoleAssignment::input, a -> a));
    }

    @Test
    void idsIndexingAnEmbeddingTableGetTheVocabularyRangeWithItsEvidence(@TempDir Path dir) throws Exception {
        RoleAssignment ids = infer(dir).get("input_ids");
        assertEquals(InputRole.tokenIds(1000), ids.role());
        assertEquals(RoleAssignment.Origin.INFERRED, ids.origin());
        assertEquals("Gather on initializer 'embeddings.word_embeddings.weight' [1000, 32]", ids.evidence());
        assertEquals("token-ids [0, 1000) inferred: Gather on initializer 'embeddings.word_embeddings.weight' "
                + "[1000, 32]", ids.describe(null));
    }

    /** GPT-2's exported position_ids index the position table: counted along the sequence, not random ids. */
    @Test
    void anInputNamedPositionIdsIndexingATableGetsPositions(@TempDir Path dir) throws Exception {
        TensorSpec positions = spec("position_ids", DType.INT64);
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("g").addInput(input(positions))
                .addInitializer(table("wpe.weight", 64, 32, false))
                .addNode(node("Gather", "wpe", List.of("wpe.weight", "position_ids"), List.of("p"))).build();
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build();
        RoleAssignment a = RoleInference.infer(m, List.of(positions)).get(0);
        assertEquals(InputRole.positionIds(64), a.role());
        assertEquals("Gather on initializer 'wpe.weight' [64, 32], named 'position_ids'", a.evidence());
        assertEquals(InputRole.positionIds(64), InputRole.parse("position-ids:64"));
    }

    /**
     * A hostile graph whose values feed each other in a ring (invalid ONNX, but a file can say anything):
     * the walk ends, and an embedding "table" that is only a ring of Identities is no table.
     */
    @Test
    void aGraphWithCyclesEndsWithoutARole() {
        TensorSpec ids = spec("input_ids", DType.INT64);
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("g").addInput(input(ids))
                .addNode(node("Cast", "c", List.of("input_ids"), List.of("x")))
                .addNode(node("Identity", "xy", List.of("x"), List.of("y")))
                .addNode(node("Identity", "yx", List.of("y"), List.of("x")))
                .addNode(node("Identity", "t12", List.of("t1"), List.of("t2")))
                .addNode(node("Identity", "t21", List.of("t2"), List.of("t1")))
                .addNode(node("Gather", "gather", List.of("t1", "y"), List.of("out"))).build();
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build();
        assertEquals(List.of(), RoleInference.infer(m, List.of(ids)));
    }

    @Test
    void aSmallTableMakesTokenTypeIds(@TempDir Path dir) throws Exception {
        assertEquals(InputRole.tokenTypeIds(2), infer(dir).get("segments").role());
    }

    @Test
    void tablesBehindIdentityAndIdsThroughReshapeAreFollowed(@TempDir Path dir) throws Exception {
        RoleAssignment pos = infer(dir).get("pos");
        assertEquals(InputRole.tokenIds(64), pos.role(), "64 rows is above the token-type limit of 16");
        assertTrue(pos.evidence().contains("'embeddings.position_embeddings.weight' [64, 32]"), pos.evidence());
    }

    @Test
    void anInputUsedAsOneMinusMaskIsAMask(@TempDir Path dir) throws Exception {
        RoleAssignment am = infer(dir).get("am");
        assertEquals(InputRole.attentionMask(), am.role());
        assertEquals("used as a mask: Sub from the constant 1 (node 'invert')", am.evidence());
    }

    @Test
    void anInputNamedLikeAMaskIsAMaskWhateverItsType(@TempDir Path dir) throws Exception {
        RoleAssignment named = infer(dir).get("attention_mask");
        assertEquals(InputRole.attentionMask(), named.role());
        assertEquals("named 'attention_mask'", named.evidence());
        assertEquals("attention-mask, padded-row inferred: named 'attention_mask'",
                named.describe(PaddingPattern.PADDED_ROW));
    }

    @Test
    void integersThatIndexNoTableGetNoRole(@TempDir Path dir) throws Exception {
        Map<String, RoleAssignment> roles = infer(dir);
        assertNull(roles.get("counts"));
        assertNull(roles.get("table_index"), "the data of a Gather is not its indices");
        assertEquals(5, roles.size(), roles.toString());
    }

    @Test
    void anExplicitInputRangeWinsOverTheInferredRole(@TempDir Path dir) throws Exception {
        List<RoleAssignment> roles = RoleInference.infer(bertLike(dir), SPECS);
        List<InputCase> cases = CasePlanner.plan(SPECS, List.of(InputOverride.range("input_ids", DType.INT64, 5, 7)),
                roles, List.of(2L), Map.of(), 0);
        for (InputCase c : cases) {
            Tensor ids = c.tensors().get(0);
            for (long v : ids.longs()) {
                assertTrue(v == 5 || v == 6, "ids in the --input range [5, 7), got " + v);
            }
            assertNull(c.roleText("input_ids"), "no role for an input with an explicit range");
            assertTrue(c.roleText("segments").startsWith("token-type-ids [0, 2) inferred"), c.roleText("segments"));
        }
    }

    @Test
    void constantValuesAreReadFromRawAndTypedData() {
        OnnxMl.TensorProto raw = OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 0, 0, 0, 0, 0, 0, 0})).build();
        assertEquals(1.0, RoleInference.values(raw)[0]);
        OnnxMl.TensorProto ext = raw.toBuilder().setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL).build();
        assertNull(RoleInference.values(ext), "external data is never loaded");
    }
}
