package dev.parity.safety;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * What a {@code .pt} zip must satisfy before libtorch opens it, judged on the members libtorch's
 * zip reader sees ({@link ZipDirectory}): at most {@link #MAX_ENTRIES} entries, no absolute or
 * parent-relative entry names, at most {@link #MAX_TOTAL_BYTES} declared uncompressed in all, no
 * entry expanding more than {@link #MAX_RATIO} times (zip bombs; libtorch allocates the declared
 * size and inflates into it, {@code PyTorchStreamReader::getRecord}), and every member libtorch
 * may unpickle passing {@link PickleScanner}. Which members those are is decided as libtorch's
 * lookups match names: case-insensitively (miniz's {@code mz_zip_reader_locate_file} without
 * {@code MZ_ZIP_FLAG_CASE_SENSITIVE}), so {@code DATA.PKL} counts as {@code data.pkl}.
 */
public final class ArchivePolicy {
    public static final int MAX_ENTRIES = 100_000;
    public static final long MAX_TOTAL_BYTES = 8L << 30;
    public static final long MAX_RATIO = 1_000;
    public static final long MAX_PICKLE_BYTES = 512L << 20;

    private ArchivePolicy() {}

    /**
     * Whether libtorch may read a member of this name as a pickle: {@code data.pkl},
     * {@code constants.pkl}, {@code bytecode.pkl} and the {@code code/**.debug_pkl} source ranges,
     * in any letter case (caffe2/serialize/inline_container.cc asks for them by name; miniz matches
     * case-insensitively). Any {@code *.pkl} counts, so a name libtorch adds later is covered.
     */
    public static boolean readAsPickle(String name) {
        String n = ZipDirectory.asciiLower(name);
        return n.endsWith(".pkl") || n.endsWith(".debug_pkl");
    }

    /** Entry names and the sizes libtorch would inflate, from the central directory. */
    public static void check(ZipDirectory zip, Path file) throws UnsafeModelException {
        if (zip.members().size() > MAX_ENTRIES) {
            throw new UnsafeModelException(file + " has " + zip.members().size() + " zip entries (limit " + MAX_ENTRIES + ")");
        }
        long total = 0;
        for (ZipDirectory.Member e : zip.members()) {
            String n = e.name();
            if (n.startsWith("/") || n.startsWith("\\") || n.matches("^[A-Za-z]:.*") || n.contains("\0")) {
                throw new UnsafeModelException(file + ": zip entry '" + n + "' has an absolute path");
            }
            for (String part : n.split("[/\\\\]")) {
                if (part.equals("..")) {
                    throw new UnsafeModelException(file + ": zip entry '" + n + "' climbs out of the archive ('..')");
                }
            }
            long size = e.size();
            long packed = e.compressedSize();
            if (size > MAX_RATIO * Math.max(packed, 1)) {
                throw new UnsafeModelException(file + ": zip entry '" + n + "' expands " + size + " bytes from "
                        + packed + " (a zip bomb?)");
            }
            if (readAsPickle(n) && size > MAX_PICKLE_BYTES) {
                throw new UnsafeModelException(file + ": pickle '" + n + "' declares " + size + " bytes (limit "
                        + MAX_PICKLE_BYTES + ")");
            }
            total += size;
            if (total > MAX_TOTAL_BYTES) {
                throw new UnsafeModelException(file + " declares more than " + MAX_TOTAL_BYTES + " uncompressed bytes");
            }
        }
    }

    /**
     * Scans every member libtorch may unpickle, inflated exactly as libtorch would (to its declared
     * size, CRC-checked), streaming: memory stays bounded whatever the pickle's size.
     *
     * @throws java.util.zip.ZipException when a pickle's data is damaged
     */
    public static void scanPickles(ZipDirectory zip, Path file) throws IOException, UnsafeModelException {
        for (ZipDirectory.Member e : zip.members()) {
            if (!readAsPickle(e.name())) {
                continue;
            }
            if (e.size() > MAX_PICKLE_BYTES) {
                throw new UnsafeModelException(file + ": pickle '" + e.name() + "' is larger than " + MAX_PICKLE_BYTES + " bytes");
            }
            try (InputStream in = zip.open(e)) {
                PickleScanner.scan(in, file.getFileName() + "!" + e.name());
                // libtorch hands the whole record to its unpickler; the scan stops at STOP, so read the rest too
                // for the size and CRC checks
                in.skip(Long.MAX_VALUE);
            }
        }
    }
}
