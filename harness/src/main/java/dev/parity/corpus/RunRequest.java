package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A corpus run: which corpus, which converter generation's exports, which models and
 * configurations (globs, {@code *} and {@code ?}), where the run folder goes.
 *
 * @param useTwins judge in attribution mode where the manifest has float64 twins
 * @param threads intra-op threads of both engines (0: engine defaults)
 * @param noiseFactor tolerance mode's multiple of the one-ulp reference movement (0: fixed tolerances)
 */
public record RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
        boolean useTwins, int threads, double noiseFactor) {
    public RunRequest {
        Objects.requireNonNull(corpus, "corpus");
        Objects.requireNonNull(out, "out");
        models = models == null ? "*" : models;
        configs = configs == null ? "*" : configs;
    }
}
