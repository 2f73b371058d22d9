package dev.parity.inputs;

import java.util.Locale;
import java.util.Objects;

/**
 * An input's role and where it came from: the corpus manifest, a {@code --role} flag, or inference
 * from the ONNX graph ({@link RoleInference}) with its evidence.
 *
 * @param input the ONNX input's name
 * @param role what the input means
 * @param origin who said so
 * @param evidence for an inferred role, one line saying why (e.g. {@code named 'attention_mask'}); null otherwise
 */
public record RoleAssignment(String input, InputRole role, Origin origin, String evidence) {
    /** Who assigned a role; a manifest or flag wins over inference. */
    public enum Origin {
        MANIFEST,
        FLAG,
        INFERRED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RoleAssignment {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(origin, "origin");
    }

    public static RoleAssignment inferred(String input, InputRole role, String evidence) {
        return new RoleAssignment(input, role, Origin.INFERRED, evidence);
    }

    /**
     * The role as a case reports it, e.g. {@code token-ids [0, 1000) inferred: Gather on initializer
     * 'wte.weight' [1000, 32]} or {@code attention-mask, padded-row flag}.
     *
     * @param padding the case's padding pattern, shown for a mask; null for none
     */
    public String describe(PaddingPattern padding) {
        StringBuilder sb = new StringBuilder(role.label());
        if (padding != null && role.kind() == InputRole.Kind.ATTENTION_MASK) {
            sb.append(", ").append(padding.label());
        }
        sb.append(' ').append(origin == Origin.FLAG ? "--role" : origin.label());
        if (evidence != null) {
            sb.append(": ").append(evidence);
        }
        return sb.toString();
    }
}
