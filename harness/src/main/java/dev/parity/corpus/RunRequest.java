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
 * @param matrix ONNX placements to check every pair at ({@code onnx:cpu}, {@code onnx:cuda},
 *     {@code onnx:cpu:opt=disabled}); empty: CPU with all optimisations. The first is the baseline.
 * @param shard {@code K/N}: only the pairs whose key hashes to K modulo N (0 <= K < N), or null
 * @param torchDevice {@code cpu} or {@code cuda[:N]} for the reference
 * @param localize name the first divergent module of discrepant pairs whose model has a probe
 * @param baseline a previous run folder whose outcomes are the expectations (a converter upgrade gated
 *     against the run before it), or null: the corpus's {@code expectations.json}
 * @param maxMemory each worker's memory cap in bytes (null: half the machine's memory; 0: none)
 * @param sandbox run workers in the OS sandbox where the platform has one (null: yes)
 */
public record RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
        boolean useTwins, int threads, double noiseFactor, int workers, int timeoutSeconds, java.util.List<String> matrix,
        String shard, String torchDevice, boolean localize, Path baseline, Long maxMemory, Boolean sandbox) {

    /** With the default worker limits. */
    public RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
            boolean useTwins, int threads, double noiseFactor, int workers, int timeoutSeconds, java.util.List<String> matrix,
            String shard, String torchDevice, boolean localize, Path baseline) {
        this(corpus, generation, models, configs, out, seed, useTwins, threads, noiseFactor, workers, timeoutSeconds, matrix,
                shard, torchDevice, localize, baseline, null, null);
    }

    /** The limits of this run's workers. */
    public dev.parity.isolation.Limits limits() {
        return new dev.parity.isolation.Limits(timeoutSeconds, maxMemory != null ? maxMemory
                : dev.parity.isolation.Limits.defaultMaxMemory(), sandbox == null || sandbox);
    }

    /** Without a baseline: expectations from the corpus. */
    public RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
            boolean useTwins, int threads, double noiseFactor, int workers, int timeoutSeconds, java.util.List<String> matrix,
            String shard, String torchDevice, boolean localize) {
        this(corpus, generation, models, configs, out, seed, useTwins, threads, noiseFactor, workers, timeoutSeconds, matrix,
                shard, torchDevice, localize, null);
    }

    /** In-process, no timeout, CPU: what library callers and most tests use. */
    public RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
            boolean useTwins, int threads, double noiseFactor) {
        this(corpus, generation, models, configs, out, seed, useTwins, threads, noiseFactor, 0, 0);
    }

    /** On CPU, unsharded. */
    public RunRequest(Path corpus, String generation, String models, String configs, Path out, long seed,
            boolean useTwins, int threads, double noiseFactor, int workers, int timeoutSeconds) {
        this(corpus, generation, models, configs, out, seed, useTwins, threads, noiseFactor, workers, timeoutSeconds,
                java.util.List.of(), null, "cpu", false);
    }

    /** The same request writing to another folder. */
    public RunRequest withOut(Path folder) {
        return new RunRequest(corpus, generation, models, configs, folder, seed, useTwins, threads, noiseFactor, workers,
                timeoutSeconds, matrix, shard, torchDevice, localize, baseline, maxMemory, sandbox);
    }
    public RunRequest {
        Objects.requireNonNull(corpus, "corpus");
        Objects.requireNonNull(out, "out");
        models = models == null ? "*" : models;
        configs = configs == null ? "*" : configs;
        matrix = matrix == null ? java.util.List.of() : java.util.List.copyOf(matrix);
        torchDevice = torchDevice == null ? "cpu" : torchDevice;
    }
}
