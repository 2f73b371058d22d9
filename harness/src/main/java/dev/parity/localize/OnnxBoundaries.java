package dev.parity.localize;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps module paths to ONNX values through torch.onnx's scope-qualified node names: a node named
 * {@code /layer1/layer1.0/conv1/Conv} lies in module {@code layer1.0.conv1} (a scope component that
 * extends the previous one with a dot replaces it, any other is appended). A module's output is the
 * first output of its last node in graph order (its own or a descendant's).
 */
public final class OnnxBoundaries {
    /** A module's ONNX value and the nodes inside it ({@code OpType name}). */
    public record Mapped(String value, List<String> nodes) {}

    private OnnxBoundaries() {}

    /** Module path of a node name, or "" for nodes outside any module scope. */
    static String modulePath(String nodeName) {
        int slash = nodeName.lastIndexOf('/');
        if (!nodeName.startsWith("/") || slash <= 0) {
            return "";
        }
        String q = "";
        for (String c : nodeName.substring(1, slash).split("/")) {
            if (c.isEmpty()) {
                continue;
            }
            if (!q.isEmpty() && c.startsWith(q + ".")) {
                q = c;
            } else {
                q = q.isEmpty() ? c : q + "." + c;
            }
        }
        return q;
    }

    public static Map<String, Mapped> map(OnnxMl.GraphProto g) {
        Map<String, String> last = new LinkedHashMap<>();
        Map<String, List<String>> nodes = new LinkedHashMap<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            String path = modulePath(n.getName());
            if (path.isEmpty() || n.getOutputCount() == 0) {
                continue;
            }
            // the node belongs to its module and to every enclosing one
            for (String p = path; !p.isEmpty(); p = parent(p)) {
                last.put(p, n.getOutput(0));
                nodes.computeIfAbsent(p, k -> new ArrayList<>()).add(n.getOpType() + " " + n.getName());
            }
        }
        Map<String, Mapped> out = new LinkedHashMap<>();
        last.forEach((p, v) -> out.put(p, new Mapped(v, List.copyOf(nodes.get(p)))));
        return out;
    }

    private static String parent(String p) {
        int dot = p.lastIndexOf('.');
        return dot < 0 ? "" : p.substring(0, dot);
    }

    /**
     * The model with {@code values} added as graph outputs. They are declared by name only: ONNX Runtime
     * infers each one's element type and shape from the node that makes it, so a value of any dtype can
     * be exposed (a declared type that differs from the inferred one fails the session).
     */
    public static OnnxMl.ModelProto withOutputs(OnnxMl.ModelProto m, List<String> values) {
        OnnxMl.ModelProto.Builder b = m.toBuilder();
        OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
        java.util.Set<String> present = new java.util.HashSet<>();
        g.getOutputList().forEach(o -> present.add(o.getName()));
        for (String v : values) {
            if (present.add(v)) {
                g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(v));
            }
        }
        return b.build();
    }
}
