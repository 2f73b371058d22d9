package dev.parity.safety;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.parity.errors.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts what a serialized ModelProto holds (nodes, messages, subgraph nesting) from its wire
 * format, before anything is built from it: one streaming pass that follows only message-typed
 * fields (per the generated ONNX descriptors) and skips every scalar and byte string, so a model of
 * millions of empty nodes costs this pass no memory. Refuses, with one line each, more than
 * {@link #MAX_NODES} nodes in all (main graph, every subgraph, every function), subgraphs nested
 * deeper than {@link #MAX_SUBGRAPH_DEPTH}, more than {@link #MAX_MESSAGES} messages, or messages
 * nested deeper than {@link #MAX_MESSAGE_DEPTH}.
 *
 * <p>Why these numbers: ONNX Runtime 1.24.2 spends about 1 KB of native memory per node while it
 * builds its graph (a 6 MB file of empty nodes took 3.2 GB), and its graph resolution repeats work
 * per nesting level (30 nested If nodes in 4 KB did not finish loading). Large real exports have
 * tens to a few hundred thousand nodes and nest control flow a few levels deep; a model over these
 * limits is refused rather than handed to ONNX Runtime.
 */
public final class OnnxGraphCensus {
    public static final int MAX_NODES = 1_000_000;
    public static final int MAX_SUBGRAPH_DEPTH = 16;
    public static final int MAX_MESSAGES = 10_000_000;
    /** protobuf's own default recursion limit, which ONNX Runtime's C++ parser applies too. */
    public static final int MAX_MESSAGE_DEPTH = 100;

    private static final Descriptor NODE = OnnxMl.NodeProto.getDescriptor();
    private static final Descriptor GRAPH = OnnxMl.GraphProto.getDescriptor();

    /** What the file holds: all nodes, all messages, and the deepest subgraph (0: main graph only). */
    public record Census(long nodes, long messages, int subgraphDepth) {}

    private final Path file;
    private long nodes;
    private long messages;
    private int deepest;

    private OnnxGraphCensus(Path file) {
        this.file = file;
    }

    /**
     * @throws UnsafeModelException when a limit is exceeded
     * @throws BadInputException when the bytes are not a well-formed protobuf
     */
    public static Census count(Path file) throws BadInputException {
        OnnxGraphCensus c = new OnnxGraphCensus(file);
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in, 1 << 16);
            cis.setSizeLimit(Integer.MAX_VALUE);
            c.walk(cis, OnnxMl.ModelProto.getDescriptor(), 0, -1);
            if (!cis.isAtEnd()) {
                throw new BadInputException("not a valid ONNX model: " + file + " (stray end-group tag)");
            }
        } catch (InvalidProtocolBufferException e) {
            throw new BadInputException("not a valid ONNX model: " + file + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new Census(c.nodes, c.messages, c.deepest);
    }

    /** @param graphs how many GraphProto messages enclose this one, -1 outside the main graph */
    private void walk(CodedInputStream in, Descriptor type, int depth, int graphs) throws IOException, BadInputException {
        for (;;) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            FieldDescriptor f = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
            if (f == null || f.getJavaType() != FieldDescriptor.JavaType.MESSAGE
                    || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                if (!in.skipField(tag)) {
                    return; // an end-group tag: the caller sees it as not at end
                }
                continue;
            }
            Descriptor sub = f.getMessageType();
            if (depth + 1 > MAX_MESSAGE_DEPTH) {
                throw new UnsafeModelException(file + ": protobuf messages nested deeper than " + MAX_MESSAGE_DEPTH);
            }
            if (++messages > MAX_MESSAGES) {
                throw new UnsafeModelException(file + " holds more than " + MAX_MESSAGES + " protobuf messages");
            }
            if (sub == NODE && ++nodes > MAX_NODES) {
                throw new UnsafeModelException(file + " has more than " + MAX_NODES + " nodes (graph, subgraphs and"
                        + " functions together)");
            }
            int g = graphs;
            if (sub == GRAPH) {
                g = graphs + 1;
                if (g > MAX_SUBGRAPH_DEPTH) {
                    throw new UnsafeModelException(file + ": subgraphs (If/Loop/Scan bodies) nested deeper than "
                            + MAX_SUBGRAPH_DEPTH + " levels");
                }
                deepest = Math.max(deepest, g);
            }
            int length = in.readRawVarint32();
            if (length < 0) {
                throw new BadInputException("not a valid ONNX model: " + file + " (negative length)");
            }
            int limit = in.pushLimit(length);
            walk(in, sub, depth + 1, g);
            in.checkLastTagWas(0);
            if (in.getBytesUntilLimit() != 0) {
                throw new BadInputException("not a valid ONNX model: " + file + " (a message ends early)");
            }
            in.popLimit(limit);
        }
    }
}
