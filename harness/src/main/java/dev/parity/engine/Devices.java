package dev.parity.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.Set;

/** What the engines in this process can run on, and the checks that refuse a missing device early. */
public final class Devices {
    public static final String ONNX_CUDA_HINT = "build Parity with the GPU profile (mvn -Pcuda package: "
            + "com.microsoft.onnxruntime:onnxruntime_gpu) and run on a machine with an NVIDIA driver, CUDA 12 and cuDNN 9";
    public static final String TORCH_CUDA_HINT = "put a CUDA build of libtorch on the machine (DJL's pytorch-native-cu* "
            + "jar, or PYTORCH_LIBRARY_PATH pointing at a CUDA libtorch 2.7.1) and a GPU with its driver";

    static {
        Djl.offline();
    }

    private Devices() {}

    /** ONNX Runtime execution providers compiled into the loaded native library. */
    public static Set<OrtProvider> onnxProviders() {
        try {
            return OrtEnvironment.getAvailableProviders();
        } catch (RuntimeException e) {
            return EnumSet.noneOf(OrtProvider.class);
        }
    }

    /** GPUs libtorch sees (0 with the CPU build). */
    public static int torchGpus() {
        try {
            return ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Whether ONNX Runtime's CUDA execution provider actually loads here (its shared library, CUDA and
     * cuDNN found, a device 0 present): null when it does, else ONNX Runtime's reason. A probe, not a
     * guess from file names.
     */
    public static String onnxCudaProblem() {
        if (!onnxProviders().contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime has no CUDA execution provider compiled in";
        }
        try (ai.onnxruntime.OrtSession.SessionOptions o = new ai.onnxruntime.OrtSession.SessionOptions()) {
            o.addCUDA(0);
            return null;
        } catch (ai.onnxruntime.OrtException | RuntimeException | UnsatisfiedLinkError e) {
            return "the CUDA execution provider does not load: " + e.getMessage();
        }
    }

    /** Whether the loaded libtorch was built with CUDA, as libtorch itself reports it. */
    public static boolean torchCudaBuild() {
        try {
            return ai.djl.engine.Engine.getEngine("PyTorch").hasCapability(ai.djl.engine.StandardCapabilities.CUDA);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Refuses an ONNX placement this build cannot run, before any model is loaded. */
    public static void requireOnnx(Placement p) throws DeviceUnavailableException {
        if (p.isCuda() && !onnxProviders().contains(OrtProvider.CUDA)) {
            throw new DeviceUnavailableException("device " + p.label() + " unavailable: this ONNX Runtime has no CUDA "
                    + "execution provider (available: " + onnxProviders() + "); " + ONNX_CUDA_HINT);
        }
    }

    /** Refuses a libtorch device this machine cannot run. */
    public static void requireTorch(String device, int id) throws DeviceUnavailableException {
        if (device.equals("cuda") && torchGpus() <= id) {
            throw new DeviceUnavailableException("torch device cuda:" + id + " unavailable: libtorch sees " + torchGpus()
                    + " GPU(s); " + TORCH_CUDA_HINT);
        }
    }
}
