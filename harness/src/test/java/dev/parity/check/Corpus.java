package dev.parity.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the repository's committed pairs and fixtures from tests. */
public final class Corpus {
    private Corpus() {}

    public static Path root() {
        String p = System.getProperty("parity.repo.root");
        Path start = p != null ? Paths.get(p) : Paths.get("").toAbsolutePath();
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("model-corpus/models"))) {
                return d;
            }
        }
        throw new IllegalStateException("model-corpus/ not found above " + start);
    }

    public static Path reference(String model) {
        return root().resolve("model-corpus/models/" + model + "/reference.pt");
    }

    public static Path export(String model) {
        return root().resolve("model-corpus/models/" + model + "/exports/torch-1.13.1/opset13.onnx");
    }

    public static Path fixture(String name) {
        return root().resolve("harness/src/test/resources/fixtures/" + name);
    }
}
