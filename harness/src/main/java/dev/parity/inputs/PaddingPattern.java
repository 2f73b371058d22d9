package dev.parity.inputs;

/**
 * Where the padding of a batch of sequences sits, a case dimension of models with an attention
 * mask. Row 0 is always full length in the padded patterns, so every case keeps one real sequence;
 * the other rows have lengths drawn from (seed, case index), in [1, L].
 */
public enum PaddingPattern {
    /** Every position is real: the mask is all ones. */
    NO_PADDING("no-padding"),
    /** Row 0 full length, the other rows shorter with trailing zeros (right padding, as tokenizers pad). */
    TRAILING_PADDING("trailing-padding"),
    /**
     * As trailing padding, and the last row entirely padding (at batch 1 the only row): a softmax over
     * positions that are all masked is where exports classically diverge.
     */
    PADDED_ROW("padded-row");

    private final String label;

    PaddingPattern(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
