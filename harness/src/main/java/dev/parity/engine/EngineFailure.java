package dev.parity.engine;

/**
 * An engine could not load or run a model that passed Parity's input checks. It is recorded as a
 * {@code failed} result (naming the engine and the reason), never thrown out of a check.
 */
public class EngineFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String engine;

    public EngineFailure(String engine, String message, Throwable cause) {
        super(message, cause);
        this.engine = engine;
    }

    /** {@code torch} or {@code onnx}. */
    public String engine() {
        return engine;
    }

    /** One line: engine and reason. */
    public String describe() {
        return engine + ": " + firstLine(getMessage());
    }

    static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
