package dev.parity.safety;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What makes two looks at a file "the same file, unchanged": its real path, file key, size,
 * modification time and change time (which moves on every write and which no program can set).
 * The key of the caches that spare a run from scanning or hashing the same unchanged file again
 * ({@code TorchScriptArchive}, {@code FileDigest}).
 */
public record FileIdentity(Path real, Object key, long size, long modified, Object changed) {

    /** The file's identity now; null where the platform cannot tell (then nothing may be remembered). */
    public static FileIdentity of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Object ctime = Files.getAttribute(file, "unix:ctime");
            return new FileIdentity(file.toRealPath(), a.fileKey(), a.size(),
                    a.lastModifiedTime().to(TimeUnit.NANOSECONDS), ctime);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
