package dev.parity.benchmarks;

import dev.parity.oracles.ClosenessOracle;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does the full per-output oracle pass (every statistic, histogram quantiles, worst element,
 * samples) run at memory speed? Baseline: one streaming pass over both arrays (sum of |a - b|).
 * Throughput in GB/s = 8 bytes x size / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class OraclePassBenchmark {
    @Param({"1048576", "16777216"})
    int size;

    Tensor torch;
    Tensor onnx;
    float[] a;
    float[] b;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(7);
        a = new float[size];
        b = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
            b[i] = a[i] + (float) ((rng.nextDouble() - 0.5) * 1e-6);
        }
        torch = Tensor.ofFloats(new long[] {size}, a);
        onnx = Tensor.ofFloats(new long[] {size}, b);
    }

    @Benchmark
    public OutputFinding fullOraclePass() {
        return ClosenessOracle.compare("y", torch, onnx, ToleranceConfig.FLOAT32_DEFAULT);
    }

    @Benchmark
    public double streamingBaseline() {
        float[] x = a;
        float[] y = b;
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs((double) x[i] - y[i]);
        }
        return s;
    }
}
