package dev.parity.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A pair's outcome against its expectation. A regression suite fails on {@link #UNEXPECTED} (a new
 * discrepancy, a new crash, another kind of problem than the one known) and on {@link #FIXED} (a known
 * problem vanished: good news, but the expectation must be updated by someone who knows why).
 */
public enum ExpectationStatus {
    /** The outcome is the expected one. */
    AS_EXPECTED,
    /** A known problem is gone: the pair is faithful now. */
    FIXED,
    /** The outcome differs from the expected one in any other way. */
    UNEXPECTED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static ExpectationStatus parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Whether a CI gate fails on this status. */
    public boolean failsGate() {
        return this != AS_EXPECTED;
    }
}
