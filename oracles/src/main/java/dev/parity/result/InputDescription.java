package dev.parity.result;

/** One concrete input of a case: name, element type and shape. */
public record InputDescription(String name, String dtype, long[] shape) {}
