package dev.parity.inputs;

import java.util.Locale;

/**
 * How generated floating-point values are distributed. Several regimes per check because
 * converter errors hide at some magnitudes: a wrong divisor shows at any scale, lost precision
 * only at large ones, an epsilon that was dropped only at small ones.
 */
public enum InputRegime {
    /** Standard normal. */
    NORMAL,
    /** Standard normal times 30. */
    LARGE,
    /** Standard normal times 1e-3. */
    SMALL,
    /** Uniform in [0, 1). */
    UNIFORM,
    /** Inputs with no floating-point tensor to vary (integers and booleans in range only). */
    DISCRETE,
    /** User-supplied data ({@code --inputs}). */
    DATA;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The regimes generated for a model with at least one floating-point input. */
    public static InputRegime[] floatingRegimes() {
        return new InputRegime[] {NORMAL, LARGE, SMALL, UNIFORM};
    }
}
