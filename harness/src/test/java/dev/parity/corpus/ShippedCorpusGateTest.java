package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parity.check.Corpus;
import dev.parity.result.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job's promise: every pair of every committed generation meets the expectation a person
 * wrote for it in model-corpus/expectations.json, so {@code ./parity run} exits 0 on a fresh clone.
 */
class ShippedCorpusGateTest {
    static Stream<String> generations() throws Exception {
        try (Stream<Path> s = Files.list(Corpus.root().resolve("model-corpus/models/mlp/exports"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("generations")
    void everyPairMeetsItsExpectation(String generation, @TempDir Path out) throws Exception {
        CorpusRun.RunSummary s = CorpusRun.run(new RunRequest(Corpus.root().resolve("model-corpus"), generation, "*", "*",
                out, 0, true, 1, 8), RunListener.NONE);
        List<String> off = s.records().stream().filter(RunRecord::failsGate)
                .map(r -> r.key() + ": expected " + r.expected() + ", got " + r.outcome().label() + " (" + r.message() + ")")
                .toList();
        assertEquals(List.of(), off);
    }
}
