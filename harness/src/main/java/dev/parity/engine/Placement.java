package dev.parity.engine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the ONNX side runs: a device ({@code cpu} or {@code cuda:N}) and ONNX Runtime's graph
 * optimisation level. Written {@code onnx:cpu}, {@code onnx:cpu:opt=disabled}, {@code onnx:cuda:1}.
 */
public record Placement(String device, int deviceId, OnnxRuntimeEngine.Optimization optimization) {
    private static final Pattern FORM = Pattern.compile(
            "(?:onnx:)?(cpu|cuda)(?::(\\d+))?(?::opt=(disabled|basic|extended|all))?", Pattern.CASE_INSENSITIVE);

    public static final Placement CPU = new Placement("cpu", 0, OnnxRuntimeEngine.Optimization.ALL);

    public Placement {
        device = device.toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.equals("cuda")) {
            throw new IllegalArgumentException("unknown device '" + device + "', expected cpu or cuda[:N]");
        }
    }

    /** Parses {@code onnx:cpu}, {@code cuda:1}, {@code onnx:cpu:opt=disabled}. */
    public static Placement parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("malformed placement '" + text
                    + "' (expected onnx:cpu|onnx:cuda[:N][:opt=disabled|basic|extended|all])");
        }
        int id = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        OnnxRuntimeEngine.Optimization opt = m.group(3) == null ? OnnxRuntimeEngine.Optimization.ALL
                : OnnxRuntimeEngine.Optimization.valueOf(m.group(3).toUpperCase(Locale.ROOT));
        return new Placement(m.group(1), id, opt);
    }

    public boolean isCuda() {
        return device.equals("cuda");
    }

    /** {@code cpu}, {@code cuda:0}, {@code cpu:opt=disabled}: the suffix of matrix record keys. */
    public String label() {
        String d = isCuda() ? "cuda:" + deviceId : "cpu";
        return optimization == OnnxRuntimeEngine.Optimization.ALL ? d
                : d + ":opt=" + optimization.name().toLowerCase(Locale.ROOT);
    }
}
