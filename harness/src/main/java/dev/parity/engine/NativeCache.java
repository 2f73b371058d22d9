package dev.parity.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * DJL's engine cache, where libtorch's native libraries are unpacked from the pytorch-native-cpu jar
 * on first use. A sandboxed worker sees the cache read-only (a worker that checks hostile models must
 * not be able to replace the libraries every later run loads), so it cannot unpack them itself: the
 * process that starts workers calls {@link #unpackLibtorch} first.
 */
public final class NativeCache {
    private NativeCache() {}

    /** The folder DJL unpacks engines into: {@code ENGINE_CACHE_DIR}, else {@code DJL_CACHE_DIR}, else ~/.djl.ai. */
    public static Path folder() {
        for (String name : new String[] {"ENGINE_CACHE_DIR", "DJL_CACHE_DIR"}) {
            String v = System.getProperty(name, System.getenv(name));
            if (v != null && !v.isBlank()) {
                return Path.of(v);
            }
        }
        return Path.of(System.getProperty("user.home"), ".djl.ai");
    }

    /**
     * Unpacks libtorch into the cache unless a {@code libtorch.so} lies there already; loading the
     * engine in this process is what unpacks it, so this costs a directory listing when it is there
     * and the native load when it is not.
     */
    public static void unpackLibtorch() {
        if (!unpacked(folder())) {
            TorchScriptEngine.libtorchVersion();
        }
    }

    /** Whether {@code cache}/pytorch/&lt;build&gt;/ holds a libtorch.so. */
    static boolean unpacked(Path cache) {
        Path pytorch = cache.resolve("pytorch");
        if (!Files.isDirectory(pytorch)) {
            return false;
        }
        try (Stream<Path> builds = Files.list(pytorch)) {
            return builds.anyMatch(b -> Files.isRegularFile(b.resolve("libtorch.so")));
        } catch (IOException e) {
            return false;
        }
    }
}
