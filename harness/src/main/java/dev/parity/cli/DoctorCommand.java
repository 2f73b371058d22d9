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
        boolean torchCuda = Devices.torchCudaBuild();
        o.println("libtorch     " + v.get("libtorch") + " (" + (torchCuda ? "CUDA build" : "CPU build")
                + ", as libtorch reports it)");
        o.println("onnxruntime  " + v.get("onnxruntime"));
        Set<OrtProvider> eps = Devices.onnxProviders();
        o.println("ONNX Runtime execution providers compiled in: " + eps);
        String cudaProblem = Devices.onnxCudaProblem();
        o.println("ONNX Runtime CUDA provider: " + (cudaProblem == null ? "loads on device 0" : cudaProblem));
        int torchGpus = Devices.torchGpus();
        o.println("GPUs visible to libtorch: " + torchGpus);
        o.println("NVIDIA GPUs the kernel driver lists: " + driverGpus());
        o.println("worker sandbox: " + (dev.parity.isolation.Sandbox.available() ? "bubblewrap"
                : "none (" + dev.parity.isolation.Sandbox.unavailableReason() + ")"));
        o.println();
        boolean ok = true;
        if (cudaProblem != null) {
            ok = false;
            o.println("missing for --device cuda (ONNX side): " + Devices.ONNX_CUDA_HINT);
        }
        if (torchGpus == 0) {
            ok = false;
            o.println("missing for --torch-device cuda (reference side): " + Devices.TORCH_CUDA_HINT);
        }
        o.println(ok ? "ready for CPU and GPU runs" : "ready for CPU runs (onnx:cpu in every optimisation level); not for GPU runs");
        return ExitCodes.FAITHFUL;
    }

    /** GPUs the NVIDIA kernel driver enumerates ({@code /proc/driver/nvidia/gpus/*}), 0 without the driver. */
    static int driverGpus() {
        try (var s = Files.list(Path.of("/proc/driver/nvidia/gpus"))) {
            return (int) s.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
