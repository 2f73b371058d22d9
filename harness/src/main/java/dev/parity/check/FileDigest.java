package dev.parity.check;

import dev.parity.errors.BadInputException;
import dev.parity.safety.FileIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sha256 of a file, remembered by the file's identity (real path, file key, size, modification and
 * change time) so that a corpus run, which checks the pins of a model's reference, twin and probe for
 * each of its configurations, reads each file once. A file written since (its change time moves on
 * every write, and no program can set it) is hashed again. Thread-safe.
 */
public final class FileDigest {
    private static final int REMEMBERED = 256;
    private static final Map<FileIdentity, String> KNOWN = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<FileIdentity, String> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** Files read and hashed by this JVM (tests read it to pin "once per file"). */
    static final AtomicInteger HASHED = new AtomicInteger();

    private FileDigest() {}

    /** Hex sha256 of {@code file}'s bytes. */
    public static String sha256(Path file) throws BadInputException {
        FileIdentity before = FileIdentity.of(file);
        if (before != null) {
            synchronized (KNOWN) {
                String known = KNOWN.get(before);
                if (known != null) {
                    return known;
                }
            }
        }
        String digest = hash(file);
        if (before != null && before.equals(FileIdentity.of(file))) {
            synchronized (KNOWN) {
                KNOWN.put(before, digest);
            }
        }
        return digest;
    }

    private static String hash(Path file) throws BadInputException {
        HASHED.incrementAndGet();
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
