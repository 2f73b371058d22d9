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
 * @param workers worker processes that check pairs (0: in this process, no crash isolation)
 * @param timeoutSeconds per-pair limit in worker mode (0: none)
 */
public record RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
        boolean useTwins, int threads, double noiseFactor, int workers, int timeoutSeconds) {

    /** In-process, no timeout: what library callers and most tests use. */
    public RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
            boolean useTwins, int threads, double noiseFactor) {
        this(corpus, generation, models, configs, out, seed, useTwins, threads, noiseFactor, 0, 0);
    }
    public RunRequest {
        Objects.requireNonNull(corpus, "corpus");
        Objects.requireNonNull(out, "out");
        models = models == null ? "*" : models;
        configs = configs == null ? "*" : configs;
    }
}
