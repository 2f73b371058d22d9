package dev.parity.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parity.check.Corpus;
import dev.parity.inputs.ConcreteInput;
import dev.parity.inputs.InputGenerator;
import dev.parity.inputs.InputRegime;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's reference is loaded once for all of its configurations, lent out, and closed with its owner. */
class LoadedReferencesTest {
    private static final TorchScriptEngine.Options OPTIONS = TorchScriptEngine.Options.defaults();

    private static List<Tensor> mlpInput() {
        return List.of(InputGenerator.generate(1, 0, InputRegime.NORMAL,
                new ConcreteInput("x", DType.FLOAT32, new long[] {2, 16}, null, null)));
    }

    @Test
    void aModelsReferenceIsLoadedOnceForAllItsChecks(@TempDir Path dir) throws Exception {
        Path ref = Files.copy(Corpus.reference("mlp"), dir.resolve("mlp.pt"));
        try (LoadedReferences refs = new LoadedReferences()) {
            refs.forModel("mlp");
            TorchScriptEngine first;
            try (ReferenceSource.Lease a = refs.lease(ref, OPTIONS)) {
                first = a.engine();
            }
            try (ReferenceSource.Lease b = refs.lease(ref, OPTIONS)) {
                assertSame(first, b.engine(), "the second configuration gets the engine the first used");
            }
            assertEquals(1, refs.loads());
            first.run(mlpInput()); // closing a borrowing lease left the engine open
        }
    }

    @Test
    void anotherModelClosesTheEnginesOfThePrevious(@TempDir Path dir) throws Exception {
        Path ref = Files.copy(Corpus.reference("mlp"), dir.resolve("mlp.pt"));
        try (LoadedReferences refs = new LoadedReferences()) {
            refs.forModel("mlp");
            TorchScriptEngine e;
            try (ReferenceSource.Lease a = refs.lease(ref, OPTIONS)) {
                e = a.engine();
            }
            assertEquals(1, refs.held());
            refs.forModel("two_heads");
            assertEquals(0, refs.held());
            assertThrows(EngineFailure.class, () -> e.run(mlpInput()), "its engine is closed");
        }
    }

    @Test
    void aFileRewrittenSinceItsLoadIsScannedAndLoadedAgain(@TempDir Path dir) throws Exception {
        Path ref = Files.copy(Corpus.reference("mlp"), dir.resolve("mlp.pt"));
        try (LoadedReferences refs = new LoadedReferences()) {
            refs.forModel("mlp");
            TorchScriptEngine first;
            try (ReferenceSource.Lease a = refs.lease(ref, OPTIONS)) {
                first = a.engine();
            }
            int scans = TorchScriptArchive.SCANS.get();
            refs.check(ref);
            assertEquals(scans, TorchScriptArchive.SCANS.get(), "a held, unchanged file is not scanned again");
            FileTime mtime = Files.getLastModifiedTime(ref);
            Files.write(ref, Files.readAllBytes(ref)); // same bytes and size, old time back: the change time moved
            Files.setLastModifiedTime(ref, mtime);
            refs.check(ref);
            assertEquals(scans + 1, TorchScriptArchive.SCANS.get(), "a rewritten file is scanned");
            try (ReferenceSource.Lease b = refs.lease(ref, OPTIONS)) {
                assertNotSame(first, b.engine());
            }
            assertEquals(2, refs.loads());
        }
    }

    @Test
    void freshLeasesOwnTheirEngines() throws Exception {
        TorchScriptEngine e;
        try (ReferenceSource.Lease a = ReferenceSource.FRESH.lease(Corpus.reference("mlp"), OPTIONS)) {
            e = a.engine();
            e.run(mlpInput());
        }
        assertThrows(EngineFailure.class, () -> e.run(mlpInput()), "closing the lease closed the engine");
    }
}
