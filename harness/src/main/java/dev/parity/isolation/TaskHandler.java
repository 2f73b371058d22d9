package dev.parity.isolation;

import java.util.function.Consumer;

/**
 * The worker side of one kind of task, found by {@link java.util.ServiceLoader} so that this package
 * depends on none of the packages whose work it isolates. A handler may keep what it loaded from one
 * task to the next; the worker closes every handler when its parent closes the channel.
 */
public interface TaskHandler extends AutoCloseable {
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

    /** Releases what the handler kept across tasks; nothing by default. */
    @Override
    default void close() {}
}
