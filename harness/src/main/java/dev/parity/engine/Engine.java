package dev.parity.engine;

import dev.parity.tensor.Tensor;
import java.util.List;

/**
 * One loaded model on one runtime. Inputs are given in the model's positional order; outputs come
 * back flattened in order (tuples and lists unrolled) as engine-neutral {@link Tensor}s that own
 * their data, so nothing native outlives the call.
 *
 * <p>An engine is created by its loader ({@code OnnxRuntimeEngine.load},
 * {@code TorchScriptEngine.load}) and owned by whoever called the loader, who must close it.
 * Not thread-safe.
 */
public interface Engine extends AutoCloseable {
    /** {@code torch} or {@code onnx}: the name used in results and messages. */
    String id();

    List<Tensor> run(List<Tensor> inputs) throws EngineFailure;

    @Override
    void close();
}
