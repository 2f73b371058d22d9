package dev.parity.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How module paths map to ONNX values: dynamo metadata scopes first, torch.onnx's scoped names otherwise. */
class OnnxBoundariesTest {
    /** A node as torch.onnx's dynamo exporter writes it: an unscoped name and its scopes in metadata_props. */
    private static OnnxMl.NodeProto dynamo(String op, String out, String scopes) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName("node_" + out).addOutput(out)
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(OnnxBoundaries.NAME_SCOPES)
                        .setValue(scopes))
                .build();
    }

    private static OnnxMl.NodeProto legacy(String op, String name, String out) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(out).build();
    }

    private static Map<String, OnnxBoundaries.Mapped> map(OnnxMl.NodeProto... nodes) {
        return OnnxBoundaries.map(OnnxMl.GraphProto.newBuilder().addAllNode(List.of(nodes)).build());
    }

    @Test
    void pythonListsOfStringsAreRead() {
        assertEquals(List.of("", "pool", "avg_pool2d"), OnnxBoundaries.pythonStrings("['', 'pool', 'avg_pool2d']"));
        assertEquals(List.of("it's", "a\\b"), OnnxBoundaries.pythonStrings("[\"it's\", 'a\\\\b']"));
        assertEquals(List.of(), OnnxBoundaries.pythonStrings("[]"));
        assertNull(OnnxBoundaries.pythonStrings("pool/avg_pool2d"));
        assertNull(OnnxBoundaries.pythonStrings("['pool' 'x']"));
        assertNull(OnnxBoundaries.pythonStrings("['pool', x]"));
        assertNull(OnnxBoundaries.pythonStrings("['unterminated]"));
    }

    @Test
    void aModulesValueIsItsLastNodesOutputFromMetadataScopes() {
        Map<String, OnnxBoundaries.Mapped> m = map(
                dynamo("Conv", "conv2d", "['', 'conv', 'conv2d']"),
                dynamo("AveragePool", "y", "['', 'pool', 'avg_pool2d']"));
        assertEquals("conv2d", m.get("conv").value());
        assertEquals("y", m.get("pool").value());
        assertEquals(List.of("AveragePool node_y"), m.get("pool").nodes());
        assertEquals(2, m.size(), "the root scope '' and node names are no modules: " + m.keySet());
    }

    @Test
    void nestedScopesPlaceANodeInEveryEnclosingModule() {
        Map<String, OnnxBoundaries.Mapped> m = map(
                dynamo("Conv", "c", "['', 'layer1', 'layer1.0', 'layer1.0.bn1', '_native_batch_norm_legit_no_training']"),
                dynamo("Add", "a", "['', 'layer1', 'layer1.0', 'add']"),
                dynamo("Relu", "r", "['', 'layer1', 'layer1.0', 'layer1.0.relu', 'relu_1']"));
        // a BatchNorm fused into its Conv carries the BatchNorm's scope: conv1 has no node of its own
        assertEquals("c", m.get("layer1.0.bn1").value());
        assertFalse(m.containsKey("layer1.0.conv1"));
        assertEquals("r", m.get("layer1.0").value());
        assertEquals("r", m.get("layer1").value());
        assertEquals(List.of("Conv node_c", "Add node_a", "Relu node_r"), m.get("layer1.0").nodes());
    }

    @Test
    void leafScopeComponentsAreQualifiedAsInScopedNames() {
        Map<String, OnnxBoundaries.Mapped> m = map(dynamo("Conv", "c", "['', 'layer1', '0', 'conv1', 'conv2d']"));
        assertEquals("c", m.get("layer1.0.conv1").value());
        assertEquals("c", m.get("layer1").value());
    }

    @Test
    void aModuleCalledAgainAfterOtherModulesIsNamedAsTheProbeNamesItsSecondCall() {
        Map<String, OnnxBoundaries.Mapped> m = map(
                dynamo("Relu", "r0", "['', 'act', 'relu']"),
                dynamo("Conv", "c", "['', 'block', 'block.conv', 'conv2d']"),
                dynamo("Relu", "r1", "['', 'act', 'relu_1']"),
                dynamo("Conv", "c1", "['', 'block', 'block.conv', 'conv2d_1']"),
                dynamo("Reshape", "v", "['', 'view']"),
                dynamo("Relu", "r2", "['', 'act', 'relu_2']"));
        assertEquals("r0", m.get("act").value());
        assertEquals("r1", m.get("act_1").value());
        assertEquals("r2", m.get("act_2").value());
        assertEquals("c", m.get("block.conv").value());
        assertEquals("c1", m.get("block_1").value());
        assertEquals("c1", m.get("block.conv_1").value());
    }

    @Test
    void consecutiveNodesOfOneModuleAndUnscopedNodesBetweenThemAreOneCall() {
        Map<String, OnnxBoundaries.Mapped> m = map(
                dynamo("Mul", "a", "['', 'gelu', 'mul']"),
                legacy("Constant", "node_Constant_7", "k"),
                dynamo("Tanh", "b", "['', 'gelu', 'tanh']"));
        assertEquals("b", m.get("gelu").value());
        assertFalse(m.containsKey("gelu_1"), m.keySet().toString());
    }

    @Test
    void scopedNodeNamesAreTheFallbackWithoutMetadata() {
        Map<String, OnnxBoundaries.Mapped> m = map(
                legacy("Conv", "/layer1/layer1.0/conv1/Conv", "c"),
                legacy("Relu", "/layer1/layer1.0/relu/Relu", "r"),
                legacy("Relu", "/act_1/Relu", "r1"));
        assertEquals("c", m.get("layer1.0.conv1").value());
        assertEquals("r", m.get("layer1").value());
        assertEquals("r1", m.get("act_1").value());
    }

    @Test
    void unreadableMetadataFallsBackToTheNodeName() {
        OnnxMl.NodeProto n = legacy("Relu", "/relu/Relu", "r").toBuilder()
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(OnnxBoundaries.NAME_SCOPES)
                        .setValue("not a list"))
                .build();
        assertEquals("r", map(n).get("relu").value());
    }
}
