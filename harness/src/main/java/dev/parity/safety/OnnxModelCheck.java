package dev.parity.safety;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.parity.errors.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an {@code .onnx} file before ONNX Runtime opens it: at most {@link #MAX_BYTES}; node
 * count, subgraph nesting and message count within {@link OnnxGraphCensus}'s limits (counted from
 * the wire format before anything is built); a well-formed ModelProto; and every tensor ONNX
 * Runtime may materialize consistent and contained. Tensors are found wherever they can be:
 * initializers, sparse initializers (values and indices), node attributes ({@code t},
 * {@code tensors}, {@code sparse_tensor}, {@code sparse_tensors}; so a Constant's {@code value}
 * and {@code sparse_value}), in the main graph, every subgraph (If/Loop/Scan bodies, nested), every
 * function and the training-info graphs. For each:
 * <ul>
 *   <li>its declared size (dims product times element size) matches the bytes present (raw data,
 *       typed values, or the external range), so ONNX Runtime never allocates for data that is not
 *       there; a sparse tensor's dense size is at most {@link #MAX_SPARSE_DENSE_BYTES};</li>
 *   <li>external data names a relative path that resolves, symlinks followed, to a regular file
 *       inside the model's folder, with offset and length inside that file, ranges of one file not
 *       overlapping, no keys ONNX Runtime would read other than location/offset/length/checksum,
 *       and never ONNX Runtime's in-memory address tag ({@code *}{@code /_ORT_MEM_ADDR_/}{@code *},
 *       {@code kTensorProtoMemoryAddressTag} in onnxruntime/core/framework/tensorprotoutils.h: with
 *       it, ONNX Runtime reads {@code offset} as a pointer).</li>
 * </ul>
 * Parsed with the generated ONNX protobuf classes of {@code org.tribuo:tribuo-util-onnx}.
 */
public final class OnnxModelCheck {
    public static final long MAX_BYTES = (2L << 30) - 1;
    /** A sparse tensor is densified at load (Constant sparse_value, sparse initializers); bound what that allocates. */
    public static final long MAX_SPARSE_DENSE_BYTES = (2L << 30) - 1;
    /** onnxruntime/core/framework/tensorprotoutils.h, kTensorProtoMemoryAddressTag. */
    static final String ORT_MEMORY_ADDRESS_TAG = "*/_ORT_MEM_ADDR_/*";

    private OnnxModelCheck() {}

    public static OnnxMl.ModelProto check(Path file) throws BadInputException {
        OnnxMl.ModelProto model = read(file);
        new Cost(model, file).check();
        Walk w = new Walk(file);
        w.graph(model.getGraph(), 0);
        for (OnnxMl.FunctionProto f : model.getFunctionsList()) {
            for (OnnxMl.NodeProto n : f.getNodeList()) {
                w.node(n, 0);
            }
        }
        for (OnnxMl.TrainingInfoProto t : model.getTrainingInfoList()) {
            w.graph(t.getInitialization(), 0);
            w.graph(t.getAlgorithm(), 0);
        }
        w.rangesAreDisjoint();
        return model;
    }

