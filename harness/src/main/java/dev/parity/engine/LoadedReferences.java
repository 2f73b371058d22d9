package dev.parity.engine;

import dev.parity.errors.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * TorchScript engines kept loaded for the checks of one model: a corpus checks every configuration of
 * a model against the same reference and float64 twin, so each is loaded once per model instead of
 * once per configuration. {@link #forModel} names the model whose pairs run next; naming another
 * closes the engines held for the previous one, so at most one model's engines are in memory.
 *
 * <p>Owns every engine it loaded and lends them out ({@link ReferenceSource.Lease#borrowing}); close
 * it when the run ends. A file is held under its absolute path and the options it was loaded with,
 * and loaded again when its size, modification or change time moved since. Not thread-safe: one per
 * thread that checks pairs.
 */
public final class LoadedReferences implements ReferenceSource, AutoCloseable {
    private record Key(Path file, TorchScriptEngine.Options options) {}

    private record Held(TorchScriptEngine engine, Stamp stamp) {}

    /** What says a file is unchanged: size, modification and change time (every write moves the latter). */
    private record Stamp(long size, long modified, Object changed) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), Files.getAttribute(file, "unix:ctime"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return null;
            }
        }
    }

    private final Map<Key, Held> held = new LinkedHashMap<>();
    private String model;
    private int loads;

    /**
     * Makes {@code name} the model whose engines are kept; the engines of another model are closed.
     */
    public void forModel(String name) {
        if (!Objects.equals(name, model)) {
            closeHeld();
            model = name;
        }
    }

    @Override
    public Lease lease(Path file, TorchScriptEngine.Options options) throws BadInputException, EngineFailure {
        Key key = new Key(file.toAbsolutePath().normalize(), options);
        Stamp stamp = Stamp.of(file);
        Held h = held.get(key);
        if (h != null && !h.stamp().equals(stamp)) {
            held.remove(key);
            h.engine().close();
            h = null;
        }
        if (h == null) {
            TorchScriptEngine engine = TorchScriptEngine.load(file, options);
            loads++;
            if (stamp == null) {
                return Lease.owning(engine); // a file whose identity cannot be read is never reused
            }
            h = new Held(engine, stamp);
            held.put(key, h);
        }
        return Lease.borrowing(h.engine());
    }

    /**
     * Scans {@code file} ({@link TorchScriptArchive#check}) unless an engine of it is held and the file's
     * size, modification and change time are those it was loaded with: that engine was loaded after a scan, and
     * its pairs run on it, not on the file. A file changed since is scanned, and a lease of it loads it again.
     */
    @Override
    public void check(Path file) throws BadInputException {
        Path abs = file.toAbsolutePath().normalize();
        Stamp stamp = Stamp.of(file);
        for (Map.Entry<Key, Held> e : held.entrySet()) {
            if (stamp != null && e.getKey().file().equals(abs) && e.getValue().stamp().equals(stamp)) {
                return;
            }
        }
        TorchScriptArchive.check(file);
    }

    /** Engines loaded so far (tests read it to pin "once per model"). */
    public int loads() {
        return loads;
    }

    /** Engines held now. */
    public int held() {
        return held.size();
    }

    private void closeHeld() {
        held.values().forEach(h -> h.engine().close());
        held.clear();
    }

    @Override
    public void close() {
        closeHeld();
        model = null;
    }

    @Override
    public String toString() {
        return "LoadedReferences[model " + model + ", " + held.size() + " held, " + loads + " loaded]";
    }
}
