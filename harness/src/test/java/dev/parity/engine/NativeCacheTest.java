package dev.parity.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cache counts as unpacked only with a libtorch.so in one of its pytorch builds. */
class NativeCacheTest {
    @Test
    void anEmptyOrPartialCacheIsNotUnpacked(@TempDir Path cache) throws Exception {
        assertFalse(NativeCache.unpacked(cache));
        Path build = Files.createDirectories(cache.resolve("pytorch/2.7.1-cpu-linux-x86_64"));
        assertFalse(NativeCache.unpacked(cache), "a build folder without the library");
        Files.writeString(build.resolve("libtorch.so"), "");
        assertTrue(NativeCache.unpacked(cache));
    }

    @Test
    void unpackingLeavesTheLibraryInTheCache() {
        NativeCache.unpackLibtorch();
        assertTrue(NativeCache.unpacked(NativeCache.folder()), "after loading the engine: " + NativeCache.folder());
    }
}
