package dev.parity.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the benchmarked models are: {@code micro} is the corpus's {@code mlp} (2x16 in, 2x4 out),
 * {@code resnet18} the full-width pair that {@code benchmarks/models/build_resnet18.py} builds into
 * {@code .cache/bench/}. The repository root comes from {@code -Dparity.home} or the working folder.
 */
final class BenchModels {
    private BenchModels() {}

    static Path root() {
        String h = System.getProperty("parity.home");
        Path start = Path.of(h != null ? h : ".").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("model-corpus"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root not found above " + start);
    }

    static Path torch(String model) {
        return model.equals("micro") ? root().resolve("model-corpus/models/mlp/reference.pt")
                : root().resolve(".cache/bench/resnet18.pt");
    }

    static Path onnx(String model) {
        Path p = model.equals("micro") ? root().resolve("model-corpus/models/mlp/exports/torch-1.13.1/opset13.onnx")
                : root().resolve(".cache/bench/resnet18.onnx");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run /usr/bin/python3 benchmarks/models/build_resnet18.py");
        }
        return p;
    }

    /** Input shape of {@code model} at {@code batch} (the micro model is static 2x16). */
    static long[] shape(String model, int batch) {
        return model.equals("micro") ? new long[] {2, 16} : new long[] {batch, 3, 224, 224};
    }
}
