package dev.parity.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import dev.parity.errors.BadInputException;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TorchScript module on DJL's PyTorch engine (libtorch from the {@code pytorch-native-cpu} jar,
 * never downloaded). Owns its DJL {@link Model}; every inference's native arrays live in a
 * sub-manager that is closed before {@link #run} returns.
 *
 * <p><b>Graph executor.</b> DJL leaves TorchScript's profiling graph executor on: the first calls
 * run a profiling pass, later calls a re-specialised (possibly fused) graph, so the "reference"
 * would change between the first and the third inference. Parity's reference is the module as
 * saved, so the executor's optimisation is switched off by default on the calling thread before
 * each forward ({@code JniUtils.setGraphExecutorOptimize(false)}; the setting is thread-local).
 * {@link Options#graphOptimizer()} turns it back on to match a deployment that uses it.
 *
 * <p>Inputs are passed as positional IValues rather than through DJL's NDList naming convention,
 * whose {@code name.key} syntax would misread ONNX-style names such as {@code input.1}.
 */
public final class TorchScriptEngine implements Engine {
    static {
        Djl.offline();
    }

    /** Matches libtorch's argument-count errors, which carry the forward declaration. */
    private static final Pattern ARITY = Pattern.compile(
            "(expected at most \\d+ argument|is missing value for argument)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECLARATION = Pattern.compile("Declaration: (forward\\([^\\n]*)");

    /**
     * @param graphOptimizer run TorchScript's profiling graph executor (off: the module as saved)
     * @param intraOpThreads libtorch intra-op threads (process-wide); 0 keeps libtorch's default
     */
    public record Options(boolean graphOptimizer, int intraOpThreads, String device, int deviceId) {
        public Options(boolean graphOptimizer, int intraOpThreads) {
            this(graphOptimizer, intraOpThreads, "cpu", 0);
        }

        public static Options defaults() {
            return new Options(false, 0);
        }

        /**
         * Options for a device written {@code cpu}, {@code cuda} or {@code cuda:N}.
         *
         * @throws IllegalArgumentException naming the accepted forms
         */
        public static Options forDevice(boolean graphOptimizer, int intraOpThreads, String device) {
            String d = device.trim().toLowerCase(java.util.Locale.ROOT);
            if (!d.matches("cpu|cuda(:\\d+)?")) {
                throw new IllegalArgumentException("torch device '" + device + "' is not cpu or cuda[:N]");
            }
            String[] p = d.split(":");
            return new Options(graphOptimizer, intraOpThreads, p[0], p.length > 1 ? Integer.parseInt(p[1]) : 0);
        }
    }

    /** Thrown when the TorchScript forward does not take the number of inputs it was given. */
    public static final class ArityMismatch extends EngineFailure {
        private static final long serialVersionUID = 1L;

        ArityMismatch(String message, Throwable cause) {
            super("torch", message, cause);
        }
    }

    private final Model model;
    private final PtSymbolBlock block;
    private final Options options;
    private final Staging staging = new Staging();

    private TorchScriptEngine(Model model, Options options) {
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
        this.options = options;
    }

    public static TorchScriptEngine load(Path file, Options options) throws BadInputException, EngineFailure {
        TorchScriptArchive.check(file);
        Devices.requireTorch(options.device(), options.deviceId());
        Model model = null;
        try {
            ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
            if (options.intraOpThreads() > 0) {
                JniUtils.setNumThreads(options.intraOpThreads());
            }
            model = engine.newModel("reference", options.device().equals("cuda") ? Device.gpu(options.deviceId()) : Device.cpu());
            model.load(file.toAbsolutePath());
            return new TorchScriptEngine(model, options);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            throw new EngineFailure("torch", "libtorch could not load " + file + ": "
                    + EngineFailure.firstLine(e.getMessage()), e);
        }
    }

    /** libtorch's version, as DJL reports it (loads the native library). */
    public static String libtorchVersion() {
        return ai.djl.engine.Engine.getEngine("PyTorch").getVersion();
    }

    /** DJL's own version. */
    public static String djlVersion() {
        return ai.djl.engine.Engine.getDjlVersion();
    }

    @Override
    public String id() {
        return "torch";
    }

    @Override
    public List<Tensor> run(List<Tensor> inputs) throws EngineFailure {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            IValue[] args = new IValue[inputs.size()];
            IValue result = null;
            try {
                for (int i = 0; i < args.length; i++) {
                    args[i] = IValue.from((PtNDArray) toNd(scope, staging.fill(i, inputs.get(i)), inputs.get(i)));
                }
                JniUtils.setGraphExecutorOptimize(options.graphOptimizer());
                result = block.forward(args);
                NDList outs = result.toNDList((PtNDManager) scope);
                List<Tensor> copied = new ArrayList<>(outs.size());
                for (NDArray a : outs) {
                    copied.add(toTensor(a));
                }
                return copied;
            } finally {
                for (IValue v : args) {
                    if (v != null) {
                        v.close();
                    }
                }
                if (result != null) {
                    result.close();
                }
            }
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (ARITY.matcher(msg).find()) {
                Matcher d = DECLARATION.matcher(msg);
                throw new ArityMismatch(d.find() ? "the TorchScript model declares " + d.group(1).strip()
                        : "the TorchScript forward does not take " + inputs.size() + " inputs", e);
            }
            throw new EngineFailure("torch", "libtorch failed to run: " + runReason(msg), e);
        }
    }

    /**
     * The informative line of a TorchScript interpreter error: its first line is a generic
     * "The following operation failed", the cause follows as {@code RuntimeError: ...}.
     */
    static String runReason(String message) {
        int at = message.lastIndexOf("Error: ");
        if (at >= 0) {
            int start = message.lastIndexOf('\n', at) + 1;
            return EngineFailure.firstLine(message.substring(start));
        }
        return EngineFailure.firstLine(message);
    }

    /** An array over the staged direct copy of {@code t}. */
    private static NDArray toNd(NDManager m, ByteBuffer staged, Tensor t) {
        Shape shape = new Shape(t.shape());
        switch (t.dtype()) {
            case FLOAT32: return m.create(staged, shape, DataType.FLOAT32);
            case FLOAT64: return m.create(staged, shape, DataType.FLOAT64);
            case INT64: return m.create(staged, shape, DataType.INT64);
            case INT32: return m.create(staged, shape, DataType.INT32);
            case UINT8: return m.create(staged, shape, DataType.UINT8);
            case BOOL: return m.create(staged, shape, DataType.BOOLEAN);
            default: return m.create(staged, shape, DataType.INT8);
        }
    }

    /** Copies a DJL array out of native memory. Half-precision outputs are widened to float32. */
    static Tensor toTensor(NDArray a) {
        long[] shape = a.getShape().getShape();
        switch (a.getDataType()) {
            case FLOAT32: return Tensor.ofFloats(shape, a.toFloatArray());
            case FLOAT16: case BFLOAT16:
                try (NDArray f = a.toType(DataType.FLOAT32, true)) {
                    return Tensor.ofFloats(shape, f.toFloatArray());
                }
            case FLOAT64: return Tensor.ofDoubles(shape, a.toDoubleArray());
            case INT64: return Tensor.ofLongs(shape, a.toLongArray());
            case INT32: return Tensor.ofInts(shape, a.toIntArray());
            case INT8: return Tensor.ofBytes(DType.INT8, shape, a.toByteArray());
            case UINT8: return Tensor.ofBytes(DType.UINT8, shape, a.toByteArray());
            case BOOLEAN: return Tensor.ofBytes(DType.BOOL, shape, a.toByteArray());
            default:
                throw new IllegalStateException("unsupported TorchScript output type " + a.getDataType());
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
