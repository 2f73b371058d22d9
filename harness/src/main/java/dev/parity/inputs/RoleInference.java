package dev.parity.inputs;

import ai.onnx.proto.OnnxMl;
import dev.parity.engine.TensorSpec;
import dev.parity.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Infers the roles of a text model's inputs from its ONNX graph and input names, so that a check
 * without flags feeds what users feed. Pure: a function of the ModelProto and the input specs; reads
 * tensor shapes, never external data.
 *
 * <ul>
 *   <li>An integer input that reaches the indices of a {@code Gather} (through Cast, Identity,
 *       Unsqueeze, Reshape, Squeeze, Flatten) whose data is a rank-2 initializer [V, H] (or a Constant,
 *       or an Identity of either) indexes an embedding table: token ids in [0, V); token-type ids in
 *       [0, V) when V &lt;= {@value #MAX_TYPES} or the name says {@code token_type}/{@code segment};
 *       position ids 0, 1, 2, ... when the name says {@code position}. With
 *       several tables, the smallest V, so that every id is valid in all of them.</li>
 *   <li>Any other input named like a mask ({@code mask}, case-insensitive), or used as one (its first
 *       consumer past Cast/Unsqueeze/Identity/Expand/Reshape is {@code Sub} from a constant 1, {@code Not},
 *       {@code Equal} with a constant 0, or the condition of {@code Where}), is an attention mask.</li>
 * </ul>
 * Each role carries one line of evidence.
 */
public final class RoleInference {
    /** Largest embedding table read as token types rather than a vocabulary. */
    public static final long MAX_TYPES = 16;
    private static final Set<String> ID_PASS = Set.of("Cast", "Identity", "Unsqueeze", "Reshape", "Squeeze", "Flatten");
    private static final Set<String> MASK_PASS = Set.of("Cast", "Identity", "Unsqueeze", "Expand", "Reshape");
    private static final int MAX_STEPS = 64;

    private RoleInference() {}

    /** The inferred roles of {@code inputs}, in their order; inputs without one are left out. */
    public static List<RoleAssignment> infer(OnnxMl.ModelProto model, List<TensorSpec> inputs) {
        Graph g = new Graph(model.getGraph());
        List<RoleAssignment> out = new ArrayList<>();
        for (TensorSpec in : inputs) {
            String lower = in.name().toLowerCase(Locale.ROOT);
            if (isInteger(in.dtype())) {
                Table t = g.embeddingTable(in.name());
                if (t != null) {
                    boolean positions = lower.contains("position");
                    boolean types = !positions
                            && (t.rows() <= MAX_TYPES || lower.contains("token_type") || lower.contains("segment"));
                    InputRole role = positions ? InputRole.positionIds(t.rows())
                            : types ? InputRole.tokenTypeIds(t.rows()) : InputRole.tokenIds(t.rows());
                    out.add(RoleAssignment.inferred(in.name(), role, "Gather on " + t.kind() + " '" + t.name() + "' "
                            + Arrays.toString(t.dims()) + (positions ? ", named '" + in.name() + "'" : "")));
                    continue;
                }
            }
            if (lower.contains("mask")) {
                out.add(RoleAssignment.inferred(in.name(), InputRole.attentionMask(), "named '" + in.name() + "'"));
                continue;
            }
            String use = g.maskUse(in.name());
            if (use != null) {
                out.add(RoleAssignment.inferred(in.name(), InputRole.attentionMask(), "used as a mask: " + use));
            }
        }
        return out;
    }

    private static boolean isInteger(DType t) {
        return t == DType.INT64 || t == DType.INT32 || t == DType.INT8 || t == DType.UINT8;
    }

    /** An embedding table: the tensor a Gather reads, where it was found, and its dims. */
    private record Table(String name, String kind, long[] dims) {
        long rows() {
            return dims[0];
        }
    }

    private record Use(OnnxMl.NodeProto node, int slot) {}

    /** The main graph, indexed by value name. */
    private static final class Graph {
        private final Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
        private final Map<String, OnnxMl.NodeProto> producers = new HashMap<>();
        private final Map<String, List<Use>> consumers = new HashMap<>();

        Graph(OnnxMl.GraphProto g) {
            for (OnnxMl.TensorProto t : g.getInitializerList()) {
                initializers.put(t.getName(), t);
            }
            for (OnnxMl.NodeProto n : g.getNodeList()) {
                for (String o : n.getOutputList()) {
                    producers.put(o, n);
                }
                for (int i = 0; i < n.getInputCount(); i++) {
                    consumers.computeIfAbsent(n.getInput(i), k -> new ArrayList<>()).add(new Use(n, i));
                }
            }
        }

        /** The smallest rank-2 table whose Gather indices {@code input} reaches; null for none. */
        Table embeddingTable(String input) {
            Table best = null;
            for (String v : reach(input, ID_PASS)) {
                for (Use u : consumers.getOrDefault(v, List.of())) {
                    if (u.node().getOpType().equals("Gather") && u.slot() == 1 && u.node().getInputCount() >= 2) {
                        Table t = table(u.node().getInput(0));
                        if (t != null && (best == null || t.rows() < best.rows())) {
                            best = t;
                        }
                    }
                }
            }
            return best;
        }

        /** How {@code input} is used as a mask past the pass-through ops, or null. */
        String maskUse(String input) {
            for (String v : reach(input, MASK_PASS)) {
                for (Use u : consumers.getOrDefault(v, List.of())) {
                    OnnxMl.NodeProto n = u.node();
                    String at = " (node '" + n.getName() + "')";
                    switch (n.getOpType()) {
                        case "Sub":
                            if (u.slot() == 1 && allEqual(n.getInput(0), 1)) {
                                return "Sub from the constant 1" + at;
                            }
                            break;
                        case "Not":
                            return "Not" + at;
                        case "Equal":
                            if (n.getInputCount() == 2 && allEqual(n.getInput(1 - u.slot()), 0)) {
                                return "Equal with the constant 0" + at;
                            }
                            break;
                        case "Where":
                            if (u.slot() == 0) {
                                return "condition of Where" + at;
                            }
                            break;
                        default:
                            break;
                    }
                }
            }
            return null;
        }

        /** {@code start} and every value it flows into through ops of {@code pass}, as their first input. */
        private List<String> reach(String start, Set<String> pass) {
            List<String> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            ArrayDeque<String> todo = new ArrayDeque<>(List.of(start));
            while (!todo.isEmpty() && out.size() < MAX_STEPS) {
                String v = todo.poll();
                if (!seen.add(v)) {
                    continue;
                }
                out.add(v);
                for (Use u : consumers.getOrDefault(v, List.of())) {
                    if (u.slot() == 0 && pass.contains(u.node().getOpType())) {
                        todo.addAll(u.node().getOutputList());
                    }
                }
            }
            return out;
        }

        /** The constant tensor behind {@code name}: an initializer or Constant, through Identity and Cast. */
        private OnnxMl.TensorProto constant(String name, String[] kind) {
            for (int step = 0; step < MAX_STEPS; step++) {
                OnnxMl.TensorProto t = initializers.get(name);
                if (t != null) {
                    kind[0] = "initializer";
                    return t;
                }
                OnnxMl.NodeProto n = producers.get(name);
                if (n == null) {
                    return null;
                }
                if (n.getOpType().equals("Constant")) {
                    kind[0] = "constant";
                    return constantValue(n);
                }
                if (!(n.getOpType().equals("Identity") || n.getOpType().equals("Cast")) || n.getInputCount() < 1) {
                    return null;
                }
                name = n.getInput(0);
            }
            return null;
        }

        private Table table(String name) {
            String[] kind = new String[1];
            OnnxMl.TensorProto t = constant(name, kind);
            if (t == null || t.getDimsCount() != 2 || t.getDims(0) < 1) {
                return null;
            }
            return new Table(t.getName().isEmpty() ? name : t.getName(), kind[0], new long[] {t.getDims(0), t.getDims(1)});
        }

        /** Whether {@code name} is a constant of at most 64 elements, all equal to {@code value}. */
        private boolean allEqual(String name, double value) {
            double[] v = values(constant(name, new String[1]));
            if (v == null || v.length == 0) {
                return false;
            }
            for (double x : v) {
                if (x != value) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A Constant node's value as a tensor (the {@code value} attribute, or a scalar/list attribute). */
    private static OnnxMl.TensorProto constantValue(OnnxMl.NodeProto n) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return a.getT();
                case "value_float":
                    return OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                            .addFloatData(a.getF()).build();
                case "value_int":
                    return OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                            .addInt64Data(a.getI()).build();
                case "value_floats":
                    return OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                            .addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build();
                case "value_ints":
                    return OnnxMl.TensorProto.newBuilder().setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
                            .addDims(a.getIntsCount()).addAllInt64Data(a.getIntsList()).build();
                default:
                    break;
            }
        }
        return null;
    }

    /** The elements of a small tensor held in the file (at most 64), or null (external, large, other types). */
    static double[] values(OnnxMl.TensorProto t) {
        if (t == null || t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            return null;
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        if (n < 0 || n > 64) {
            return null;
        }
        int count = (int) n;
        double[] out = new double[count];
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean hasRaw = !t.getRawData().isEmpty();
        switch (t.getDataType()) {
            case OnnxMl.TensorProto.DataType.FLOAT_VALUE:
                if (hasRaw ? raw.remaining() != 4 * count : t.getFloatDataCount() != count) {
                    return null;
                }
                for (int i = 0; i < count; i++) {
                    out[i] = hasRaw ? raw.getFloat(4 * i) : t.getFloatData(i);
                }
                return out;
            case OnnxMl.TensorProto.DataType.DOUBLE_VALUE:
                if (hasRaw ? raw.remaining() != 8 * count : t.getDoubleDataCount() != count) {
                    return null;
                }
                for (int i = 0; i < count; i++) {
                    out[i] = hasRaw ? raw.getDouble(8 * i) : t.getDoubleData(i);
                }
                return out;
            case OnnxMl.TensorProto.DataType.INT64_VALUE:
                if (hasRaw ? raw.remaining() != 8 * count : t.getInt64DataCount() != count) {
                    return null;
                }
                for (int i = 0; i < count; i++) {
                    out[i] = hasRaw ? raw.getLong(8 * i) : t.getInt64Data(i);
                }
                return out;
            case OnnxMl.TensorProto.DataType.INT32_VALUE:
            case OnnxMl.TensorProto.DataType.BOOL_VALUE:
            case OnnxMl.TensorProto.DataType.INT8_VALUE:
            case OnnxMl.TensorProto.DataType.UINT8_VALUE: {
                int width = t.getDataType() == OnnxMl.TensorProto.DataType.INT32_VALUE ? 4 : 1;
                if (hasRaw ? raw.remaining() != width * count : t.getInt32DataCount() != count) {
                    return null;
                }
                for (int i = 0; i < count; i++) {
                    out[i] = !hasRaw ? t.getInt32Data(i) : width == 4 ? raw.getInt(4 * i)
                            : t.getDataType() == OnnxMl.TensorProto.DataType.UINT8_VALUE ? (raw.get(i) & 0xff) : raw.get(i);
                }
                return out;
            }
            default:
                return null;
        }
    }
}
