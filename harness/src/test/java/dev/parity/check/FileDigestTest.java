package dev.parity.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file's sha256 is read once while the file is unchanged, and again after any write. */
class FileDigestTest {
    @Test
    void anUnchangedFileIsHashedOnce(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("a.bin"), "abc");
        int before = FileDigest.HASHED.get();
        String d = FileDigest.sha256(f);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d); // FIPS 180-2 example
        assertEquals(d, FileDigest.sha256(f));
        assertEquals(before + 1, FileDigest.HASHED.get());
    }

    @Test
    void aFileRewrittenWithItsOldSizeAndTimeIsHashedAgain(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("a.bin"), "abc");
        String d = FileDigest.sha256(f);
        FileTime mtime = Files.getLastModifiedTime(f);
        Files.write(f, "abd".getBytes(StandardCharsets.US_ASCII));
        Files.setLastModifiedTime(f, mtime);
        assertNotEquals(d, FileDigest.sha256(f));
        assertEquals(FileDigest.sha256(f), ParityCheck.sha256(f));
    }
}