    /**
     * Parses the ModelProto within the size, census and recursion limits, without the external-data
     * checks of {@link #check}; only for reading what a model declares, never before an engine opens it.
     */
    public static OnnxMl.ModelProto read(Path file) throws BadInputException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size > MAX_BYTES) {
            throw new UnsafeModelException(file + " is " + size + " bytes; ONNX protobufs are limited to 2 GiB");
        }
        OnnxGraphCensus.count(file);
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in, 1 << 16);
            cis.setSizeLimit(Integer.MAX_VALUE);
            cis.setRecursionLimit(OnnxGraphCensus.MAX_MESSAGE_DEPTH + 1);
            model = OnnxMl.ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException("not a valid ONNX model: " + file + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!model.hasGraph()) {
            throw new BadInputException("not a valid ONNX model: " + file + " (no graph)");
        }
        return model;
    }

    /**
     * The nodes ONNX Runtime builds and resolves, which is more than the file holds: model-local
     * functions are inlined at every call (a function calling another a thousand times, itself called
     * a thousand times, is a million nodes), and graph resolution revisits a subgraph's nodes about
     * twice per enclosing level (measured on 1.24.2: 16 nested If nodes load in 0.7 s, a full tree of
     * If nodes 12 deep, 0.5 MB, in 61 s, and 13 deep in 243 s). So a node counts 2^d times at
     * subgraph depth d, a call counts its function's cost, and the sum must stay within
     * {@link OnnxGraphCensus#MAX_NODES}; recursive functions are refused.
     */
    private static final class Cost {
        private static final long LIMIT = OnnxGraphCensus.MAX_NODES;
        private final Path file;
        private final Map<String, OnnxMl.FunctionProto> functions = new HashMap<>();
        private final Map<String, Long> known = new HashMap<>();
        private final Set<String> open = new HashSet<>();
        private final OnnxMl.GraphProto main;

        Cost(OnnxMl.ModelProto model, Path file) {
            this.file = file;
            this.main = model.getGraph();
            for (OnnxMl.FunctionProto f : model.getFunctionsList()) {
                functions.put(key(f.getDomain(), f.getName(), f.getOverload()), f);
            }
        }

        void check() throws UnsafeModelException {
            long c = graph(main, 0);
            if (c > LIMIT) {
                throw tooMany(c);
            }
        }

        private static String key(String domain, String name, String overload) {
            return domain + "\0" + name + "\0" + overload;
        }

        private UnsafeModelException tooMany(long c) {
            return new UnsafeModelException(file + ": ONNX Runtime would build the equivalent of " + (c > LIMIT ? "more than "
                    + LIMIT : c) + " nodes (functions inlined at each call, a node nested d subgraphs deep counted 2^d"
                    + " times); limit " + LIMIT);
        }

        private long graph(OnnxMl.GraphProto g, int depth) throws UnsafeModelException {
            long sum = 0;
            for (OnnxMl.NodeProto n : g.getNodeList()) {
                sum = add(sum, node(n, depth));
            }
            return sum;
        }

        private long node(OnnxMl.NodeProto n, int depth) throws UnsafeModelException {
            OnnxMl.FunctionProto f = functions.get(key(n.getDomain(), n.getOpType(), n.getOverload()));
            long own = f == null ? 1 : function(f);
            long sum = own > (LIMIT >> depth) ? LIMIT + 1 : own << depth;
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    sum = add(sum, graph(a.getG(), depth + 1));
                }
                for (OnnxMl.GraphProto sub : a.getGraphsList()) {
                    sum = add(sum, graph(sub, depth + 1));
                }
            }
            return sum;
        }

        /** A function's cost at depth 0, once per function. */
        private long function(OnnxMl.FunctionProto f) throws UnsafeModelException {
            String k = key(f.getDomain(), f.getName(), f.getOverload());
            Long c = known.get(k);
            if (c != null) {
                return c;
            }
            if (!open.add(k)) {
                throw new UnsafeModelException(file + ": function '" + f.getName() + "' calls itself (directly or through"
                        + " other functions); ONNX Runtime would inline it without end");
            }
            long sum = 0;
            for (OnnxMl.NodeProto n : f.getNodeList()) {
                sum = add(sum, node(n, 0));
            }
            open.remove(k);
            known.put(k, sum);
            return sum;
        }

        private long add(long a, long b) throws UnsafeModelException {
            long s = a + b;
            if (s > LIMIT || s < 0) {
                throw tooMany(LIMIT + 1);
            }
            return s;
        }
    }

    /** One pass over the model's tensors, with what it learns about external files. */
    private static final class Walk {
        private final Path file;
        private final Path dir;
        private Path realDir;
        private long sparseDense;
        /** External ranges per resolved file, {offset, length, what}: each byte may back one tensor only. */
        private final Map<Path, List<Object[]>> ranges = new HashMap<>();

        Walk(Path file) {
            this.file = file;
            this.dir = file.toAbsolutePath().getParent();
        }

        void graph(OnnxMl.GraphProto g, int depth) throws UnsafeModelException {
            if (depth > OnnxGraphCensus.MAX_SUBGRAPH_DEPTH) {
                throw new UnsafeModelException(file + ": subgraphs nested deeper than " + OnnxGraphCensus.MAX_SUBGRAPH_DEPTH);
            }
            for (OnnxMl.TensorProto t : g.getInitializerList()) {
                tensor(t, "initializer '" + t.getName() + "'");
            }
            for (OnnxMl.SparseTensorProto t : g.getSparseInitializerList()) {
                sparse(t, "sparse initializer '" + t.getValues().getName() + "'");
            }
            for (OnnxMl.NodeProto n : g.getNodeList()) {
                node(n, depth);
            }
        }

        void node(OnnxMl.NodeProto n, int depth) throws UnsafeModelException {
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                String what = "attribute '" + a.getName() + "' of node '" + n.getName() + "' (" + n.getOpType() + ")";
                if (a.hasT()) {
                    tensor(a.getT(), what);
                }
                for (OnnxMl.TensorProto t : a.getTensorsList()) {
                    tensor(t, what);
                }
                if (a.hasSparseTensor()) {
                    sparse(a.getSparseTensor(), what);
                }
                for (OnnxMl.SparseTensorProto t : a.getSparseTensorsList()) {
                    sparse(t, what);
                }
                if (a.hasG()) {
                    graph(a.getG(), depth + 1);
                }
                for (OnnxMl.GraphProto sub : a.getGraphsList()) {
                    graph(sub, depth + 1);
                }
            }
        }

        /** ONNX Runtime densifies sparse tensors on load (SparseTensorProtoToDenseTensorProto). */
        void sparse(OnnxMl.SparseTensorProto t, String what) throws UnsafeModelException {
            tensor(t.getValues(), what + " (sparse values)");
            tensor(t.getIndices(), what + " (sparse indices)");
            long elements = elements(t.getDimsList(), what);
            long bytes = TensorBytes.of(t.getValues().getDataType(), elements);
            if (bytes < 0 && elements > 0 && TensorBytes.known(t.getValues().getDataType())) {
                throw new UnsafeModelException(file + ": " + what + " declares a dense shape too large to allocate");
            }
            sparseDense += Math.max(bytes, 0);
            if (bytes > MAX_SPARSE_DENSE_BYTES || sparseDense > MAX_SPARSE_DENSE_BYTES) {
                throw new UnsafeModelException(file + ": " + what + " densifies to " + bytes + " bytes (sparse tensors"
                        + " together at most " + MAX_SPARSE_DENSE_BYTES + ")");
            }
        }

        void tensor(OnnxMl.TensorProto t, String what) throws UnsafeModelException {
            int type = t.getDataType();
            long elements = elements(t.getDimsList(), what);
            long bytes = TensorBytes.of(type, elements);
            if (bytes < 0 && TensorBytes.known(type) && type != OnnxMl.TensorProto.DataType.STRING_VALUE) {
                throw new UnsafeModelException(file + ": " + what + " declares " + elements + " elements, too many bytes"
                        + " to allocate");
            }
            if (t.getExternalDataCount() > 0 || t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                external(t, what, bytes);
                return;
            }
            if (t.hasRawData()) {
                if (bytes >= 0 && t.getRawData().size() != bytes) {
                    throw declared(what, elements, bytes, t.getRawData().size() + " bytes of raw data");
                }
                return;
            }
            long present = TensorBytes.typedValues(t);
            long expected = TensorBytes.typedCount(type, elements);
            if (expected >= 0 && present != expected) {
                throw declared(what, elements, bytes, present + " values");
            }
        }

        private UnsafeModelException declared(String what, long elements, long bytes, String present) {
            return new UnsafeModelException(file + ": " + what + " declares " + elements + " elements (" + bytes
                    + " bytes) but holds " + present);
        }

        private long elements(List<Long> dims, String what) throws UnsafeModelException {
            long n = 1;
            for (long d : dims) {
                if (d < 0) {
                    throw new UnsafeModelException(file + ": " + what + " has a negative dimension " + d);
                }
                try {
                    n = Math.multiplyExact(n, d);
                } catch (ArithmeticException e) {
                    throw new UnsafeModelException(file + ": " + what + " declares dims " + dims + ", more elements than"
                            + " can exist");
                }
            }
            return n;
        }

        /**
         * The rules of onnxruntime/core/framework/tensor_external_data_info.cc (ExternalDataInfo::Create)
         * and tensorprotoutils.cc (GetExternalDataInfo), made strict.
         */
        private void external(OnnxMl.TensorProto t, String what, long bytes) throws UnsafeModelException {
            String location = null;
            long offset = 0;
            long length = -1;
            Set<String> keys = new HashSet<>();
            for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
                if (!keys.add(e.getKey())) {
                    throw new UnsafeModelException(file + ": " + what + " names external-data key '" + e.getKey()
                            + "' twice (ONNX Runtime takes the last)");
                }
                switch (e.getKey()) {
                    case "location": location = e.getValue(); break;
                    case "offset": offset = parse(e.getValue(), "offset", what); break;
                    case "length": length = parse(e.getValue(), "length", what); break;
                    case "checksum": break;
                    default:
                        // "prepacked*" entries point ONNX Runtime at more ranges of the file; nothing Parity checks writes them
                        throw new UnsafeModelException(file + ": " + what + " has external-data key '" + e.getKey()
                                + "', which Parity does not accept (only location, offset, length, checksum)");
                }
            }
            if (t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                throw new UnsafeModelException(file + ": " + what + " has external-data entries but is not marked"
                        + " EXTERNAL (readers disagree on where its data is)");
            }
            if (location == null || location.isEmpty()) {
                throw new UnsafeModelException(file + ": " + what + " is stored externally but names no location");
            }
            if (location.equals(ORT_MEMORY_ADDRESS_TAG) || location.contains("*")) {
                throw new UnsafeModelException(file + ": " + what + " names external location '" + location + "', ONNX"
                        + " Runtime's in-memory address tag (it would read the offset as a memory address)");
            }
            if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")
                    || location.contains("\0")) {
                throw new UnsafeModelException(file + ": " + what + " reads external data from an absolute path '"
                        + location + "'");
            }
            for (String part : location.split("[/\\\\]")) {
                if (part.equals("..")) {
                    throw new UnsafeModelException(file + ": " + what + " reads external data outside the model's folder ('"
                            + location + "')");
                }
            }
            if (t.getDataType() == OnnxMl.TensorProto.DataType.STRING_VALUE || bytes < 0) {
                throw new UnsafeModelException(file + ": " + what + " stores data of type " + t.getDataType()
                        + " externally, which ONNX Runtime cannot size");
            }
            // ONNX Runtime reads the computed size; a stated length must be 0 (absent) or that size
            if (length > 0 && length != bytes) {
                throw new UnsafeModelException(file + ": " + what + " declares " + bytes + " bytes but an external"
                        + " length of " + length);
            }
            Path target = dir.resolve(location).normalize();
            try {
                if (realDir == null) {
                    realDir = dir.toRealPath();
                }
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new UnsafeModelException(file + ": " + what + ": external data file '" + location + "' is missing");
                }
                Path real = target.toRealPath();
                if (!real.startsWith(realDir)) {
                    throw new UnsafeModelException(file + ": " + what + ": external data '" + location
                            + "' resolves outside the model's folder (to " + real + ")");
                }
                if (!Files.isRegularFile(real)) {
                    throw new UnsafeModelException(file + ": " + what + ": external data '" + location
                            + "' is not a regular file");
                }
                long size = Files.size(real);
                if (offset < 0 || offset > size || bytes > size - offset) {
                    throw new UnsafeModelException(file + ": " + what + ": external data range " + offset + "+" + bytes
                            + " exceeds '" + location + "' (" + size + " bytes)");
                }
                if (bytes > 0) {
                    ranges.computeIfAbsent(real, k -> new ArrayList<>()).add(new Object[] {offset, bytes, what});
                }
            } catch (IOException e) {
                throw new UnsafeModelException(file + ": " + what + ": cannot resolve external data '" + location + "': "
                        + e.getMessage(), e);
            }
        }

        /** Two tensors on one external byte range would make ONNX Runtime allocate the data twice. */
        void rangesAreDisjoint() throws UnsafeModelException {
            for (Map.Entry<Path, List<Object[]>> e : ranges.entrySet()) {
                List<Object[]> r = e.getValue();
                r.sort((a, b) -> Long.compare((long) a[0], (long) b[0]));
                for (int i = 1; i < r.size(); i++) {
                    long prevEnd = (long) r.get(i - 1)[0] + (long) r.get(i - 1)[1];
                    if ((long) r.get(i)[0] < prevEnd) {
                        throw new UnsafeModelException(file + ": " + r.get(i)[2] + " and " + r.get(i - 1)[2]
                                + " share bytes of external file '" + e.getKey().getFileName() + "'");
                    }
                }
            }
        }

        private long parse(String v, String key, String what) throws UnsafeModelException {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new UnsafeModelException(file + ": " + what + " has a malformed external " + key + " '" + v + "'");
            }
        }
    }

    /** Element sizes and storage of ONNX tensor types (onnx/onnx.proto3, TensorProto.DataType). */
    static final class TensorBytes {
        private TensorBytes() {}

        /** Bits per element; 0 for STRING and for types this table does not know. */
        private static int bits(int type) {
            switch (type) {
                case 1: case 6: case 12: return 32;          // FLOAT, INT32, UINT32
                case 2: case 3: case 9: return 8;            // UINT8, INT8, BOOL
                case 17: case 18: case 19: case 20: case 24: return 8; // FLOAT8 variants, FLOAT8E8M0
                case 4: case 5: case 10: case 16: return 16; // UINT16, INT16, FLOAT16, BFLOAT16
                case 7: case 11: case 13: case 14: return 64; // INT64, DOUBLE, UINT64, COMPLEX64
                case 15: return 128;                          // COMPLEX128
                case 21: case 22: case 23: return 4;         // UINT4, INT4, FLOAT4E2M1 (two per byte)
                case 25: case 26: return 2;                  // UINT2, INT2 (four per byte)
                default: return 0;
            }
        }

        static boolean known(int type) {
            return bits(type) > 0 || type == OnnxMl.TensorProto.DataType.STRING_VALUE;
        }

        /** Bytes the tensor's data occupies; -1 for strings, unknown types, or overflow. */
        static long of(int type, long elements) {
            int bits = bits(type);
            if (bits == 0) {
                return -1;
            }
            try {
                int perByte = 8 / bits;
                return bits >= 8 ? Math.multiplyExact(elements, bits / 8)
                        : elements / perByte + (elements % perByte == 0 ? 0 : 1);
            } catch (ArithmeticException e) {
                return -1;
            }
        }

        /**
         * How many typed values (float_data, int32_data, ...) the type needs; -1 where Parity does
         * not pin it (sub-byte types, whose packing in int32_data is not checked, and unknown types).
         */
        static long typedCount(int type, long elements) {
            switch (type) {
                case 14: case 15: return elements > Long.MAX_VALUE / 2 ? -1 : elements * 2; // real, imaginary
                default:
                    int bits = bits(type);
                    return bits >= 8 || type == OnnxMl.TensorProto.DataType.STRING_VALUE ? elements : -1;
            }
        }

        /** The typed values present, counted in the field the tensor's type uses. */
        static long typedValues(OnnxMl.TensorProto t) {
            switch (t.getDataType()) {
                case 1: case 14: return t.getFloatDataCount();
                case 11: case 15: return t.getDoubleDataCount();
                case 7: return t.getInt64DataCount();
                case 12: case 13: return t.getUint64DataCount();
                case 8: return t.getStringDataCount();
                default: return t.getInt32DataCount();
            }
        }
    }

    /**
     * The external-data locations a model reads, as written in it (initializers, sparse
     * initializers, node attribute tensors, subgraphs, functions); no file is touched. The corpus's
     * integrity check uses it to require a provenance pin for every one.
     */
    public static java.util.Set<String> externalDataLocations(OnnxMl.ModelProto model) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        locations(model.getGraph(), out, 0);
        for (OnnxMl.FunctionProto f : model.getFunctionsList()) {
            for (OnnxMl.NodeProto n : f.getNodeList()) {
                locations(n, out, 1);
            }
        }
        return out;
    }

    private static void locations(OnnxMl.GraphProto g, java.util.Set<String> out, int depth) {
        if (depth > OnnxGraphCensus.MAX_SUBGRAPH_DEPTH) {
            return;
        }
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            location(t, out);
        }
        for (OnnxMl.SparseTensorProto t : g.getSparseInitializerList()) {
            location(t.getValues(), out);
            location(t.getIndices(), out);
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            locations(n, out, depth);
        }
    }

    private static void locations(OnnxMl.NodeProto n, java.util.Set<String> out, int depth) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.hasT()) {
                location(a.getT(), out);
            }
            a.getTensorsList().forEach(t -> location(t, out));
            if (a.hasG()) {
                locations(a.getG(), out, depth + 1);
            }
            for (OnnxMl.GraphProto sub : a.getGraphsList()) {
                locations(sub, out, depth + 1);
            }
        }
    }

    private static void location(OnnxMl.TensorProto t, java.util.Set<String> out) {
        if (t.getExternalDataCount() == 0 && t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            return;
        }
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            if (e.getKey().equals("location")) {
                out.add(e.getValue());
            }
        }
    }
}
