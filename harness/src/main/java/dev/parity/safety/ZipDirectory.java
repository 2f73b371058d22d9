package dev.parity.safety;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * The members of a zip file as libtorch's reader sees them, read from the raw bytes the way miniz
 * 3.0.2 reads them (pytorch/pytorch {@code third_party/miniz-3.0.2/miniz.c}:
 * {@code mz_zip_reader_locate_header_sig}, {@code mz_zip_reader_read_central_dir},
 * {@code mz_zip_file_stat_internal}, {@code mz_zip_reader_extract_to_mem_no_alloc1}), and refusing
 * every layout on which another zip reader (java.util.zip, Python's zipfile, unzip) could see other
 * members than miniz does: more than one end-of-central-directory record, bytes before the first
 * local header or between the parts, a zip64 locator without its record or disagreeing with the
 * classic record, local headers that disagree with the central directory (name, method, flags,
 * sizes, CRC), members that overlap, encrypted members and methods other than stored and deflate.
 * Every byte of the file must belong to exactly one local header, member data, data descriptor,
 * the central directory, the zip64 records or the end record.
 *
 * <p>Why not java.util.zip or a library: the point is to see what miniz sees, and every other
 * reader resolves these layouts its own way ({@code ZipFile} takes the end record whose comment
 * reaches the end of the file and shifts offsets by any prefix; miniz takes the last signature in
 * the final 64 KiB and uses offsets as written). A strict reader that refuses whatever the two
 * could disagree on is small enough to own.
 *
 * <p>Structural damage (truncation, a signature missing where the directory says a header is) is a
 * {@link ZipException}; layouts that are well-formed for one reader and different for another are
 * {@link UnsafeModelException}s. {@link #open(Member)} inflates a member exactly as far as its
 * declared size and checks that size and the CRC, as miniz does. Not thread-safe; close it.
 */
public final class ZipDirectory implements AutoCloseable {
    /** The most central-directory bytes read into memory (miniz reads the whole directory too). */
    public static final long MAX_DIRECTORY_BYTES = 128L << 20;
    /** libtorch copies names into a 512-byte buffer ({@code getAllRecords}, MZ_ZIP_MAX_ARCHIVE_FILENAME_SIZE). */
    public static final int MAX_NAME_BYTES = 511;

    private static final int EOCD_SIG = 0x06054b50;
    private static final int EOCD_SIZE = 22;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int ZIP64_EOCD_SIZE = 56;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int LOCAL_SIZE = 30;
    private static final int DESCRIPTOR_SIG = 0x08074b50;
    private static final int ZIP64_EXTRA_ID = 0x0001;
    private static final long U32_MAGIC = 0xFFFFFFFFL;
    private static final int U16_MAGIC = 0xFFFF;
    /** miniz gives up looking for the end record this far from the end (MZ_UINT16_MAX + record size). */
    private static final long EOCD_SEARCH = 0xFFFF + EOCD_SIZE;
    /** Encrypted (bit 0), compressed patch data (bit 5), strong encryption (bit 6), masked local header (bit 13). */
    private static final int REFUSED_FLAGS = 0x1 | 0x20 | 0x40 | 0x2000;
    private static final int DATA_DESCRIPTOR_FLAG = 0x8;

    /**
     * One member, with sizes and offsets as miniz resolves them (zip64 extra fields applied).
     *
     * @param dataOffset where its (compressed) bytes start: after the local header's name and extra
     * @param end the first byte after its data and data descriptor
     */
    public record Member(String name, int method, int flags, long crc32, long compressedSize, long size,
                         long localHeaderOffset, long dataOffset, long end) {
        public boolean stored() {
            return method == 0;
        }
    }

    private final FileChannel channel;
    private final Path file;
    private final List<Member> members;

    private ZipDirectory(FileChannel channel, Path file, List<Member> members) {
        this.channel = channel;
        this.file = file;
        this.members = members;
    }

    /**
     * Reads and cross-checks the whole directory structure (not the member data).
     *
     * @param maxMembers refuse before reading more central entries than this
     * @throws ZipException when the file is not a readable zip
     * @throws UnsafeModelException when readers could disagree about what it holds
     */
    public static ZipDirectory read(Path file, int maxMembers) throws IOException, UnsafeModelException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            List<Member> members = new Parser(ch, file, maxMembers).parse();
            return new ZipDirectory(ch, file, members);
        } catch (IOException | UnsafeModelException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The members in central-directory order (miniz's file indices; index 0 names libtorch's archive folder). */
    public List<Member> members() {
        return members;
    }

    /**
     * The member's bytes as miniz extracts them: stored bytes as they are, deflated bytes inflated;
     * the stream fails with a {@link ZipException} if the data yields more or fewer bytes than
     * declared or the CRC differs. Reads in 64 KiB blocks; skip() reads through, so the CRC is
     * always checked.
     */
    public InputStream open(Member m) {
        return new MemberStream(channel, m, file);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** ASCII-only lower case, as miniz's MZ_TOLOWER compares names. */
    public static String asciiLower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'A' && c[i] <= 'Z') {
                c[i] = (char) (c[i] + ('a' - 'A'));
            }
        }
        return new String(c);
    }

    private static final class Parser {
        private final FileChannel ch;
        private final Path file;
        private final int maxMembers;
        private final long fileSize;

        Parser(FileChannel ch, Path file, int maxMembers) throws IOException {
            this.ch = ch;
            this.file = file;
            this.maxMembers = maxMembers;
            this.fileSize = ch.size();
        }

        List<Member> parse() throws IOException, UnsafeModelException {
            if (fileSize < EOCD_SIZE) {
                throw new ZipException("file too short for a zip end record");
            }
            long eocd = locateEndRecord();
            ByteBuffer e = read(eocd, EOCD_SIZE);
            int commentLength = u16(e, 20);
            if (eocd + EOCD_SIZE + commentLength != fileSize) {
                // java.util.zip takes the end record whose comment reaches the end of the file; miniz
                // takes the last signature with 22 bytes after it. They must be the same record.
                throw unsafe("the end-of-central-directory record libtorch's zip reader finds (offset " + eocd
                        + ", comment of " + commentLength + " bytes) does not end the file (" + fileSize + " bytes):"
                        + " another end record or trailing data makes zip readers see different archives");
            }
            long entries = u16(e, 10);
            long entriesOnDisk = u16(e, 8);
            long thisDisk = u16(e, 4);
            long directoryDisk = u16(e, 6);
            long directorySize = u32(e, 12);
            long directoryOffset = u32(e, 16);
            long directoryEnd = eocd; // where the central directory must end: the zip64 record or the end record

            // miniz: a zip64 locator right before the end record, pointing at a zip64 record, switches to zip64 values.
            if (eocd >= ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE
                    && u32(read(eocd - ZIP64_LOCATOR_SIZE, 4), 0) == ZIP64_LOCATOR_SIG) {
                ByteBuffer loc = read(eocd - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
                long recordOffset = s64(loc, 8);
                if (recordOffset < 0 || recordOffset > fileSize - ZIP64_EOCD_SIZE) {
                    throw new ZipException("zip64 locator points outside the file");
                }
                ByteBuffer z = read(recordOffset, ZIP64_EOCD_SIZE);
                if (u32(z, 0) != ZIP64_EOCD_SIG) {
                    throw unsafe("a zip64 locator points at offset " + recordOffset + ", where there is no zip64 end"
                            + " record (zip readers disagree on whether the archive is zip64)");
                }
                long recordSize = s64(z, 4);
                if (recordSize < ZIP64_EOCD_SIZE - 12 || u32(loc, 16) != 1) {
                    throw new ZipException("malformed zip64 end record");
                }
                if (recordOffset + 12 + recordSize != eocd - ZIP64_LOCATOR_SIZE) {
                    throw unsafe("the zip64 end record (offset " + recordOffset + ", " + (12 + recordSize)
                            + " bytes) does not sit right before its locator: bytes between the records");
                }
                long entries64 = s64(z, 32);
                long entriesOnDisk64 = s64(z, 24);
                long size64 = s64(z, 40);
                long offset64 = s64(z, 48);
                long thisDisk64 = u32(z, 16);
                long directoryDisk64 = u32(z, 20);
                // java.util.zip uses the zip64 values only where the classic record agrees or holds the
                // magic value; miniz always uses them. Refuse where that could differ.
                agree("entry count", entries, entries64, U16_MAGIC);
                agree("entries on this disk", entriesOnDisk, entriesOnDisk64, U16_MAGIC);
                agree("central directory size", directorySize, size64, U32_MAGIC);
                agree("central directory offset", directoryOffset, offset64, U32_MAGIC);
                entries = entries64;
                entriesOnDisk = entriesOnDisk64;
                directorySize = size64;
                directoryOffset = offset64;
                thisDisk = thisDisk64;
                directoryDisk = directoryDisk64;
                directoryEnd = recordOffset;
            }
            if (entries < 0) {
                throw new ZipException("negative entry count");
            }
            if (entries != entriesOnDisk || thisDisk != 0 || directoryDisk != 0) {
                throw new ZipException("multi-disk archives are not supported");
            }
            if (entries > maxMembers) {
                throw unsafe("has " + entries + " zip entries (limit " + maxMembers + ")");
            }
            if (directorySize < 0 || directorySize > MAX_DIRECTORY_BYTES) {
                throw unsafe("declares a central directory of " + directorySize + " bytes (limit "
                        + MAX_DIRECTORY_BYTES + ")");
            }
            if (directorySize < entries * CENTRAL_SIZE || directoryOffset < 0 || directoryOffset + directorySize > fileSize) {
                throw new ZipException("central directory size or offset out of range");
            }
            long tailFrom = Math.max(directoryOffset + directorySize, Math.max(0, fileSize - EOCD_SEARCH - 4096));
            int ends = count(EOCD_SIG, tailFrom, fileSize);
            if (ends > 1) {
                throw unsafe("holds " + ends + " end-of-central-directory records after its central directory; libtorch's"
                        + " zip reader uses the last (offset " + eocd + "), other readers may use another");
            }
            if (directoryOffset + directorySize != directoryEnd) {
                throw unsafe("the central directory (offset " + directoryOffset + ", " + directorySize
                        + " bytes) does not end where the end records begin (offset " + directoryEnd + "): "
                        + Math.abs(directoryEnd - directoryOffset - directorySize) + " bytes of prefix data or"
                        + " bytes between parts, which zip readers resolve differently");
            }
            List<Member> members = central(read(directoryOffset, (int) directorySize), (int) entries);
            locals(members, directoryOffset);
            endRecordsAreUnique(directoryOffset, eocd);
            return members;
        }

        /** mz_zip_reader_locate_header_sig: 4 KiB windows from the end, the last signature with 22 bytes after it. */
        private long locateEndRecord() throws IOException {
            long cur = Math.max(fileSize - 4096, 0);
            for (;;) {
                int n = (int) Math.min(4096, fileSize - cur);
                ByteBuffer b = read(cur, n);
                for (int i = n - 4; i >= 0; --i) {
                    if (b.getInt(i) == EOCD_SIG && fileSize - (cur + i) >= EOCD_SIZE) {
                        return cur + i;
                    }
                }
                if (cur == 0 || fileSize - cur >= EOCD_SEARCH) {
                    throw new ZipException("no end-of-central-directory record");
                }
                cur = Math.max(cur - (4096 - 3), 0);
            }
        }

        private void agree(String what, long classic, long zip64, long magic) throws UnsafeModelException {
            if (classic != magic && classic != zip64) {
                throw unsafe("the zip64 end record's " + what + " (" + zip64 + ") differs from the classic end"
                        + " record's (" + classic + "): zip readers would read different directories");
            }
        }

        private List<Member> central(ByteBuffer d, int entries) throws IOException, UnsafeModelException {
            List<Member> out = new ArrayList<>(entries);
            Map<String, String> byFoldedName = new HashMap<>();
            int p = 0;
            for (int i = 0; i < entries; i++) {
                if (d.limit() - p < CENTRAL_SIZE || d.getInt(p) != CENTRAL_SIG) {
                    throw new ZipException("central directory entry " + i + " is damaged");
                }
                int flags = u16(d, p + 8);
                int method = u16(d, p + 10);
                long crc = u32(d, p + 16);
                long packed = u32(d, p + 20);
                long size = u32(d, p + 24);
                int nameLength = u16(d, p + 28);
                int extraLength = u16(d, p + 30);
                int commentLength = u16(d, p + 32);
                int disk = u16(d, p + 34);
                long local = u32(d, p + 42);
                int total = CENTRAL_SIZE + nameLength + extraLength + commentLength;
                if (total > d.limit() - p) {
                    throw new ZipException("central directory entry " + i + " runs past the directory");
                }
                String name = name(d, p + CENTRAL_SIZE, nameLength, i);
                // mz_zip_file_stat_internal: the zip64 extra field is read only for fields holding the magic value
                long[] resolved = extra(d, p + CENTRAL_SIZE + nameLength, extraLength, name,
                        size == U32_MAGIC, packed == U32_MAGIC, local == U32_MAGIC);
                size = resolved[0] >= 0 ? resolved[0] : size;
                packed = resolved[1] >= 0 ? resolved[1] : packed;
                local = resolved[2] >= 0 ? resolved[2] : local;
                if ((flags & REFUSED_FLAGS) != 0) {
                    throw unsafe("zip entry '" + name + "' is encrypted or patch data (flags 0x"
                            + Integer.toHexString(flags) + ")");
                }
                if (method != 0 && method != 8) {
                    throw unsafe("zip entry '" + name + "' uses compression method " + method
                            + " (libtorch reads only stored and deflated entries)");
                }
                if (disk != 0) {
                    throw new ZipException("zip entry '" + name + "' starts on disk " + disk);
                }
                if (method == 0 && size != packed) {
                    // miniz extracts a stored entry by reading its declared uncompressed size from the data start
                    throw unsafe("stored zip entry '" + name + "' declares " + size + " bytes but stores " + packed);
                }
                if (size > 0 && packed == 0) {
                    throw new ZipException("zip entry '" + name + "' declares " + size + " bytes and stores none");
                }
                if (size < 0 || packed < 0 || local < 0 || local > fileSize - LOCAL_SIZE
                        || packed > fileSize - LOCAL_SIZE - local) {
                    throw new ZipException("zip entry '" + name + "' lies outside the file");
                }
                String folded = asciiLower(name);
                String earlier = byFoldedName.put(folded, name);
                if (earlier != null) {
                    throw unsafe(earlier.equals(name)
                            ? "zip entry '" + name + "' appears twice"
                            : "zip entries '" + earlier + "' and '" + name + "' differ only by case (libtorch's zip"
                                    + " reader matches names case-insensitively, so which one it reads is undefined)");
                }
                out.add(new Member(name, method, flags, crc, packed, size, local, -1, -1));
                p += total;
            }
            if (p != d.limit()) {
                throw unsafe("the central directory holds " + (d.limit() - p) + " bytes after its " + entries
                        + " declared entries");
            }
            return out;
        }

        private String name(ByteBuffer d, int at, int length, int index) throws IOException, UnsafeModelException {
            if (length == 0) {
                throw new ZipException("central directory entry " + index + " has no name");
            }
            byte[] raw = new byte[length];
            d.get(at, raw);
            String name;
            try {
                name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                throw unsafe("zip entry " + index + " has a name that is not UTF-8");
            }
            for (byte b : raw) {
                if ((b & 0xff) < 0x20 || b == 0x7f) {
                    throw unsafe("zip entry " + index + " has a control character in its name '"
                            + name.replaceAll("\\p{Cntrl}", "?") + "'");
                }
            }
            if (length > MAX_NAME_BYTES) {
                throw unsafe("zip entry '" + name.substring(0, 64) + "...' has a " + length + "-byte name (libtorch"
                        + " truncates names at " + MAX_NAME_BYTES + " bytes)");
            }
            return name;
        }

        /**
         * Walks an extra field chain, which must be well-formed and end exactly at its length; returns
         * the zip64 values {uncompressed, compressed, offset} for the fields asked for (-1 when not asked).
         */
        private long[] extra(ByteBuffer d, int at, int length, String name, boolean wantSize, boolean wantPacked,
                             boolean wantOffset) throws ZipException {
            long[] out = {-1, -1, -1};
            boolean zip64Seen = false;
            int p = at;
            int end = at + length;
            while (p < end) {
                if (end - p < 4) {
                    throw new ZipException("zip entry '" + name + "' has a damaged extra field");
                }
                int id = u16(d, p);
                int len = u16(d, p + 2);
                if (len > end - p - 4) {
                    throw new ZipException("zip entry '" + name + "' has a damaged extra field");
                }
                if (id == ZIP64_EXTRA_ID && !zip64Seen) {
                    zip64Seen = true; // miniz uses the first one
                    int q = p + 4;
                    int left = len;
                    if (wantSize) {
                        out[0] = take64(d, q, left, name);
                        q += 8;
                        left -= 8;
                    }
                    if (wantPacked) {
                        out[1] = take64(d, q, left, name);
                        q += 8;
                        left -= 8;
                    }
                    if (wantOffset) {
                        out[2] = take64(d, q, left, name);
                    }
                }
                p += 4 + len;
            }
            if ((wantSize || wantPacked || wantOffset) && !zip64Seen) {
                throw new ZipException("zip entry '" + name + "' needs a zip64 extra field and has none");
            }
            return out;
        }

        private static long take64(ByteBuffer d, int at, int left, String name) throws ZipException {
            if (left < 8) {
                throw new ZipException("zip entry '" + name + "' has a short zip64 extra field");
            }
            long v = d.getLong(at);
            if (v < 0) {
                throw new ZipException("zip entry '" + name + "' has a zip64 size or offset beyond 2^63");
            }
            return v;
        }

        /**
         * Reads every local header in file order, checks it against its central entry, and checks
         * that members tile the file from offset 0 up to the central directory.
         */
        private void locals(List<Member> members, long directoryOffset) throws IOException, UnsafeModelException {
            Integer[] order = new Integer[members.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> members.get(i).localHeaderOffset()));
            long expected = 0;
            for (int k = 0; k < order.length; k++) {
                Member c = members.get(order[k]);
                long at = c.localHeaderOffset();
                if (at != expected) {
                    if (k == 0) {
                        throw unsafe(at + " bytes of prefix data before the first local header ('" + c.name()
                                + "'); zip readers locate members differently when an archive has a prefix");
                    }
                    throw unsafe(at < expected
                            ? "zip entry '" + c.name() + "' overlaps the entry before it (local header at " + at
                                    + ", previous entry ends at " + expected + ")"
                            : (at - expected) + " unaccounted bytes before zip entry '" + c.name() + "' (offset "
                                    + expected + "); hidden data between members");
                }
                Member m = local(c);
                members.set(order[k], m);
                expected = m.end();
            }
            if (expected != directoryOffset) {
                throw unsafe(expected < directoryOffset
                        ? (directoryOffset - expected) + " unaccounted bytes between the last member and the central"
                                + " directory (offset " + expected + ")"
                        : "the last zip entry overlaps the central directory");
            }
        }

        private Member local(Member c) throws IOException, UnsafeModelException {
            long at = c.localHeaderOffset();
            ByteBuffer h = read(at, LOCAL_SIZE);
            if (h.getInt(0) != LOCAL_SIG) {
                throw new ZipException("no local header where the central directory puts '" + c.name() + "'");
            }
            int flags = u16(h, 6);
            int method = u16(h, 8);
            long crc = u32(h, 14);
            long packed = u32(h, 18);
            long size = u32(h, 22);
            int nameLength = u16(h, 26);
            int extraLength = u16(h, 28);
            if (at + LOCAL_SIZE + nameLength + extraLength > fileSize) {
                throw new ZipException("local header of '" + c.name() + "' runs past the end of the file");
            }
            ByteBuffer rest = read(at + LOCAL_SIZE, nameLength + extraLength);
            byte[] raw = new byte[nameLength];
            rest.get(0, raw);
            String localName = new String(raw, StandardCharsets.UTF_8);
            if (!Arrays.equals(raw, c.name().getBytes(StandardCharsets.UTF_8))) {
                throw unsafe("the local header at offset " + at + " names '" + localName.replaceAll("\\p{Cntrl}", "?")
                        + "' but the central directory names '" + c.name() + "'");
            }
            if (method != c.method() || flags != c.flags()) {
                throw unsafe("zip entry '" + c.name() + "': local header says method " + method + ", flags 0x"
                        + Integer.toHexString(flags) + "; central directory says method " + c.method() + ", flags 0x"
                        + Integer.toHexString(c.flags()));
            }
            extra(rest, nameLength, extraLength, c.name(), false, false, false); // the chain must be well-formed
            if (packed == U32_MAGIC || size == U32_MAGIC) {
                // a local zip64 extra field carries both sizes
                long[] both = extra(rest, nameLength, extraLength, c.name(), true, true, false);
                size = both[0];
                packed = both[1];
            }
            boolean descriptor = (flags & DATA_DESCRIPTOR_FLAG) != 0;
            boolean agrees = crc == c.crc32() && packed == c.compressedSize() && size == c.size();
            boolean deferred = crc == 0 && packed == 0 && size == 0;
            if (!(agrees || (descriptor && deferred))) {
                throw unsafe("zip entry '" + c.name() + "': local header says " + packed + " bytes packed, " + size
                        + " unpacked, CRC " + Long.toHexString(crc) + "; central directory says " + c.compressedSize()
                        + ", " + c.size() + ", " + Long.toHexString(c.crc32()));
            }
            long dataOffset = at + LOCAL_SIZE + nameLength + extraLength;
            long dataEnd = dataOffset + c.compressedSize();
            if (dataEnd > fileSize) {
                throw new ZipException("zip entry '" + c.name() + "' runs past the end of the file");
            }
            long end = descriptor ? dataEnd + descriptor(c, dataEnd) : dataEnd;
            return new Member(c.name(), c.method(), c.flags(), c.crc32(), c.compressedSize(), c.size(),
                    at, dataOffset, end);
        }

        /** The data descriptor's length: optional signature, CRC, then 4- or 8-byte sizes matching the directory. */
        private int descriptor(Member c, long at) throws IOException, UnsafeModelException {
            int n = (int) Math.min(24, fileSize - at);
            ByteBuffer b = read(at, n);
            int p = n >= 4 && b.getInt(0) == DESCRIPTOR_SIG ? 4 : 0;
            if (n - p >= 12 && u32(b, p) == c.crc32() && u32(b, p + 4) == c.compressedSize()
                    && u32(b, p + 8) == c.size()) {
                return p + 12;
            }
            if (n - p >= 20 && u32(b, p) == c.crc32() && b.getLong(p + 4) == c.compressedSize()
                    && b.getLong(p + 12) == c.size()) {
                return p + 20;
            }
            throw unsafe("zip entry '" + c.name() + "': the data descriptor after its data disagrees with the"
                    + " central directory");
        }

        /** At most one end record, zip64 record and locator between the central directory and the end of the file. */
        private void endRecordsAreUnique(long from, long eocd) throws IOException, UnsafeModelException {
            int ends = count(EOCD_SIG, from, fileSize);
            int zip64 = count(ZIP64_EOCD_SIG, from, fileSize);
            int locators = count(ZIP64_LOCATOR_SIG, from, fileSize);
            if (ends != 1 || zip64 > 1 || locators > 1) {
                throw unsafe("holds " + ends + " end-of-central-directory signatures, " + zip64 + " zip64 end records"
                        + " and " + locators + " zip64 locators after its members (one each at most; the end record"
                        + " libtorch uses is at offset " + eocd + ")");
            }
        }

        /** Occurrences of a 4-byte signature starting in [from, to). */
        private int count(int signature, long from, long to) throws IOException {
            int n = 0;
            long at = from;
            while (at < to) {
                int len = (int) Math.min(1 << 20, fileSize - at);
                ByteBuffer b = read(at, len);
                int last = (int) Math.min(len - 4, to - at - 1);
                for (int i = 0; i <= last; i++) {
                    n += b.getInt(i) == signature ? 1 : 0;
                }
                at += Math.max(last + 1, 1);
                if (len < 4) {
                    break;
                }
            }
            return n;
        }

        private ByteBuffer read(long at, int n) throws IOException {
            if (at < 0 || n < 0 || at + n > fileSize) {
                throw new ZipException("read of " + n + " bytes at " + at + " is outside the file");
            }
            ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b, at + b.position()) < 0) {
                    throw new ZipException("unexpected end of file");
                }
            }
            return b.flip();
        }

        private UnsafeModelException unsafe(String why) {
            return new UnsafeModelException(file + ": " + why);
        }
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xffffffffL;
    }

    /** A 64-bit field; values past 2^63 come back negative and are refused by the callers' range checks. */
    private static long s64(ByteBuffer b, int at) {
        return b.getLong(at);
    }

    /** Stored or inflated member bytes, counted against the declared size and CRC-checked at the end. */
    private static final class MemberStream extends InputStream {
        private static final int BLOCK = 1 << 16;
        private final FileChannel ch;
        private final Member m;
        private final Path file;
        private final ByteBuffer in = ByteBuffer.allocate(BLOCK);
        private final Inflater inflater;
        private final CRC32 crc = new CRC32();
        private long position;
        private long left;
        private long produced;
        private boolean dummyGiven;
        private boolean done;

        MemberStream(FileChannel ch, Member m, Path file) {
            this.ch = ch;
            this.m = m;
            this.file = file;
            this.position = m.dataOffset();
            this.left = m.compressedSize();
            this.inflater = m.stored() ? null : new Inflater(true);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (done) {
                return -1;
            }
            int n = m.stored() ? readStored(b, off, len) : inflate(b, off, len);
            if (n < 0) {
                finish();
                return -1;
            }
            produced += n;
            if (produced > m.size()) {
                throw new ZipException(where() + " inflates past its declared " + m.size() + " bytes");
            }
            crc.update(b, off, n);
            return n;
        }

        private int readStored(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            ByteBuffer dst = ByteBuffer.wrap(b, off, (int) Math.min(len, left));
            int n = ch.read(dst, position);
            if (n <= 0) {
                throw new ZipException(where() + " is truncated");
            }
            position += n;
            left -= n;
            return n;
        }

        private int inflate(byte[] b, int off, int len) throws IOException {
            try {
                for (;;) {
                    int n = inflater.inflate(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    if (inflater.finished()) {
                        return -1;
                    }
                    if (inflater.needsDictionary()) {
                        throw new ZipException(where() + " is not a plain deflate stream");
                    }
                    if (inflater.needsInput()) {
                        if (left > 0) {
                            in.clear().limit((int) Math.min(BLOCK, left));
                            int k = ch.read(in, position);
                            if (k <= 0) {
                                throw new ZipException(where() + " is truncated");
                            }
                            position += k;
                            left -= k;
                            inflater.setInput(in.array(), 0, k);
                        } else if (!dummyGiven) {
                            // nowrap inflation may need one byte past the data (java.util.zip.Inflater's contract)
                            dummyGiven = true;
                            inflater.setInput(new byte[1], 0, 1);
                        } else {
                            throw new ZipException(where() + ": deflate stream ends early");
                        }
                    }
                }
            } catch (DataFormatException e) {
                throw new ZipException(where() + ": corrupt deflate data (" + e.getMessage() + ")");
            }
        }

        private void finish() throws ZipException {
            done = true;
            if (inflater != null) {
                inflater.end();
            }
            if (produced != m.size()) {
                throw new ZipException(where() + " yields " + produced + " bytes, not the declared " + m.size());
            }
            if (crc.getValue() != m.crc32()) {
                throw new ZipException(where() + " fails its CRC check");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(BLOCK, Math.max(n, 1))];
            long skipped = 0;
            while (skipped < n) {
                int k = read(sink, 0, (int) Math.min(sink.length, n - skipped));
                if (k < 0) {
                    break;
                }
                skipped += k;
            }
            return skipped;
        }

        @Override
        public void close() {
            if (inflater != null) {
                inflater.end();
            }
        }

        private String where() {
            return file.getFileName() + "!" + m.name();
        }
    }
}
