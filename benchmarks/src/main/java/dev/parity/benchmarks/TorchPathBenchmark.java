package dev.parity.benchmarks;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.NoopTranslator;
import dev.parity.engine.TorchScriptEngine;
import dev.parity.inputs.ConcreteInput;
import dev.parity.inputs.InputGenerator;
import dev.parity.inputs.InputRegime;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.List;
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
 * What does Parity's TorchScript engine call cost beyond the inference? Parity: {@code
 * TorchScriptEngine.run} (Tensor in, native arrays in a sub-manager, outputs copied out). Baseline:
 * DJL's {@code Predictor.predict} with {@code NoopTranslator} on an NDList created at Trial level,
 * outputs closed after each call. Both with the graph executor's optimisation off and one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.graph_optimizer=false",
    "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class TorchPathBenchmark {
    @Param({"micro", "resnet18"})
    String model;

    @Param({"1", "8"})
    int batch;

    TorchScriptEngine engine;
    List<Tensor> inputs;
    Model rawModel;
    Predictor<NDList, NDList> predictor;
    NDManager manager;
    NDList rawInputs;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engine = TorchScriptEngine.load(BenchModels.torch(model), new TorchScriptEngine.Options(false, 1));
        Tensor x = InputGenerator.generate(0, 0, InputRegime.NORMAL,
                new ConcreteInput("x", DType.FLOAT32, BenchModels.shape(model, batch), null, null));
        inputs = List.of(x);
        rawModel = Model.newInstance("raw", Device.cpu(), "PyTorch");
        rawModel.load(BenchModels.torch(model));
        predictor = rawModel.newPredictor(new NoopTranslator());
        manager = rawModel.getNDManager().newSubManager();
        rawInputs = new NDList(manager.create(x.floats(), new Shape(x.shape())));
        JniUtils.setGraphExecutorOptimize(false);
    }

    @Benchmark
    public List<Tensor> parityEngine() throws Exception {
        return engine.run(inputs);
    }

    @Benchmark
    public long rawDjlPredictor() throws Exception {
        NDList out = predictor.predict(rawInputs);
        long n = out.get(0).size();
        out.close();
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        predictor.close();
        rawModel.close();
        engine.close();
    }
}
