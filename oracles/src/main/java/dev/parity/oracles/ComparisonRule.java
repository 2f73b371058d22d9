package dev.parity.oracles;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which rule judged one output of one case ({@link OutputFinding#rule}). */
public enum ComparisonRule {
    /** Floating output against the float64 twin's output: the export's error over the reference's own. */
    ATTRIBUTION,
    /** Floating output, no usable twin output: atol widened by the reference's one-ulp movement. */
    NOISE_AWARE_TOLERANCE,
    /** Floating output by fixed tolerances ({@code --noise-factor 0}, or NaN/Inf placement differs). */
    TOLERANCE,
    /** Integer or bool output: elements must be equal. */
    EXACT,
    /** Shapes or element types differ, or one side lacks the output: no values were judged. */
    STRUCTURE;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static ComparisonRule parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
