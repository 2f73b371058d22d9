package dev.parity.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptArchiveTest {
    private static String refuse(Path p) {
        return assertThrows(BadInputException.class, () -> TorchScriptArchive.check(p)).getMessage();
    }

    @Test
    void tracedReferenceIsAccepted() {
        assertDoesNotThrow(() -> TorchScriptArchive.check(Corpus.reference("mlp")));
    }

    @Test
    void stateDictSavedWithTorchSaveIsRefusedWithAHowTo() {
        String m = refuse(Corpus.fixture("state_dict.pt"));
        assertTrue(m.contains("torch.save archive") && m.contains("torch.jit.save"), m);
    }

    @Test
    void legacyPickleIsRefused() {
        assertTrue(refuse(Corpus.fixture("legacy_pickle.pt")).contains("legacy torch.save pickle"));
    }

    @Test
    void randomBytesAreRefused() {
        assertTrue(refuse(Corpus.fixture("random_bytes.pt")).contains("not a zip file"));
    }

    @Test
    void missingFileIsRefused() {
        assertTrue(refuse(Path.of("/no/such/model.pt")).startsWith("TorchScript model not found"));
    }

    @Test
    void zipWithoutTorchScriptPartsIsRefused(@TempDir Path dir) throws Exception {
        Path z = dir.resolve("other.pt");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z))) {
            out.putNextEntry(new ZipEntry("archive/readme.txt"));
            out.write("hello".getBytes());
            out.closeEntry();
        }
        assertTrue(refuse(z).contains("not a TorchScript archive"));
    }

    @Test
    void aFileCheckedAndThenLoadedIsScannedOnce(@TempDir Path dir) throws Exception {
        Path p = Files.copy(Corpus.reference("mlp"), dir.resolve("mlp.pt"));
        int before = TorchScriptArchive.SCANS.get();
        TorchScriptArchive.check(p); // ParityCheck's check
        TorchScriptArchive.check(p); // TorchScriptEngine.load's check: the scan above vouches for it
        assertEquals(before + 1, TorchScriptArchive.SCANS.get());
        TorchScriptArchive.check(p); // a third look is a new load: scanned again
        assertEquals(before + 2, TorchScriptArchive.SCANS.get());
    }

    @Test
    void aFileRewrittenAfterItsCheckIsScannedAgainEvenWithItsOldSizeAndTime(@TempDir Path dir) throws Exception {
        byte[] evilPickle = {(byte) 0x80, 2, 'c', 'p', 'o', 's', 'i', 'x', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', 'N', 'R', '.'};
        byte[] goodPickle = {(byte) 0x80, 2, 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', 'N', '0', '0', '.'};
        Path p = dir.resolve("swap.pt");
        Files.write(p, archive(goodPickle));
        TorchScriptArchive.check(p);
        FileTime mtime = Files.getLastModifiedTime(p);
        Files.write(p, archive(evilPickle)); // same size, then the old modification time back
        Files.setLastModifiedTime(p, mtime);
        String m = assertThrows(BadInputException.class, () -> TorchScriptArchive.check(p)).getMessage();
        assertTrue(m.contains("posix.system"), m);
    }

    /** A stored TorchScript-shaped archive around {@code pickle}, all sizes fixed by the pickle's length. */
    private static byte[] archive(byte[] pickle) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (String[] e : new String[][] {{"archive/data.pkl", null}, {"archive/constants.pkl", null},
                {"archive/code/__torch__.py", "x"}}) {
                byte[] data = e[1] == null ? pickle : e[1].getBytes();
                ZipEntry z = new ZipEntry(e[0]);
                z.setMethod(ZipEntry.STORED);
                z.setSize(data.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                z.setCrc(crc.getValue());
                z.setTime(0);
                out.putNextEntry(z);
                out.write(data);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void truncatedArchiveIsRefused(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(Corpus.reference("mlp"));
        Path t = dir.resolve("truncated.pt");
        Files.write(t, java.util.Arrays.copyOf(full, full.length / 2));
        assertTrue(refuse(t).contains("not a TorchScript archive"), refuse(t));
    }
}
