package dev.parity.safety;

import static dev.parity.safety.Archives.pickle;
import static dev.parity.safety.Archives.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.engine.TorchScriptArchive;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zip layouts on which java.util.zip and libtorch's miniz would read different members are
 * refused, and what is left is read the way miniz reads it.
 */
class ZipDirectoryTest {
    @TempDir
    Path dir;

    private static final byte[] BENIGN = pickle(")");

    /** A pickle that would run a command; the command only names a file in the test's folder, and is never run. */
    private byte[] evil() {
        return pickle("cposix\nsystem\n", str("touch " + dir.resolve("pwned")), 0x85, "R");
    }

    /** The members of a minimal TorchScript archive, appended to {@code z}, with {@code dataName} holding {@code data}. */
    private static ZipBytes.Entry[] torchScript(ZipBytes z, String dataName, byte[] data) {
        return new ZipBytes.Entry[] {
            z.stored(dataName, data),
            z.stored("archive/constants.pkl", BENIGN),
            z.stored("archive/code/__torch__.py", "def forward(self, x):\n  return x\n".getBytes(StandardCharsets.UTF_8)),
            z.stored("archive/version", "3\n".getBytes(StandardCharsets.UTF_8)),
        };
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static String refused(Path p) {
        return assertThrows(UnsafeModelException.class, () -> TorchScriptArchive.check(p)).getMessage();
    }

    @Test
    void aWellFormedArchiveIsReadAsMinizReadsIt() throws Exception {
        ZipBytes z = new ZipBytes();
        Path p = write("ok.pt", z.finish(torchScript(z, "archive/data.pkl", BENIGN)).bytes());
        assertDoesNotThrow(() -> TorchScriptArchive.check(p));
        try (ZipDirectory d = ZipDirectory.read(p, 10); InputStream in = d.open(d.members().get(0))) {
            assertEquals("archive/data.pkl", d.members().get(0).name());
            assertArrayEquals(BENIGN, in.readAllBytes());
        }
    }

    @Test
    void everyCorpusReferenceHasTheMembersJavaUtilZipSees() throws Exception {
        try (Stream<Path> s = Files.walk(Corpus.root().resolve("model-corpus/models"))) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".pt"))::iterator) {
                List<String> java = new ArrayList<>();
                try (ZipFile z = new ZipFile(p.toFile())) {
                    Collections.list(z.entries()).forEach(e -> java.add(e.getName()));
                }
                try (ZipDirectory d = ZipDirectory.read(p, ArchivePolicy.MAX_ENTRIES)) {
                    assertEquals(java, d.members().stream().map(ZipDirectory.Member::name).toList(), p.toString());
                }
            }
        }
    }

    @Test
    void aSecondEndRecordThatOnlyMinizUsesIsRefused() throws Exception {
        // [A's members][B's members][B's directory][A's directory][A's end record, its comment = B's end record]
        // java.util.zip takes A's end record (its comment reaches the end of the file; B's says 1 byte of comment
        // and fails java's fallback check); miniz takes the last signature, B's, and reads B's DATA.PKL.
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] a = torchScript(z, "archive/data.pkl", BENIGN);
        ZipBytes.Entry[] b = torchScript(z, "archive/data.pkl", evil());
        byte[] dirB = ZipBytes.central(b);
        long atB = z.position();
        z.raw(dirB);
        byte[] dirA = ZipBytes.central(a);
        long atA = z.position();
        z.raw(dirA);
        z.raw(ZipBytes.end(a.length, dirA.length, atA, 22));
        z.raw(ZipBytes.end(b.length, dirB.length, atB, 1));
        Path p = write("two-ends.pt", z.bytes());
        try (ZipFile java = new ZipFile(p.toFile())) {
            ZipEntry e = java.getEntry("archive/data.pkl");
            assertArrayEquals(BENIGN, java.getInputStream(e).readAllBytes(), "java.util.zip sees archive A");
        }
        String m = refused(p);
        assertTrue(m.contains("end-of-central-directory record") && m.contains("does not end the file"), m);
    }

    @Test
    void anEndRecordCopiedAfterTheRealOneIsRefused() throws Exception {
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] a = torchScript(z, "archive/data.pkl", BENIGN);
        byte[] d = ZipBytes.central(a);
        long at = z.position();
        z.raw(d).raw(ZipBytes.end(a.length, d.length, at, 22)).raw(ZipBytes.end(a.length, d.length, at, 0));
        String m = refused(write("copied-end.pt", z.bytes()));
        assertTrue(m.contains("2 end-of-central-directory records"), m);
    }

    @Test
    void prefixBytesAreRefused() throws Exception {
        ZipBytes z = new ZipBytes();
        byte[] plain = z.finish(torchScript(z, "archive/data.pkl", BENIGN)).bytes();
        // a prefix that starts like a local header: java.util.zip shifts every offset past it, miniz does not
        ZipBytes evilLocal = new ZipBytes();
        evilLocal.stored("archive/data.pkl", evil());
        byte[] prefix = evilLocal.bytes();
        byte[] shifted = new byte[prefix.length + plain.length];
        System.arraycopy(prefix, 0, shifted, 0, prefix.length);
        System.arraycopy(plain, 0, shifted, prefix.length, plain.length);
        String m = refused(write("prefixed.pt", shifted));
        assertTrue(m.contains("prefix data"), m);

        // the same with every offset rewritten to count the prefix: the first member no longer starts at 0
        ZipBytes y = new ZipBytes().raw(prefix);
        ZipBytes.Entry[] moved = torchScript(y, "archive/data.pkl", BENIGN);
        String n = refused(write("prefixed-absolute.pt", y.finish(moved).bytes()));
        assertTrue(n.contains("prefix data before the first local header"), n);
    }

    @Test
    void aCaseVariantDuplicateDataPickleIsRefused() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", BENIGN);
        entries.put("archive/DATA.PKL", evil());
        entries.put("archive/constants.pkl", BENIGN);
        entries.put("archive/code/__torch__.py", new byte[1]);
        String m = refused(Archives.zip(dir, "case.pt", entries));
        assertTrue(m.contains("differ only by case"), m);

        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] t = torchScript(z, "archive/data.pkl", BENIGN);
        ZipBytes.Entry twice = z.stored("archive/data.pkl", evil());
        String n = refused(write("twice.pt", z.finish(t[0], t[1], t[2], t[3], twice).bytes()));
        assertTrue(n.contains("appears twice"), n);
    }

    @Test
    void anUpperCaseDataPickleIsScannedAsLibtorchWouldReadIt() throws Exception {
        ZipBytes z = new ZipBytes();
        String m = refused(write("upper.pt", z.finish(torchScript(z, "archive/DATA.PKL", evil())).bytes()));
        assertTrue(m.contains("DATA.PKL") && m.contains("imports posix.system"), m);
    }

    @Test
    void debugPicklesAreScannedToo() throws Exception {
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] t = torchScript(z, "archive/data.pkl", BENIGN);
        ZipBytes.Entry debug = z.deflated("archive/code/__torch__.py.Debug_Pkl", evil());
        String m = refused(write("debug.pt", z.finish(t[0], t[1], t[2], t[3], debug).bytes()));
        assertTrue(m.contains("imports posix.system"), m);
    }

    @Test
    void localHeadersThatDisagreeWithTheDirectoryAreRefused() throws Exception {
        // name: the local header says data.pkl, the directory calls the same bytes data.bin
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] t = torchScript(z, "archive/data.pkl", BENIGN);
        ZipBytes.Entry hidden = z.stored("archive/evil.pkl", evil());
        String m = refused(write("name.pt", z.finish(t[0], t[1], t[2], t[3], hidden.named("archive/evil.bin")).bytes()));
        assertTrue(m.contains("local header") && m.contains("names 'archive/evil.pkl'"), m);

        // sizes: the directory says 4 bytes, the local header 40
        ZipBytes y = new ZipBytes();
        ZipBytes.Entry[] u = torchScript(y, "archive/data.pkl", BENIGN);
        String n = refused(write("sizes.pt", y.finish(u[0], u[1], u[2], u[3].sizes(1, 1)).bytes()));
        assertTrue(n.contains("local header says 2 bytes packed"), n);

        // method: the directory says deflate, the local header stored
        ZipBytes x = new ZipBytes();
        ZipBytes.Entry[] v = torchScript(x, "archive/data.pkl", BENIGN);
        ZipBytes.Entry deflated = new ZipBytes.Entry(v[3].name(), 8, 0, v[3].crc(), v[3].packed(), v[3].size(), v[3].offset());
        String o = refused(write("method.pt", x.finish(v[0], v[1], v[2], deflated).bytes()));
        assertTrue(o.contains("local header says method 0"), o);
    }

    @Test
    void overlappingMembersAreRefused() throws Exception {
        // a stored member whose bytes contain a whole second member, listed too
        ZipBytes inner = new ZipBytes();
        ZipBytes.Entry innerEntry = inner.stored("archive/inner.pkl", evil());
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] t = torchScript(z, "archive/data.pkl", BENIGN);
        long outerAt = z.position();
        ZipBytes.Entry outer = z.stored("archive/outer", inner.bytes());
        long innerAt = outerAt + ZipBytes.local(outer).length;
        String m = refused(write("overlap.pt", z.finish(t[0], t[1], t[2], t[3], outer, innerEntry.at(innerAt)).bytes()));
        assertTrue(m.contains("overlaps"), m);
    }

    @Test
    void hiddenBytesBetweenMembersAreRefused() throws Exception {
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry a = z.stored("archive/data.pkl", BENIGN);
        z.raw(evil());
        ZipBytes.Entry b = z.stored("archive/constants.pkl", BENIGN);
        ZipBytes.Entry c = z.stored("archive/code/__torch__.py", new byte[1]);
        String m = refused(write("gap.pt", z.finish(a, b, c).bytes()));
        assertTrue(m.contains("unaccounted bytes"), m);
    }

    @Test
    void encryptedMembersAndOtherMethodsAreRefused() throws Exception {
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] t = torchScript(z, "archive/data.pkl", BENIGN);
        ZipBytes.Entry enc = new ZipBytes.Entry(t[3].name(), 0, 1, t[3].crc(), t[3].packed(), t[3].size(), t[3].offset());
        String m = refused(write("encrypted.pt", z.finish(t[0], t[1], t[2], enc).bytes()));
        assertTrue(m.contains("encrypted"), m);

        ZipBytes y = new ZipBytes();
        ZipBytes.Entry[] u = torchScript(y, "archive/data.pkl", BENIGN);
        ZipBytes.Entry bzip = new ZipBytes.Entry(u[3].name(), 12, 0, u[3].crc(), u[3].packed(), u[3].size(), u[3].offset());
        String n = refused(write("bzip2.pt", y.finish(u[0], u[1], u[2], bzip).bytes()));
        assertTrue(n.contains("compression method 12"), n);
    }

    @Test
    void aBigMemberPastTheRatioIsRefusedFromWhatMinizWouldInflate() throws Exception {
        // 256 MiB declared from 1 KiB of deflate data (the file stays small: the declaration is the attack)
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry[] t = torchScript(z, "archive/data.pkl", BENIGN);
        ZipBytes.Entry bomb = z.deflated("archive/data/0", new byte[1 << 20]);
        ZipBytes.Entry declared = bomb.sizes(bomb.packed(), 256L << 20);
        ZipBytes local = new ZipBytes();
        // rewrite the local header to match, so that only the ratio is wrong
        byte[] all = z.bytes();
        byte[] header = ZipBytes.local(declared);
        System.arraycopy(header, 0, all, (int) bomb.offset(), header.length);
        local.raw(all);
        String m = refused(write("ratio.pt", local.finish(t[0], t[1], t[2], t[3], declared).bytes()));
        assertTrue(m.contains("expands 268435456 bytes"), m);

        // a stored member that declares 256 MiB but stores 16 bytes: miniz would read 256 MiB from its data start
        ZipBytes y = new ZipBytes();
        ZipBytes.Entry[] u = torchScript(y, "archive/data.pkl", BENIGN);
        ZipBytes.Entry stored = y.stored("archive/data/0", new byte[16]);
        String n = refused(write("stored.pt", y.finish(u[0], u[1], u[2], u[3], stored.sizes(16, 256L << 20)).bytes()));
        assertTrue(n.contains("declares 268435456 bytes but stores 16"), n);
    }

    @Test
    void aPickleThatInflatesPastItsDeclaredSizeIsRefused() throws Exception {
        ZipBytes z = new ZipBytes();
        ZipBytes.Entry constants = z.stored("archive/constants.pkl", BENIGN);
        ZipBytes.Entry code = z.stored("archive/code/__torch__.py", new byte[1]);
        byte[] big = pickle(str("x".repeat(200)), "0");
        ZipBytes.Entry data = z.deflated("archive/data.pkl", big);
        ZipBytes.Entry lying = data.sizes(data.packed(), 10);
        byte[] all = z.bytes();
        byte[] header = ZipBytes.local(lying);
        System.arraycopy(header, 0, all, (int) data.offset(), header.length);
        Path p = write("lying.pt", new ZipBytes().raw(all).finish(constants, code, lying).bytes());
        String m = assertThrows(BadInputException.class, () -> TorchScriptArchive.check(p)).getMessage();
        assertTrue(m.contains("inflates past its declared 10 bytes") || m.contains("truncated"), m);
    }
}
