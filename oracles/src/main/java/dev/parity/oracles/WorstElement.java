package dev.parity.oracles;

/**
 * The element that disagrees most: its multi-index and both values. A non-finite disagreement
 * outranks any finite one.
 */
public record WorstElement(long[] index, double torch, double onnx) {}
