package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.result.Expectation;
import dev.parity.result.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpectationsTest {
    private static Expectations write(Path dir, String rules) throws Exception {
        Files.writeString(dir.resolve(Expectations.FILE), "{\"format\": 1, \"rules\": [" + rules + "]}");
        return Expectations.load(dir);
    }

    @Test
    void theMostSpecificRuleWins(@TempDir Path dir) throws Exception {
        Expectations e = write(dir, """
                {"model": "m", "outcome": "faithful"},
                {"model": "m", "generation": "g2", "outcome": "export-crash", "cause": "g2 crashes"},
                {"model": "m", "config": "c1", "outcome": "numeric-discrepancy", "cause": "c1 differs"},
                {"model": "m", "config": "c1", "placement": "cpu:opt=disabled", "outcome": "faithful", "cause": "no fusion"}
                """);
        assertEquals(Outcome.FAITHFUL, e.of("m", "g1", "c0", "cpu").outcome());
        assertEquals(Outcome.EXPORT_CRASH, e.of("m", "g2", "c0", "cpu").outcome());
        assertEquals(Outcome.NUMERIC_DISCREPANCY, e.of("m", "g2", "c1", "cpu").outcome(), "config beats generation");
        assertEquals("c1 differs", e.of("m", "g1", "c1", "cuda:0").cause(), "a rule without placement holds everywhere");
        assertEquals(Outcome.FAITHFUL, e.of("m", "g1", "c1", "cpu:opt=disabled").outcome());
    }

    @Test
    void aPairWithoutRuleIsExpectedFaithful(@TempDir Path dir) throws Exception {
        Expectation x = write(dir, "{\"model\": \"m\", \"outcome\": \"export-crash\", \"cause\": \"why\"}")
                .of("other", "g", "c", "cpu");
        assertEquals(Outcome.FAITHFUL, x.outcome());
        assertNull(x.cause());
        assertEquals(Outcome.FAITHFUL, Expectations.load(dir.resolve("nowhere")).of("m", "g", "c", "cpu").outcome());
    }

    @Test
    void aProblemWithoutCauseIsRefused(@TempDir Path dir) {
        BadInputException e = assertThrows(BadInputException.class,
                () -> write(dir, "{\"model\": \"m\", \"outcome\": \"numeric-discrepancy\"}"));
        assertTrue(e.getMessage().contains("without a cause"), e.getMessage());
    }

    @Test
    void unknownOutcomesFieldsPlacementsAndRepeatsAreRefused(@TempDir Path dir) {
        assertTrue(assertThrows(BadInputException.class, () -> write(dir, "{\"model\": \"m\", \"outcome\": \"broken\"}"))
                .getMessage().contains("is not one of"));
        assertThrows(BadInputException.class, () -> write(dir, "{\"model\": \"m\", \"outcome\": \"faithful\", \"confg\": \"x\"}"));
        assertTrue(assertThrows(BadInputException.class, () -> write(dir,
                "{\"model\": \"m\", \"placement\": \"tpu\", \"outcome\": \"faithful\"}")).getMessage().contains("placement"));
        assertTrue(assertThrows(BadInputException.class, () -> write(dir,
                "{\"model\": \"m\", \"outcome\": \"faithful\"}, {\"model\": \"m\", \"outcome\": \"faithful\"}"))
                .getMessage().contains("repeats rule 1"));
    }

    /** The shipped corpus: every model has a rule, no rule is stale, every problem has a cause. */
    @Test
    void everyShippedPairHasAnExpectationWithACause() throws Exception {
        Path corpus = Corpus.root().resolve("model-corpus");
        Manifest m = ManifestLoader.load(corpus);
        Expectations e = Expectations.load(corpus);
        assertEquals(List.of(), e.staleRules(m));
        Set<String> covered = new java.util.HashSet<>();
        e.rules().forEach(r -> covered.add(r.model()));
        List<String> missing = new ArrayList<>();
        for (Manifest.ModelEntry model : m.models()) {
            if (!covered.contains(model.name())) {
                missing.add(model.name());
            }
        }
        assertEquals(List.of(), missing, "models without any expectation rule");
        List<String> generations;
        try (var s = Files.list(corpus.resolve("models").resolve(m.models().get(0).name()).resolve("exports"))) {
            generations = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(generations.size() >= 2, "generations " + generations);
        for (String g : generations) {
            for (Manifest.ModelEntry model : m.models()) {
                for (Manifest.ConfigEntry c : model.configsFor(g)) {
                    Expectation x = e.of(model.name(), g, c.name(), "cpu");
                    assertTrue(!x.outcome().isProblem() || (x.cause() != null && x.cause().length() > 20),
                            model.name() + "/" + c.name() + " in " + g + ": " + x);
                }
            }
        }
    }

    @Test
    void aStaleRuleIsNamed() throws Exception {
        Path corpus = Corpus.root().resolve("model-corpus");
        Manifest m = ManifestLoader.load(corpus);
        Path dir = Files.createTempDirectory("exp");
        Expectations e = write(dir, "{\"model\": \"mlp\", \"config\": \"opset99\", \"outcome\": \"faithful\"},"
                + "{\"model\": \"gone\", \"outcome\": \"faithful\"}");
        assertEquals(2, e.staleRules(m).size());
        assertTrue(e.staleRules(m).get(0).contains("opset99"));
        Expectations other = write(dir, "{\"model\": \"mlp\", \"generation\": \"torch-2.13-dynamo\", \"config\": \"opset11\","
                + " \"outcome\": \"faithful\"}");
        assertEquals(List.of("mlp generation torch-2.13-dynamo config opset11: generation torch-2.13-dynamo does not export "
                + "that configuration"), other.staleRules(m));
    }
}
