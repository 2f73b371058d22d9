package dev.parity.isolation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The parent-worker protocol: length-prefixed, typed frames on a channel of their own (a Unix domain
 * socket), never on the worker's stdout or stderr, which the model's native code shares. A frame is a
 * 4-byte big-endian payload length, one kind byte and the UTF-8 JSON payload; a frame longer than
 * {@link #MAX_FRAME} or of an unknown kind ends the conversation.
 */
public final class Channel implements AutoCloseable {
    /** Large enough for a check result with every case's evidence, small enough to refuse garbage. */
    public static final int MAX_FRAME = 256 << 20;

    /** What a frame carries. */
    public enum Kind {
        /** parent to worker: a task. */
        TASK('T'),
        /** worker to parent: the answer to a task (a record or a check result). */
        RESULT('R'),
        /** worker to parent: the task ended in an error that has an exit code (bad input, unsafe model, ...). */
        ERROR('E'),
        /** worker to parent: progress within a task. */
        PROGRESS('P');

        final byte tag;

        Kind(char tag) {
            this.tag = (byte) tag;
        }

        static Kind of(byte tag) throws IOException {
            for (Kind k : values()) {
                if (k.tag == tag) {
                    return k;
                }
            }
            throw new IOException("protocol: unknown frame kind " + tag);
        }
    }

    /** One frame. */
    public record Frame(Kind kind, String json) {}

    private final DataInputStream in;
    private final DataOutputStream out;
    private final AutoCloseable underlying;

    public Channel(InputStream in, OutputStream out, AutoCloseable underlying) {
        this.in = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        this.out = new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16));
        this.underlying = underlying;
    }

    public synchronized void write(Kind kind, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_FRAME) {
            throw new IOException("protocol: frame of " + b.length + " bytes exceeds " + MAX_FRAME);
        }
        out.writeInt(b.length);
        out.writeByte(kind.tag);
        out.write(b);
        out.flush();
    }

    /** The next frame, or null at the end of the stream. */
    public Frame read() throws IOException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (n < 0 || n > MAX_FRAME) {
            throw new IOException("protocol: frame length " + n + " out of range");
        }
        Kind k = Kind.of(in.readByte());
        byte[] b = new byte[n];
        in.readFully(b);
        return new Frame(k, new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        try {
            underlying.close();
        } catch (Exception e) {
            // closing a socket that is already gone
        }
    }
}
