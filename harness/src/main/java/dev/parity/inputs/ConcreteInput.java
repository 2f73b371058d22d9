package dev.parity.inputs;

import dev.parity.tensor.DType;

/**
 * An input with every dimension fixed: what the generator fills. {@code low}/{@code high}, when
 * set, replace the regime's distribution with uniform values in [low, high).
 */
public record ConcreteInput(String name, DType dtype, long[] shape, Double low, Double high) {}
