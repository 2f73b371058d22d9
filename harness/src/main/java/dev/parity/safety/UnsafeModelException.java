package dev.parity.safety;

import dev.parity.errors.BadInputException;

/**
 * A model file refused before any engine saw it: it could execute code, escape its folder, or
 * exhaust memory (a pickle global outside the allow-list, a path with '..', a zip bomb). The CLI
 * exits 5; a corpus run records the pair as {@code unsafe-model}.
 */
public final class UnsafeModelException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public UnsafeModelException(String message) {
        super(message);
    }

    public UnsafeModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
