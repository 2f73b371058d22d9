package dev.parity.safety;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip structures byte by byte, so that tests can build the layouts java.util.zip's writer
 * never produces: two end records, prefix data, local headers that disagree with the directory,
 * overlapping members. Offsets are the caller's to get right (or wrong).
 */
final class ZipBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    long position() {
        return out.size();
    }

    ZipBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A central-directory entry, for the member whose local header is at {@code offset}. */
    record Entry(String name, int method, int flags, long crc, long packed, long size, long offset) {
        Entry at(long newOffset) {
            return new Entry(name, method, flags, crc, packed, size, newOffset);
        }

        Entry named(String newName) {
            return new Entry(newName, method, flags, crc, packed, size, offset);
        }

        Entry sizes(long newPacked, long newSize) {
            return new Entry(name, method, flags, crc, newPacked, newSize, offset);
        }
    }

    /** Appends a stored member (local header with sizes, then data) and returns its central entry. */
    Entry stored(String name, byte[] data) {
        Entry e = new Entry(name, 0, 0, crc(data), data.length, data.length, position());
        raw(local(e));
        raw(data);
        return e;
    }

    /** Appends a deflated member and returns its central entry. */
    Entry deflated(String name, byte[] data) {
        byte[] packed = deflate(data);
        Entry e = new Entry(name, 8, 0, crc(data), packed.length, data.length, position());
        raw(local(e));
        raw(packed);
        return e;
    }

    static byte[] local(Entry e) {
        byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(30 + n.length);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) e.flags()).putShort((short) e.method())
                .putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc()).putInt((int) e.packed())
                .putInt((int) e.size()).putShort((short) n.length).putShort((short) 0).put(n);
        return b.array();
    }

    static byte[] central(Entry... entries) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = le(46 + n.length);
            b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) e.flags())
                    .putShort((short) e.method()).putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc())
                    .putInt((int) e.packed()).putInt((int) e.size()).putShort((short) n.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) e.offset())
                    .put(n);
            d.writeBytes(b.array());
        }
        return d.toByteArray();
    }

    /** A classic end record; {@code commentLength} is written as given (the comment bytes are the caller's). */
    static byte[] end(int entries, long directorySize, long directoryOffset, int commentLength) {
        ByteBuffer b = le(22);
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries)
                .putShort((short) entries).putInt((int) directorySize).putInt((int) directoryOffset)
                .putShort((short) commentLength);
        return b.array();
    }

    /** Central directory and end record for {@code entries}, appended here. */
    ZipBytes finish(Entry... entries) {
        byte[] dir = central(entries);
        long at = position();
        raw(dir);
        return raw(end(entries.length, dir.length, at, 0));
    }

    static long crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return c.getValue();
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            o.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return o.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
