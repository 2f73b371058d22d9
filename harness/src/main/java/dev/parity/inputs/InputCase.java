package dev.parity.inputs;

import dev.parity.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * One set of inputs, in the model's positional order, with the names they were given and the
 * regime that produced them. Both engines receive exactly these tensors.
 *
 * @param roles the role of each input that has one, by input name (empty for none)
 * @param padding the padding pattern of the masks, ids and token types; null when no input is a mask
 */
public record InputCase(int index, InputRegime regime, List<String> names, List<Tensor> tensors,
        Map<String, RoleAssignment> roles, PaddingPattern padding) {
    public InputCase {
        names = List.copyOf(names);
        tensors = List.copyOf(tensors);
        roles = Map.copyOf(roles);
        if (names.size() != tensors.size()) {
            throw new IllegalArgumentException("names and tensors differ in count");
        }
    }

    /** A case without roles or padding. */
    public InputCase(int index, InputRegime regime, List<String> names, List<Tensor> tensors) {
        this(index, regime, names, tensors, Map.of(), null);
    }

    /** How input {@code name}'s role reads in this case (e.g. {@code attention-mask, padded-row inferred: ...}); null for none. */
    public String roleText(String name) {
        RoleAssignment a = roles.get(name);
        return a == null ? null : a.describe(padding);
    }
}
