package dev.parity.localize;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps module paths to ONNX values. A node's modules come from its {@code metadata_props} where the
 * exporter wrote them (torch.onnx's dynamo exporter: {@code pkg.torch.onnx.name_scopes}, e.g.
 * {@code ['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'conv2d_1']}, the enclosing modules outermost
 * first and the node's own name last), else from torch.onnx's scope-qualified node names (the
 * TorchScript-based exporter: {@code /layer1/layer1.0/conv1/Conv} lies in {@code layer1.0.conv1}).
 * In both, a scope component that extends the previous one with a dot replaces it, any other is
 * appended. A module's output is the first output of its last node in graph order (its own or a
 * descendant's).
 *
 * <p>Metadata scopes do not tell the calls of a module apart (a ReLU used twice is {@code act} in both):
 * a module whose nodes come back after nodes outside it is called again, and its later calls are named
 * as the probe names them ({@code act_1}, {@code act_2}). Nodes without scope metadata (made by an
 * optimiser) neither belong to a module nor end a call.
 */
public final class OnnxBoundaries {
    /** The metadata key of the dynamo exporter's module scopes. */
    public static final String NAME_SCOPES = "pkg.torch.onnx.name_scopes";

    /** A module's ONNX value and the nodes inside it ({@code OpType name}). */
    public record Mapped(String value, List<String> nodes) {}

    private OnnxBoundaries() {}

    /** Module path of a node name, or "" for nodes outside any module scope. */
    static String modulePath(String nodeName) {
        int slash = nodeName.lastIndexOf('/');
        if (!nodeName.startsWith("/") || slash <= 0) {
            return "";
        }
        List<String> chain = qualify(List.of(nodeName.substring(1, slash).split("/")));
        return chain.isEmpty() ? "" : chain.get(chain.size() - 1);
    }

    /** Qualified paths of nested scope components, outermost first: [layer1, 0, conv1] -> layer1, layer1.0, layer1.0.conv1. */
    private static List<String> qualify(List<String> components) {
        List<String> chain = new ArrayList<>();
        String q = "";
        for (String c : components) {
            if (c.isEmpty()) {
                continue;
            }
            q = !q.isEmpty() && c.startsWith(q + ".") ? c : q.isEmpty() ? c : q + "." + c;
            chain.add(q);
        }
        return chain;
    }

    /**
     * The enclosing module paths of a node from its {@value #NAME_SCOPES} metadata, outermost first (empty
     * for a node at the top level), or null when the node has no such metadata or it cannot be read.
     */
    static List<String> metadataScopes(OnnxMl.NodeProto n) {
        for (OnnxMl.StringStringEntryProto p : n.getMetadataPropsList()) {
            if (p.getKey().equals(NAME_SCOPES)) {
                List<String> scopes = pythonStrings(p.getValue());
                // the last entry is the node's own name, not a module
                return scopes == null || scopes.isEmpty() ? null : qualify(scopes.subList(0, scopes.size() - 1));
            }
        }
        return null;
    }

    /**
     * Parses a Python {@code repr} of a list of strings ({@code ['', 'pool', "it's"]}), or null when the
     * text is not one. Escapes are kept as the character after the backslash, enough for module paths.
     */
    static List<String> pythonStrings(String text) {
        String s = text.strip();
        if (s.length() < 2 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
            return null;
        }
        List<String> out = new ArrayList<>();
        int i = 1;
        int end = s.length() - 1;
        while (true) {
            while (i < end && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i == end) {
                return out;
            }
            char quote = s.charAt(i);
            if (quote != '\'' && quote != '"') {
                return null;
            }
            StringBuilder b = new StringBuilder();
            i++;
            while (i < end && s.charAt(i) != quote) {
                if (s.charAt(i) == '\\' && i + 1 < end) {
                    i++;
                }
                b.append(s.charAt(i++));
            }
            if (i >= end) {
                return null;
            }
            out.add(b.toString());
            i++;
            while (i < end && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i < end) {
                if (s.charAt(i) != ',') {
                    return null;
                }
                i++;
            }
        }
    }

    public static Map<String, Mapped> map(OnnxMl.GraphProto g) {
        Map<String, String> last = new LinkedHashMap<>();
        Map<String, List<String>> nodes = new LinkedHashMap<>();
        Calls calls = new Calls();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            List<String> chain = metadataScopes(n);
            if (chain != null) {
                chain = calls.name(chain);
            } else {
                String path = modulePath(n.getName());
                chain = new ArrayList<>();
                for (String p = path; !p.isEmpty(); p = parent(p)) {
                    chain.add(0, p);
                }
            }
            if (chain.isEmpty() || n.getOutputCount() == 0) {
                continue;
            }
            // the node belongs to its module and to every enclosing one
            String label = n.getOpType() + " " + (n.getName().isEmpty() ? n.getOutput(0) : n.getName());
            for (String p : chain) {
                last.put(p, n.getOutput(0));
                nodes.computeIfAbsent(p, k -> new ArrayList<>()).add(label);
            }
        }
        Map<String, Mapped> out = new LinkedHashMap<>();
        last.forEach((p, v) -> out.put(p, new Mapped(v, List.copyOf(nodes.get(p)))));
        return out;
    }

    /**
     * Call numbering of metadata scopes: a module is called again when its nodes resume after a node
     * (with scopes) outside it. Call k > 0 of {@code a.b} is named {@code a.b_k}, as the probe names it.
     */
    private static final class Calls {
        private final Map<String, Integer> count = new HashMap<>();
        private Set<String> open = Set.of();

        List<String> name(List<String> chain) {
            List<String> named = new ArrayList<>(chain.size());
            for (String p : chain) {
                int k = (open.contains(p) ? count.get(p) : count.merge(p, 1, Integer::sum)) - 1;
                named.add(k == 0 ? p : p + "_" + k);
            }
            open = new HashSet<>(chain);
            return named;
        }
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
