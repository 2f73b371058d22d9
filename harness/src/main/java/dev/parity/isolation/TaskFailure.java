package dev.parity.isolation;

/**
 * A task that ended in an error the caller must see as such (not as a crash): its {@code type} names
 * the error class ({@code bad-input}, {@code unsafe-model}, {@code device-unavailable}, {@code internal})
 * so that the parent rethrows the same kind, with the same exit code.
 */
public final class TaskFailure extends Exception {
    private final String type;

    public TaskFailure(String type, String message) {
        super(message);
        this.type = type;
    }

    public String type() {
        return type;
    }
}
