package dev.parity.inputs;

import dev.parity.tensor.Tensor;
import java.util.List;

/**
 * One set of inputs, in the model's positional order, with the names they were given and the
 * regime that produced them. Both engines receive exactly these tensors.
 */
public record InputCase(int index, InputRegime regime, List<String> names, List<Tensor> tensors) {
    public InputCase {
        names = List.copyOf(names);
        tensors = List.copyOf(tensors);
        if (names.size() != tensors.size()) {
            throw new IllegalArgumentException("names and tensors differ in count");
        }
    }
}
