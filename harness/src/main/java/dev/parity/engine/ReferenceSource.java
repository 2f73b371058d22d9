package dev.parity.engine;

import dev.parity.errors.BadInputException;
import java.nio.file.Path;

/**
 * Where a check gets its TorchScript engines: loaded for the check alone ({@link #FRESH}, what a
 * single check does), or kept loaded across the checks of one model ({@link LoadedReferences}, what a
 * corpus run does, since every configuration of a model is checked against the same reference and twin).
 */
public interface ReferenceSource {
    /** Loads every engine anew; the lease owns it and closing the lease closes it. */
    ReferenceSource FRESH = (file, options) -> Lease.owning(TorchScriptEngine.load(file, options));

    /**
     * An engine of {@code file}, loaded with {@code options}, for the caller's use until it closes the
     * lease. The caller must not close the engine itself.
     */
    Lease lease(Path file, TorchScriptEngine.Options options) throws BadInputException, EngineFailure;

    /**
     * The checks a TorchScript file passes before a check uses it ({@link TorchScriptArchive#check}):
     * by default all of them. A source that holds an engine of the unchanged file may skip the scan:
     * the file passed it when the engine was loaded, and libtorch does not read it again.
     */
    default void check(Path file) throws BadInputException {
        TorchScriptArchive.check(file);
    }

    /** A TorchScript engine lent to one check; closing the lease closes the engine only when the lease owns it. */
    final class Lease implements AutoCloseable {
        private final TorchScriptEngine engine;
        private final boolean owning;

        private Lease(TorchScriptEngine engine, boolean owning) {
            this.engine = engine;
            this.owning = owning;
        }

        /** A lease that owns {@code engine}: closing it closes the engine. */
        public static Lease owning(TorchScriptEngine engine) {
            return new Lease(engine, true);
        }

        /** A lease of an engine someone else owns and closes. */
        public static Lease borrowing(TorchScriptEngine engine) {
            return new Lease(engine, false);
        }

        public TorchScriptEngine engine() {
            return engine;
        }

        @Override
        public void close() {
            if (owning) {
                engine.close();
            }
        }

        @Override
        public String toString() {
            return (owning ? "owning " : "borrowing ") + engine;
        }
    }
}
