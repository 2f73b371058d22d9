package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.BadInputException;
import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {
    private static Path corpus() {
        return Corpus.root().resolve("model-corpus");
    }

    @Test
    void builtInManifestHasAtLeastThirtyModelsWithTwinsAndConfigurations() throws Exception {
        Manifest m = ManifestLoader.load(corpus());
        assertTrue(m.models().size() >= 30, "models: " + m.models().size());
        assertEquals("torch-1.13.1", m.referenceGeneration());
        for (Manifest.ModelEntry e : m.models()) {
            assertTrue(e.references().containsKey("traced64"), e.name() + " has a float64 twin");
            assertTrue(!e.configs().isEmpty());
        }
        Set<String> families = m.models().stream().map(Manifest.ModelEntry::family).collect(Collectors.toSet());
        assertTrue(families.containsAll(Set.of("resnet", "mobilenet", "vit", "rnn", "transformer", "digits", "pitfall")),
                families.toString());
    }

    private static String rewrite(String from, String to) throws Exception {
        return Files.readString(corpus().resolve("manifest.json")).replaceFirst(java.util.regex.Pattern.quote(from), to);
    }

    private static BadInputException refuse(Path dir, String manifest) throws Exception {
        Files.writeString(dir.resolve("manifest.json"), manifest);
        // references resolve against the real corpus through a symlinked models/ folder
        Path models = dir.resolve("models");
        if (!Files.exists(models)) {
            Files.createSymbolicLink(models, corpus().resolve("models"));
            Files.createSymbolicLink(dir.resolve("datasets"), corpus().resolve("datasets"));
        }
        return assertThrows(BadInputException.class, () -> ManifestLoader.load(dir));
    }

    @Test
    void pathsLeavingTheCorpusAreRefused(@TempDir Path dir) throws Exception {
        BadInputException e = refuse(dir, rewrite("\"models/mlp/reference.pt\"", "\"../../etc/passwd\""));
        assertTrue(e.getMessage().contains("leaves the corpus folder"), e.getMessage());
    }

    @Test
    void unknownReferenceKindIsRefused(@TempDir Path dir) throws Exception {
        BadInputException e = refuse(dir, rewrite("\"reference\": \"traced\"", "\"reference\": \"frozen\""));
        assertTrue(e.getMessage().contains("expected one of"), e.getMessage());
    }

    @Test
    void missingReferenceFileIsRefused(@TempDir Path dir) throws Exception {
        BadInputException e = refuse(dir, rewrite("\"models/mlp/reference.pt\"", "\"models/mlp/nope.pt\""));
        assertTrue(e.getMessage().contains("file missing"), e.getMessage());
    }

    @Test
    void malformedJsonIsOneLine(@TempDir Path dir) throws Exception {
        BadInputException e = refuse(dir, "{\"format\": 1, \"models\": [");
        assertTrue(e.getMessage().contains("is not a valid manifest"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void missingManifestIsRefused(@TempDir Path dir) {
        BadInputException e = assertThrows(BadInputException.class, () -> ManifestLoader.load(dir));
        assertTrue(e.getMessage().startsWith("corpus manifest not found"));
    }
}
