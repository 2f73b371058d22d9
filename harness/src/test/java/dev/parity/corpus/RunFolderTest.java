package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.result.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run folder: one run at a time, restartable by the same request, refusing another, never losing records. */
class RunFolderTest {
    private static RunRequest request(Path out, String models) {
        return new RunRequest(Corpus.root().resolve("model-corpus"), null, models, "opset13", out, 0, true, 1, 8);
    }

    @Test
    void aSecondRunIntoAHeldFolderIsRefusedNamingTheHolder(@TempDir Path dir) throws Exception {
        try (RunFolder held = RunFolder.open(dir)) {
            BadInputException e = assertThrows(BadInputException.class, () -> CorpusRun.run(request(dir, "mlp"),
                    RunListener.NONE));
            assertTrue(e.getMessage().contains("is in use by pid " + ProcessHandle.current().pid()), e.getMessage());
            assertThrows(BadInputException.class, () -> CorpusRun.resume(dir, RunListener.NONE));
        }
        assertEquals(1, CorpusRun.run(request(dir, "mlp"), RunListener.NONE).records().size(), "released after");
    }

    @Test
    void theSameRequestContinuesWithoutDuplicatesAndAnotherIsRefused(@TempDir Path dir) throws Exception {
        CorpusRun.run(request(dir, "mlp,two_heads"), RunListener.NONE);
        // as if killed after the first pair: keep one record and a torn line
        Path results = dir.resolve(CorpusRun.RESULTS);
        String first = Files.readAllLines(results).get(0);
        Files.writeString(results, first + "\n{\"key\":\"two_he");
        List<RunRecord> again = CorpusRun.run(request(dir, "mlp,two_heads"), RunListener.NONE).records();
        assertEquals(List.of("mlp/opset13", "two_heads/opset13"), again.stream().map(RunRecord::key).toList());
        assertEquals(2, Files.readAllLines(results).size(), "no duplicate, the torn line cut");
        BadInputException e = assertThrows(BadInputException.class,
                () -> CorpusRun.run(request(dir, "mlp"), RunListener.NONE));
        assertTrue(e.getMessage().contains("holds a run of another request (models: \"mlp\" here, \"mlp,two_heads\" in the "
                + "folder)"), e.getMessage());
    }

    @Test
    void anOutThatIsAFileOrCannotBeCreatedIsBadInput(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertTrue(assertThrows(BadInputException.class, () -> CorpusRun.run(request(file, "mlp"), RunListener.NONE))
                .getMessage().contains("is a file"));
        assertTrue(assertThrows(BadInputException.class, () -> CorpusRun.run(request(Path.of("/proc/parity-run"), "mlp"),
                RunListener.NONE)).getMessage().startsWith("cannot create run folder /proc/parity-run"));
    }

    /** /dev/full fails every write with ENOSPC: a full disk, without filling one. */
    @Test
    void aFullDiskEndsTheRunAsBadInputKeepingWhatWasWritten(@TempDir Path dir) throws Exception {
        Files.createSymbolicLink(dir.resolve(CorpusRun.RESULTS), Path.of("/dev/full"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> CorpusRun.run(request(dir, "mlp"), RunListener.NONE));
        assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("rerun the same command"),
                e.getMessage());
    }
}
