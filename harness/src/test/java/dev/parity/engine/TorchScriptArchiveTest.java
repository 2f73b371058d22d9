package dev.parity.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.BadInputException;
import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void truncatedArchiveIsRefused(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(Corpus.reference("mlp"));
        Path t = dir.resolve("truncated.pt");
        Files.write(t, java.util.Arrays.copyOf(full, full.length / 2));
        assertTrue(refuse(t).contains("not a TorchScript archive"), refuse(t));
    }
}
