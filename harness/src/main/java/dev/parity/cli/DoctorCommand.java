package dev.parity.cli;

import ai.onnxruntime.OrtProvider;
import dev.parity.check.EngineVersions;
import dev.parity.engine.Devices;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parity doctor}: engines, execution providers, devices, and what to install for what is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show engines, versions, execution providers and devices, and what is missing for GPU runs.")
public final class DoctorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Map<String, String> v = EngineVersions.all();
        o.println("parity       " + v.get("parity"));
        o.println("java         " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        o.println("djl          " + v.get("djl"));
        o.println("libtorch     " + v.get("libtorch") + " (" + flavor() + ")");
        o.println("onnxruntime  " + v.get("onnxruntime"));
        Set<OrtProvider> eps = Devices.onnxProviders();
        o.println("ONNX Runtime execution providers compiled in: " + eps);
        int torchGpus = Devices.torchGpus();
        o.println("GPUs visible to libtorch: " + torchGpus);
        boolean driver = Files.exists(Path.of("/proc/driver/nvidia/version")) || Files.exists(Path.of("/dev/nvidiactl"));
        o.println("NVIDIA driver on this machine: " + (driver ? "yes" : "no"));
        o.println();
        boolean ok = true;
        if (!eps.contains(OrtProvider.CUDA)) {
            ok = false;
            o.println("missing for --device cuda (ONNX side): " + Devices.ONNX_CUDA_HINT);
        }
        if (torchGpus == 0) {
            ok = false;
            o.println("missing for --torch-device cuda (reference side): " + Devices.TORCH_CUDA_HINT);
        }
        if (!driver) {
            o.println("missing for any GPU run: an NVIDIA GPU with its driver");
        }
        o.println(ok ? "ready for CPU and GPU runs" : "ready for CPU runs (onnx:cpu in every optimisation level); not for GPU runs");
        return ExitCodes.FAITHFUL;
    }

    private static String flavor() {
        String lib = System.getProperty("java.library.path", "");
        try {
            return ai.djl.pytorch.jni.LibUtils.getLibtorchPath().contains("cu") ? "CUDA build" : "CPU build";
        } catch (RuntimeException | Error e) {
            return lib.isEmpty() ? "unknown build" : "unknown build";
        }
    }
}
