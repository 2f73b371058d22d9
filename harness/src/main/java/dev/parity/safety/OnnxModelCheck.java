package dev.parity.safety;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.parity.check.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks an {@code .onnx} file before ONNX Runtime opens it: at most {@link #MAX_BYTES}, a
 * well-formed ModelProto, and every external-data reference (initializers, tensors in node
 * attributes, subgraphs of If/Loop/Scan, functions) naming a relative path that resolves, symlinks
 * followed, to a regular file inside the model's folder, with offset and length inside that file.
 * Parsed with the generated ONNX protobuf classes of {@code org.tribuo:tribuo-util-onnx}.
 */
public final class OnnxModelCheck {
    public static final long MAX_BYTES = (2L << 30) - 1;
    private static final int MAX_DEPTH = 64;

    private OnnxModelCheck() {}

    public static OnnxMl.ModelProto check(Path file) throws BadInputException {
        OnnxMl.ModelProto model = read(file);
        Path dir = file.toAbsolutePath().getParent();
        graph(model.getGraph(), dir, file, 0);
        for (OnnxMl.FunctionProto f : model.getFunctionsList()) {
            for (OnnxMl.NodeProto n : f.getNodeList()) {
                node(n, dir, file, 1);
            }
        }
        return model;
    }

    /**
     * Parses the ModelProto within the size and recursion limits, without the external-data checks
     * of {@link #check}; only for reading what a model declares, never before an engine opens it.
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
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            cis.setRecursionLimit(200);
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

    private static void graph(OnnxMl.GraphProto g, Path dir, Path file, int depth) throws UnsafeModelException {
        if (depth > MAX_DEPTH) {
            throw new UnsafeModelException(file + ": subgraphs nested deeper than " + MAX_DEPTH);
        }
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            tensor(t, dir, file);
        }
        for (OnnxMl.SparseTensorProto t : g.getSparseInitializerList()) {
            tensor(t.getValues(), dir, file);
            tensor(t.getIndices(), dir, file);
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            node(n, dir, file, depth);
        }
    }

    private static void node(OnnxMl.NodeProto n, Path dir, Path file, int depth) throws UnsafeModelException {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.hasT()) {
                tensor(a.getT(), dir, file);
            }
            for (OnnxMl.TensorProto t : a.getTensorsList()) {
                tensor(t, dir, file);
            }
            if (a.hasG()) {
                graph(a.getG(), dir, file, depth + 1);
            }
            for (OnnxMl.GraphProto sub : a.getGraphsList()) {
                graph(sub, dir, file, depth + 1);
            }
        }
    }

    private static void tensor(OnnxMl.TensorProto t, Path dir, Path file) throws UnsafeModelException {
        if (t.getExternalDataCount() == 0 && t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            return;
        }
        String location = null;
        long offset = 0;
        long length = -1;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location": location = e.getValue(); break;
                case "offset": offset = parse(e.getValue(), "offset", t, file); break;
                case "length": length = parse(e.getValue(), "length", t, file); break;
                default: break;
            }
        }
        String what = file + ": tensor '" + t.getName() + "'";
        if (location == null || location.isEmpty()) {
            throw new UnsafeModelException(what + " is stored externally but names no location");
        }
        if (location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*") || location.contains("\0")) {
            throw new UnsafeModelException(what + " reads external data from an absolute path '" + location + "'");
        }
        for (String part : location.split("[/\\\\]")) {
            if (part.equals("..")) {
                throw new UnsafeModelException(what + " reads external data outside the model's folder ('" + location + "')");
            }
        }
        Path target = dir.resolve(location).normalize();
        try {
            Path realDir = dir.toRealPath();
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new UnsafeModelException(what + ": external data file '" + location + "' is missing");
            }
            Path real = target.toRealPath();
            if (!real.startsWith(realDir)) {
                throw new UnsafeModelException(what + ": external data '" + location + "' resolves outside the model's folder (to "
                        + real + ")");
            }
            if (!Files.isRegularFile(real)) {
                throw new UnsafeModelException(what + ": external data '" + location + "' is not a regular file");
            }
            long size = Files.size(real);
            if (offset < 0 || offset > size || (length >= 0 && offset + length > size)) {
                throw new UnsafeModelException(what + ": external data range " + offset + "+" + length + " exceeds '"
                        + location + "' (" + size + " bytes)");
            }
        } catch (IOException e) {
            throw new UnsafeModelException(what + ": cannot resolve external data '" + location + "': " + e.getMessage(), e);
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
        if (depth > MAX_DEPTH) {
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

    private static long parse(String v, String key, OnnxMl.TensorProto t, Path file) throws UnsafeModelException {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UnsafeModelException(file + ": tensor '" + t.getName() + "' has a malformed external " + key + " '" + v + "'");
        }
    }
}
