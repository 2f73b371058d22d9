package dev.parity.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's smoke iteration of every benchmark: one short measurement in this JVM, on the micro model
 * and the 1M-element oracle pair (resnet18 is built on demand and not in CI). Asserts that each
 * benchmark ran and produced a score, never how fast: timings live in benchmarks/README.md.
 */
class BenchmarkSmokeTest {
    @Test
    void everyBenchmarkRunsOnce() throws Exception {
        Options o = new OptionsBuilder()
                .include("dev\\.parity\\.benchmarks\\..*Benchmark")
                .forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
                .param("size", "1048576").param("model", "micro").param("batch", "1").param("regime", "NORMAL")
                .shouldFailOnError(true).build();
        Collection<RunResult> results = new Runner(o).run();
        assertEquals(11, results.size(), "benchmarks run");
        for (RunResult r : results) {
            assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark());
        }
    }
}
