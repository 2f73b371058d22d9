package dev.parity.isolation;

import java.util.function.Consumer;

/**
 * The worker side of one kind of task, found by {@link java.util.ServiceLoader} so that this package
 * depends on none of the packages whose work it isolates.
 */
public interface TaskHandler {
    /** The task kind this handler serves ({@code check}, {@code pair}). */
    String kind();

    /**
     * Runs one task.
     *
     * @param json the task, as the parent wrote it
     * @param progress sends a progress line to the parent
     * @return the result, as JSON
     * @throws TaskFailure an error with a meaning for the caller (bad input, unsafe model, ...)
     */
    String handle(String json, Consumer<String> progress) throws TaskFailure;
}
