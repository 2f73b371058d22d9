package dev.parity.junit;

import dev.parity.errors.BadInputException;
import dev.parity.corpus.CorpusRun;
import dev.parity.corpus.Manifest;
import dev.parity.corpus.ManifestLoader;
import dev.parity.corpus.RunRequest;
import dev.parity.result.ExpectationStatus;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.AssertionFailedError;

/**
 * A corpus folder (a {@code manifest.json} with its references and exports, and its
 * {@code expectations.json}) as JUnit 5 dynamic tests: one test per model x configuration, which
 * passes when the pair does what its expectation says (a known problem stays known) and fails with
 * the reason and the cause when it does not, a vanished problem included.
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> corpus() {
 *     return ParityCorpus.tests(Path.of("model-corpus"), "torch-1.13.1", "*");
 * }
 * }</pre>
 */
public final class ParityCorpus {
    private ParityCorpus() {}

    /**
     * @param corpus the corpus folder
     * @param generation the converter generation whose exports to check, or null for the manifest's
     * @param models the models to test (globs, comma-separated; {@code *} for all)
     */
    public static Stream<DynamicTest> tests(Path corpus, String generation, String models) {
        Manifest m;
        Path scratch;
        try {
            m = ManifestLoader.load(corpus);
            scratch = Files.createTempDirectory("parity-junit");
        } catch (BadInputException | IOException e) {
            throw new AssertionFailedError("corpus " + corpus + ": " + e.getMessage(), e);
        }
        String gen = generation != null ? generation : m.referenceGeneration();
        RunRequest req = new RunRequest(corpus, gen, models, "*", scratch, 0, true, 1, 8);
        List<CorpusRun.Pair> pairs = CorpusRun.select(m, gen, models, "*");
        return pairs.stream().map(p -> DynamicTest.dynamicTest(p.key() + " [" + gen + "]", () -> {
            RunRecord r = CorpusRun.checkJudged(req, p);
            if (r.status() != ExpectationStatus.AS_EXPECTED) {
                String what = r.status() == ExpectationStatus.FIXED ? "fixed: expected " + r.expected() + ", now faithful"
                        : "unexpected " + r.outcome().label() + " (expected " + r.expected() + ")";
                throw new AssertionFailedError(p.key() + ": " + what
                        + (r.message() != null ? "; reason: " + r.message() : "")
                        + (r.cause() != null ? "; cause of the expected outcome: " + r.cause() : ""),
                        r.expected(), r.outcome().label());
            }
        }));
    }
}
