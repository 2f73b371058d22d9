package dev.parity.engine;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.parity.errors.BadInputException;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model on ONNX Runtime's CPU execution provider. Owns its session and session options
 * (closed together, session first); the process-wide {@link OrtEnvironment} is shared and never
 * closed here.
 */
public final class OnnxRuntimeEngine implements Engine {
    /** ONNX Runtime graph optimisation levels, as {@code --onnx-opt} names them. */
    public enum Optimization {
        DISABLED(OrtSession.SessionOptions.OptLevel.NO_OPT),
        BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
        EXTENDED(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT),
        ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

        final OrtSession.SessionOptions.OptLevel level;

        Optimization(OrtSession.SessionOptions.OptLevel level) {
            this.level = level;
        }
    }

    private static volatile boolean nativeLogs;

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Staging staging = new Staging();

    private OnnxRuntimeEngine(OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session,
            List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.env = env;
        this.options = options;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /**
     * Loads {@code file}. A missing, unreadable or unparsable file is a {@link BadInputException};
     * a model that parses but that ONNX Runtime refuses (invalid graph, missing kernel) is an
     * {@link EngineFailure}.
     */
    public static OnnxRuntimeEngine load(Path file, int intraOpThreads, Optimization opt)
            throws BadInputException, EngineFailure {
        return load(file, intraOpThreads, new Placement("cpu", 0, opt));
    }

    /**
     * Loads {@code file} at a placement: CUDA adds ONNX Runtime's CUDA execution provider (CPU takes
     * the nodes it lacks). A placement this build cannot run is a {@link DeviceUnavailableException}.
     */
    public static OnnxRuntimeEngine load(Path file, int intraOpThreads, Placement placement)
            throws BadInputException, EngineFailure {
        Devices.requireOnnx(placement);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("ONNX model not found: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException("ONNX model not readable: " + file);
        }
        dev.parity.safety.OnnxModelCheck.check(file);
        return open(file, intraOpThreads, placement, (env, options) -> env.createSession(file.toString(), options));
    }

    /**
     * Loads a model held in memory, such as an export rewritten to expose internal values as extra
     * graph outputs, with the same session options as {@link #load(Path, int, Placement)} (placement,
     * optimisation level, threads). {@code origin} is the file it was read from and checked with
     * {@link dev.parity.safety.OnnxModelCheck}: it names the model in messages, and its folder is where
     * external data is resolved.
     */
    public static OnnxRuntimeEngine load(OnnxMl.ModelProto model, Path origin, int intraOpThreads, Placement placement)
            throws BadInputException, EngineFailure {
        Devices.requireOnnx(placement);
        byte[] bytes = model.toByteArray();
        Path folder = origin.toAbsolutePath().getParent();
        return open(origin, intraOpThreads, placement, (env, options) -> {
            if (folder != null) {
                // a model read from bytes has no folder of its own to resolve external data against
                options.addConfigEntry(EXTERNAL_DATA_FOLDER, folder.toString());
            }
            return env.createSession(bytes, options);
        });
    }

    /** ONNX Runtime's session config key for the folder of external initializers of an in-memory model. */
    private static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";

    @FunctionalInterface
    private interface SessionSource {
        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    /** The one place session options are built: every session Parity opens is configured alike. */
    private static OnnxRuntimeEngine open(Path file, int intraOpThreads, Placement placement, SessionSource source)
            throws BadInputException, EngineFailure {
        OrtEnvironment env = environment();
        OrtSession.SessionOptions options = null;
        OrtSession session = null;
        try {
            options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(placement.optimization().level);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (placement.isCuda()) {
                options.addCUDA(placement.deviceId());
            }
            session = source.create(env, options);
            List<TensorSpec> in = specs(session.getInputInfo(), "input");
            List<TensorSpec> out = specs(session.getOutputInfo(), "output");
            return new OnnxRuntimeEngine(env, options, session, in, out);
        } catch (OrtException e) {
            closeQuietly(session, options);
            String reason = runReason(e.getMessage()).replaceFirst("^Load model from .*? failed:", "");
            switch (e.getCode()) {
                case ORT_INVALID_PROTOBUF:
                case ORT_NO_SUCHFILE:
                    throw new BadInputException("not a valid ONNX model: " + file + " (" + reason + ")", e);
                default:
                    throw new EngineFailure("onnx", "ONNX Runtime could not load " + file + ": " + reason, e);
            }
        } catch (UnsupportedSignatureException e) {
            closeQuietly(session, options);
            throw new BadInputException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session, options);
            throw new EngineFailure("onnx", "ONNX Runtime could not load " + file + ": " + e, e);
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException | RuntimeException ignored) {
            // already failing; the original error is what the user needs
        }
        if (options != null) {
            options.close();
        }
    }

    private static final class UnsupportedSignatureException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedSignatureException(String message) {
            super(message);
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> infos, String kind)
            throws UnsupportedSignatureException {
        List<TensorSpec> out = new ArrayList<>();
        for (NodeInfo node : infos.values()) {
            if (!(node.getInfo() instanceof TensorInfo)) {
                if (kind.equals("output")) {
                    out.add(new TensorSpec(node.getName(), DType.FLOAT32, new long[0], new String[0]));
                    continue;
                }
                throw new UnsupportedSignatureException(kind + " '" + node.getName()
                        + "' is not a tensor (" + node.getInfo() + "); Parity feeds tensors only");
            }
            TensorInfo t = (TensorInfo) node.getInfo();
            DType dtype = dtypeOf(t.type, node.getName(), kind);
            String[] names = t.getDimensionNames();
            long[] shape = t.getShape();
            if (names == null || names.length != shape.length) {
                names = new String[shape.length];
                java.util.Arrays.fill(names, "");
            }
            out.add(new TensorSpec(node.getName(), dtype, shape, names));
        }
        return List.copyOf(out);
    }

    private static DType dtypeOf(OnnxJavaType type, String name, String kind) throws UnsupportedSignatureException {
        switch (type) {
            case FLOAT: case FLOAT16: case BFLOAT16: return DType.FLOAT32;
            case DOUBLE: return DType.FLOAT64;
            case INT64: return DType.INT64;
            case INT32: return DType.INT32;
            case INT8: return DType.INT8;
            case UINT8: return DType.UINT8;
            case BOOL: return DType.BOOL;
            default:
                throw new UnsupportedSignatureException(kind + " '" + name + "' has element type " + type
                        + ", which Parity does not compare");
        }
    }

    /** Declared inputs in positional order. */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** Declared outputs in positional order. */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public String id() {
        return "onnx";
    }

    @Override
    public List<Tensor> run(List<Tensor> values) throws EngineFailure {
        requireArity(values);
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            feed(values, feed);
            try (OrtSession.Result result = session.run(feed)) {
                List<Tensor> out = new ArrayList<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    flatten(e.getValue(), out);
                }
                return out;
            }
        } catch (OrtException | RuntimeException e) {
            throw new EngineFailure("onnx", "ONNX Runtime failed to run: " + runReason(e.getMessage()), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Runs and returns only the named outputs, in the order named, each copied out of the native heap.
     * An unknown name, or an output that is not a tensor, is an {@link EngineFailure}.
     */
    public Map<String, Tensor> run(List<Tensor> values, List<String> outputNames) throws EngineFailure {
        requireArity(values);
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            feed(values, feed);
            try (OrtSession.Result result = session.run(feed, new java.util.LinkedHashSet<>(outputNames))) {
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (String name : outputNames) {
                    OnnxValue v = result.get(name).orElseThrow(() ->
                            new IllegalStateException("ONNX Runtime returned no value for output '" + name + "'"));
                    if (!(v instanceof OnnxTensor)) {
                        throw new IllegalStateException("output '" + name + "' is a " + v.getType() + ", not a tensor");
                    }
                    out.put(name, fromOnnx((OnnxTensor) v));
                }
                return out;
            }
        } catch (OrtException | RuntimeException e) {
            throw new EngineFailure("onnx", "ONNX Runtime failed to run: " + runReason(e.getMessage()), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private void requireArity(List<Tensor> values) {
        if (values.size() != inputs.size()) {
            throw new IllegalArgumentException("expected " + inputs.size() + " inputs, got " + values.size());
        }
    }

    /** Fills {@code feed} with the inputs by their declared names; the caller closes what it holds. */
    private void feed(List<Tensor> values, Map<String, OnnxTensor> feed) throws OrtException {
        for (int i = 0; i < values.size(); i++) {
            feed.put(inputs.get(i).name(), toOnnx(i, values.get(i)));
        }
    }

    /** Wraps the staged direct copy of {@code t} (ONNX Runtime reads direct buffers in place). */
    private OnnxTensor toOnnx(int slot, Tensor t) throws OrtException {
        long[] shape = t.shape();
        ByteBuffer b = staging.fill(slot, t);
        switch (t.dtype()) {
            case FLOAT32: return OnnxTensor.createTensor(env, b.asFloatBuffer(), shape);
            case FLOAT64: return OnnxTensor.createTensor(env, b.asDoubleBuffer(), shape);
            case INT64: return OnnxTensor.createTensor(env, b.asLongBuffer(), shape);
            case INT32: return OnnxTensor.createTensor(env, b.asIntBuffer(), shape);
            case UINT8: return OnnxTensor.createTensor(env, b, shape, OnnxJavaType.UINT8);
            case BOOL: return OnnxTensor.createTensor(env, b, shape, OnnxJavaType.BOOL);
            default: return OnnxTensor.createTensor(env, b, shape, OnnxJavaType.INT8);
        }
    }

    private static void flatten(OnnxValue value, List<Tensor> out) throws OrtException {
        if (value instanceof OnnxTensor) {
            out.add(fromOnnx((OnnxTensor) value));
        } else if (value instanceof OnnxSequence) {
            for (OnnxValue v : ((OnnxSequence) value).getValue()) {
                flatten(v, out);
            }
        } else {
            throw new IllegalStateException("unsupported ONNX output kind " + value.getType());
        }
    }

    /** Copies an ONNX Runtime output out of the native heap. */
    static Tensor fromOnnx(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        long[] shape = info.getShape();
        switch (info.type) {
            case FLOAT: case FLOAT16: case BFLOAT16: {
                FloatBuffer b = t.getFloatBuffer();
                float[] a = new float[b.remaining()];
                b.get(a);
                return Tensor.ofFloats(shape, a);
            }
            case DOUBLE: {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] a = new double[b.remaining()];
                b.get(a);
                return Tensor.ofDoubles(shape, a);
            }
            case INT64: {
                LongBuffer b = t.getLongBuffer();
                long[] a = new long[b.remaining()];
                b.get(a);
                return Tensor.ofLongs(shape, a);
            }
            case INT32: {
                IntBuffer b = t.getIntBuffer();
                int[] a = new int[b.remaining()];
                b.get(a);
                return Tensor.ofInts(shape, a);
            }
            case INT8: case UINT8: case BOOL: {
                ByteBuffer b = t.getByteBuffer();
                byte[] a = new byte[b.remaining()];
                b.get(a);
                DType d = info.type == OnnxJavaType.BOOL ? DType.BOOL
                        : info.type == OnnxJavaType.UINT8 ? DType.UINT8 : DType.INT8;
                return Tensor.ofBytes(d, shape, a);
            }
            default:
                throw new IllegalStateException("unsupported ONNX output element type " + info.type);
        }
    }

    /** The ONNX Runtime version of the loaded native library. */
    public static String runtimeVersion() {
        return environment().getVersion();
    }

    /**
     * Whether ONNX Runtime's own log reaches stderr (warnings and up). Off by default: Parity
     * records every error in its results. Takes effect only before the first engine is created,
     * since the environment is process-wide.
     */
    public static void setNativeLogs(boolean on) {
        nativeLogs = on;
    }

    private static volatile OrtEnvironment shared;

    /** The process-wide environment, created once: asking again with settings logs a warning each time. */
    private static synchronized OrtEnvironment environment() {
        if (shared == null) {
            shared = OrtEnvironment.getEnvironment(nativeLogs ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING
                    : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "parity");
        }
        return shared;
    }

    private static final java.util.regex.Pattern ORT_PREFIX =
            java.util.regex.Pattern.compile("^Error code - ORT_\\w+ - message: ");
    private static final java.util.regex.Pattern ORT_SOURCE =
            java.util.regex.Pattern.compile("Status Message: \\S+:\\d+ .*? was false\\. ");

    /** ONNX Runtime's run error without the error-code prefix and source locations. */
    static String runReason(String message) {
        String m = EngineFailure.firstLine(message);
        m = ORT_PREFIX.matcher(m).replaceFirst("");
        return ORT_SOURCE.matcher(m).replaceFirst("");
    }

    @Override
    public void close() {
        closeQuietly(session, options);
    }
}
