package dev.parity.check;

import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.TorchScriptEngine;
import java.util.LinkedHashMap;
import java.util.Map;

/** Versions of Parity and of the engines in this process, for results and {@code --version}. */
public final class EngineVersions {
    private EngineVersions() {}

    public static String parity() {
        String v = EngineVersions.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** parity, djl, libtorch and onnxruntime versions; loads both native libraries. */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("parity", parity());
        m.put("djl", TorchScriptEngine.djlVersion());
        m.put("libtorch", TorchScriptEngine.libtorchVersion());
        m.put("onnxruntime", OnnxRuntimeEngine.runtimeVersion());
        return m;
    }
}
