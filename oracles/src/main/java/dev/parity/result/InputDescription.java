package dev.parity.result;

/**
 * One concrete input of a case: name, element type and shape, and the role its values were generated
 * for.
 *
 * @param role what the input was fed as and who said so, e.g. {@code token-ids [0, 1000) inferred: Gather
 *     on initializer 'wte.weight' [1000, 32]} or {@code attention-mask, padded-row --role}; null for an
 *     input without a role (and in results written before roles existed)
 */
public record InputDescription(String name, String dtype, long[] shape, String role) {
    /** An input without a role. */
    public InputDescription(String name, String dtype, long[] shape) {
        this(name, dtype, shape, null);
    }
}
