package dev.parity.benchmarks;

import dev.parity.inputs.ConcreteInput;
import dev.parity.inputs.InputGenerator;
import dev.parity.inputs.InputRegime;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** How fast are inputs generated, per regime? 1M float32 (4 MB) per call; GB/s = 0.0042 / time in s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InputGenerationBenchmark {
    @Param({"NORMAL", "LARGE", "SMALL", "UNIFORM"})
    InputRegime regime;

    ConcreteInput input = new ConcreteInput("x", DType.FLOAT32, new long[] {1024, 1024}, null, null);

    @Benchmark
    public Tensor generate() {
        return InputGenerator.generate(0, 0, regime, input);
    }
}
