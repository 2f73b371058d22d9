package dev.parity.errors;

/**
 * A user or input error: a missing or malformed file, a wrong spec, models that cannot be paired.
 * The CLI prints the message as one line and exits 2. Messages name the offending file, flag or
 * value and, where there is a short list, the valid alternatives.
 */
public class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
