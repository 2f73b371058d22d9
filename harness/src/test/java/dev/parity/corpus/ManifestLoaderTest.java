package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
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

    /** The pairs of a generation are the configurations whose generations list names it. */
    @Test
    void eachGenerationGetsTheConfigurationsThatNameIt() throws Exception {
        Manifest m = ManifestLoader.load(corpus());
        Manifest.ModelEntry mlp = m.models().stream().filter(e -> e.name().equals("mlp")).findFirst().orElseThrow();
        assertEquals(java.util.List.of("opset11", "opset13", "opset17", "opset13-nofold"), names(mlp, "torch-1.13.1"));
        assertEquals(java.util.List.of("opset13", "opset17"), names(mlp, "torch-2.13-legacy"));
        assertEquals(java.util.List.of("opset18", "opset23"), names(mlp, "torch-2.13-dynamo"));
        assertEquals(java.util.List.of(), names(mlp, "torch-0.4"));
        assertEquals(java.util.List.of("mlp/opset18", "mlp/opset23"),
                CorpusRun.select(m, "torch-2.13-dynamo", "mlp", "*").stream().map(CorpusRun.Pair::key).toList());
        Manifest.ConfigEntry everywhere = new Manifest.ConfigEntry("c", 13, true, true, "traced", null);
        assertTrue(everywhere.appliesTo("any-generation"), "a configuration without a generations list belongs to all");
    }

    private static java.util.List<String> names(Manifest.ModelEntry e, String generation) {
        return e.configsFor(generation).stream().map(Manifest.ConfigEntry::name).toList();
    }

    @Test
    void malformedGenerationListsAreRefused(@TempDir Path dir) throws Exception {
        BadInputException e = refuse(dir, rewrite("\"generations\": [", "\"generations\": [\"bad name\", "));
        assertTrue(e.getMessage().contains("generations"), e.getMessage());
        BadInputException empty = refuse(dir, rewrite("\"generations\": [", "\"generations\": [], \"x\": ["));
        assertTrue(empty.getMessage().contains("non-empty list"), empty.getMessage());
    }
}
