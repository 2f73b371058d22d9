package dev.parity.result;

/** A model file as checked: the path given and the sha256 of its bytes. */
public record ModelFile(String path, String sha256) {}
