package dev.parity.safety;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a {@code .pt} zip must satisfy before libtorch opens it: at most {@link #MAX_ENTRIES}
 * entries, no absolute or parent-relative entry names, at most {@link #MAX_TOTAL_BYTES} declared
 * uncompressed, no entry expanding more than {@link #MAX_RATIO} times (zip bombs), and every
 * pickle ({@code *.pkl}, {@code *.debug_pkl}) passing {@link PickleScanner}. Pickles are read with a
 * hard byte cap, so a lying size header cannot make the scan expand without bound.
 */
public final class ArchivePolicy {
    public static final int MAX_ENTRIES = 100_000;
    public static final long MAX_TOTAL_BYTES = 8L << 30;
    public static final long MAX_RATIO = 1_000;
    public static final long MAX_PICKLE_BYTES = 512L << 20;

    private ArchivePolicy() {}

    public static void check(ZipFile zip, Path file) throws UnsafeModelException {
        if (zip.size() > MAX_ENTRIES) {
            throw new UnsafeModelException(file + " has " + zip.size() + " zip entries (limit " + MAX_ENTRIES + ")");
        }
        long total = 0;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String n = e.getName();
            if (n.startsWith("/") || n.startsWith("\\") || n.matches("^[A-Za-z]:.*") || n.contains("\0")) {
                throw new UnsafeModelException(file + ": zip entry '" + n + "' has an absolute path");
            }
            for (String part : n.split("[/\\\\]")) {
                if (part.equals("..")) {
                    throw new UnsafeModelException(file + ": zip entry '" + n + "' climbs out of the archive ('..')");
                }
            }
            long size = e.getSize();
            long packed = e.getCompressedSize();
            if (size > 0) {
                total += size;
                if (packed >= 0 && size > MAX_RATIO * Math.max(packed, 1)) {
                    throw new UnsafeModelException(file + ": zip entry '" + n + "' expands " + size + " bytes from "
                            + packed + " (a zip bomb?)");
                }
            }
            if (total > MAX_TOTAL_BYTES) {
                throw new UnsafeModelException(file + " declares more than " + MAX_TOTAL_BYTES + " uncompressed bytes");
            }
        }
    }

    public static void scanPickles(ZipFile zip, Path file) throws IOException, UnsafeModelException {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String n = e.getName();
            if (!n.endsWith(".pkl") && !n.endsWith(".debug_pkl")) {
                continue;
            }
            try (InputStream in = new CappedInputStream(zip.getInputStream(e), MAX_PICKLE_BYTES)) {
                PickleScanner.scan(in, file.getFileName() + "!" + n);
            } catch (CappedInputStream.LimitExceeded x) {
                throw new UnsafeModelException(file + ": pickle '" + n + "' is larger than " + MAX_PICKLE_BYTES + " bytes");
            }
        }
    }

    /** An input stream that throws once more than {@code limit} bytes were read. */
    static final class CappedInputStream extends java.io.FilterInputStream {
        static final class LimitExceeded extends IOException {
            private static final long serialVersionUID = 1L;
        }

        private long left;

        CappedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw new LimitExceeded();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new LimitExceeded();
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            left -= s;
            if (left < 0) {
                throw new LimitExceeded();
            }
            return s;
        }
    }
}
