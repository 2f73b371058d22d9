package dev.parity.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.inputs.ConcreteInput;
import dev.parity.inputs.InputGenerator;
import dev.parity.inputs.InputRegime;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does Parity's ONNX engine call cost beyond the inference? Parity: {@code
 * OnnxRuntimeEngine.run} on an engine-neutral Tensor, outputs copied out to Java arrays. Baseline:
 * {@code OrtSession.run} on an OnnxTensor pre-created at Trial level over a direct buffer. Same
 * session options (1 intra-op thread, all optimisations), same model, same input bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true"})
public class OnnxPathBenchmark {
    @Param({"micro", "resnet18"})
    String model;

    @Param({"1", "8"})
    int batch;

    OnnxRuntimeEngine engine;
    List<Tensor> inputs;
    OrtSession.SessionOptions rawOptions;
    OrtSession raw;
    Map<String, OnnxTensor> rawInputs;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engine = OnnxRuntimeEngine.load(BenchModels.onnx(model), 1, OnnxRuntimeEngine.Optimization.ALL);
        Tensor x = InputGenerator.generate(0, 0, InputRegime.NORMAL,
                new ConcreteInput("x", DType.FLOAT32, BenchModels.shape(model, batch), null, null));
        inputs = List.of(x);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        rawOptions = new OrtSession.SessionOptions();
        rawOptions.setIntraOpNumThreads(1);
        rawOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        raw = env.createSession(BenchModels.onnx(model).toString(), rawOptions);
        FloatBuffer direct = ByteBuffer.allocateDirect(x.size() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(x.floats()).rewind();
        rawInputs = Map.of(engine.inputs().get(0).name(), OnnxTensor.createTensor(env, direct, x.shape()));
    }

    @Benchmark
    public List<Tensor> parityEngine() throws Exception {
        return engine.run(inputs);
    }

    @Benchmark
    public long rawOrtSession() throws OrtException {
        try (OrtSession.Result r = raw.run(rawInputs)) {
            return ((OnnxTensor) r.get(0)).getInfo().getNumElements();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        rawInputs.values().forEach(OnnxTensor::close);
        raw.close();
        rawOptions.close();
        engine.close();
    }
}
