package dev.parity.cli;

import dev.parity.check.EngineVersions;
import java.util.Map;
import picocli.CommandLine;

/** {@code parity --version}: Parity's version and the DJL, libtorch and ONNX Runtime in use. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        Map<String, String> v = EngineVersions.all();
        return new String[] {
            "parity " + v.get("parity"),
            "djl " + v.get("djl") + " (PyTorch engine, libtorch " + v.get("libtorch") + ", cpu)",
            "onnxruntime " + v.get("onnxruntime"),
            "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
