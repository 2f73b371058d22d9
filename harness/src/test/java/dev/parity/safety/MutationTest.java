package dev.parity.safety;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.engine.EngineFailure;
import dev.parity.engine.OnnxRuntimeEngine;
import dev.parity.engine.TorchScriptArchive;
import dev.parity.engine.TorchScriptEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded mutation testing of the validators and loaders: seeded byte flips, truncations and
 * damaged zip headers of real corpus files must end in the documented errors (bad input, unsafe
 * model, engine failure) or a successful load, never another exception and never a hang.
 */
class MutationTest {
    static final int PER_KIND = 5000;
    static final int ENGINE_LOADS = 500;
    private static final ExecutorService POOL = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mutation");
        t.setDaemon(true);
        return t;
    });

    interface Load {
        void run(Path p) throws Exception;
    }

    /** One mutant: byte flips, a truncation, or a damaged zip/protobuf header region. */
    static byte[] mutate(byte[] src, SplittableRandom rng) {
        byte[] b = src.clone();
        switch (rng.nextInt(4)) {
            case 0: { // flip 1..8 random bytes
                int n = 1 + rng.nextInt(8);
                for (int i = 0; i < n; i++) {
                    b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
                }
                return b;
            }
            case 1: // truncate
                return Arrays.copyOf(b, rng.nextInt(b.length));
            case 2: { // damage the head (zip local header / protobuf start)
                for (int i = 0; i < 4; i++) {
                    b[rng.nextInt(Math.min(64, b.length))] = (byte) rng.nextInt(256);
                }
                return b;
            }
            default: { // damage the tail (zip central directory / last fields)
                for (int i = 0; i < 4; i++) {
                    b[b.length - 1 - rng.nextInt(Math.min(200, b.length))] = (byte) rng.nextInt(256);
                }
                return b;
            }
        }
    }

    /** Runs every mutant through {@code validate}, and up to ENGINE_LOADS survivors through {@code load}. */
    static int[] campaign(Path src, Path dir, long seed, Load validate, Load load, List<String> bad) throws Exception {
        byte[] original = Files.readAllBytes(src);
        SplittableRandom rng = new SplittableRandom(seed);
        int refused = 0;
        int loaded = 0;
        String suffix = src.getFileName().toString().replaceAll(".*\\.", ".");
        Path f = dir.resolve("mutant" + suffix);
        for (int i = 0; i < PER_KIND; i++) {
            Files.write(f, mutate(original, rng));
            boolean passed = outcome(validate, f, "mutant " + i + " (validate)", bad);
            if (!passed) {
                refused++;
            } else if (loaded < ENGINE_LOADS) {
                loaded++;
                outcome(load, f, "mutant " + i + " (load)", bad);
            }
        }
        return new int[] {refused, loaded};
    }

    /** True when {@code action} completed; documented errors are fine; anything else is recorded. */
    static boolean outcome(Load action, Path f, String what, List<String> bad) throws Exception {
        Future<?> fut = POOL.submit(() -> {
            action.run(f);
            return null;
        });
        try {
            fut.get(20, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            fut.cancel(true);
            bad.add(what + ": hung");
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof BadInputException || c instanceof EngineFailure) {
                if (c.getMessage() == null || c.getMessage().isBlank() || c.getMessage().contains("\n")) {
                    bad.add(what + ": message is not one line: " + c.getMessage());
                }
                return false;
            }
            bad.add(what + ": " + c);
            return false;
        }
    }

    @Test
    void mutatedTorchScriptArchivesEndInDocumentedErrors(@TempDir Path dir) throws Exception {
        List<String> bad = new ArrayList<>();
        int[] r = campaign(Corpus.reference("mlp"), dir, 1, TorchScriptArchive::check, p -> {
            try (TorchScriptEngine e = TorchScriptEngine.load(p, TorchScriptEngine.Options.defaults())) {
                e.id();
            }
        }, bad);
        assertTrue(bad.isEmpty(), bad.size() + " undocumented outcomes, e.g. " + bad.subList(0, Math.min(5, bad.size())));
        assertTrue(r[0] > PER_KIND / 2, "most mutants refused by the validators: " + r[0]);
        System.out.printf("pt mutants: %d, refused by validation %d, loaded by libtorch %d%n", PER_KIND, r[0], r[1]);
    }

    @Test
    void mutatedOnnxModelsEndInDocumentedErrors(@TempDir Path dir) throws Exception {
        List<String> bad = new ArrayList<>();
        int[] r = campaign(Corpus.export("mlp"), dir, 2, OnnxModelCheck::check, p -> {
            try (OnnxRuntimeEngine e = OnnxRuntimeEngine.load(p, 1, OnnxRuntimeEngine.Optimization.ALL)) {
                e.id();
            }
        }, bad);
        assertTrue(bad.isEmpty(), bad.size() + " undocumented outcomes, e.g. " + bad.subList(0, Math.min(5, bad.size())));
        System.out.printf("onnx mutants: %d, refused by validation %d, loaded by ONNX Runtime %d%n", PER_KIND, r[0], r[1]);
    }
}
