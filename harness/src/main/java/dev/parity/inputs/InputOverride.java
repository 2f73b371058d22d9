package dev.parity.inputs;

import dev.parity.tensor.DType;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One {@code --input NAME:DTYPE:DIMS[:LO:HI]} flag: fixes an input's shape, and optionally the
 * range its values are drawn from (uniform in [lo, hi); integers: hi exclusive).
 *
 * @param dims the shape, or null for a range-only override (the shape comes from the model)
 * @param low lower bound, or null for the regime's distribution
 * @param high upper bound, or null
 */
public record InputOverride(String name, DType dtype, long[] dims, Double low, Double high) {
    private static final Pattern DIMS = Pattern.compile("(scalar|\\d+(x\\d+)*)");

    /** Sets only the value range of an input, leaving its shape to the model. */
    public static InputOverride range(String name, DType dtype, double low, double high) {
        return new InputOverride(name, dtype, null, low, high);
    }

    /** Parses the flag's text; the message of the exception says what is wrong and shows the form. */
    public static InputOverride parse(String text) {
        String form = " (expected NAME:DTYPE:DIMS[:LO:HI], e.g. ids:int64:2x7:0:50 or x:float32:4x16)";
        String[] p = text.split(":", -1);
        if (p.length != 3 && p.length != 5) {
            throw new IllegalArgumentException("malformed --input '" + text + "'" + form);
        }
        if (p[0].isBlank()) {
            throw new IllegalArgumentException("--input '" + text + "' has no input name" + form);
        }
        DType dtype;
        try {
            dtype = DType.parse(p[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--input '" + text + "': " + e.getMessage(), e);
        }
        String d = p[2].trim().toLowerCase(java.util.Locale.ROOT);
        if (!DIMS.matcher(d).matches()) {
            throw new IllegalArgumentException("--input '" + text + "' has malformed dims '" + p[2]
                    + "' (expected sizes joined by x, e.g. 2x7, or 'scalar')");
        }
        long[] dims;
        try {
            dims = d.equals("scalar") ? new long[0] : Arrays.stream(d.split("x")).mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--input '" + text + "' has a dimension too large for a long", e);
        }
        Double lo = null;
        Double hi = null;
        if (p.length == 5) {
            try {
                lo = Double.parseDouble(p[3]);
                hi = Double.parseDouble(p[4]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input '" + text + "' has a malformed range '" + p[3] + ":"
                        + p[4] + "'" + form, e);
            }
            if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
                throw new IllegalArgumentException("--input '" + text + "': range needs finite LO < HI");
            }
        }
        return new InputOverride(p[0].trim(), dtype, dims, lo, hi);
    }
}
