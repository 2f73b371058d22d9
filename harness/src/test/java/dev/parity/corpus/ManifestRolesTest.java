package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parity.check.CheckRequest;
import dev.parity.check.Corpus;
import dev.parity.errors.BadInputException;
import dev.parity.inputs.InputRole;
import dev.parity.inputs.RoleAssignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest's input roles, size sweeps and last-position outputs: validated at load, passed to the check as given. */
class ManifestRolesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The shipped manifest with transformer_encoder edited, written to {@code dir} beside links to the real models. */
    private static Path corpusWith(Path dir, Consumer<ObjectNode> edit) throws Exception {
        Path real = Corpus.root().resolve("model-corpus");
        ObjectNode m = (ObjectNode) JSON.readTree(real.resolve("manifest.json").toFile());
        for (var e : m.get("models")) {
            if (e.get("name").asText().equals("transformer_encoder")) {
                edit.accept((ObjectNode) e);
            }
        }
        Files.writeString(dir.resolve("manifest.json"), JSON.writeValueAsString(m));
        Files.createSymbolicLink(dir.resolve("models"), real.resolve("models"));
        Files.createSymbolicLink(dir.resolve("datasets"), real.resolve("datasets"));
        return dir;
    }

    private static ObjectNode input(ObjectNode model, int i) {
        return (ObjectNode) model.get("inputs").get(i);
    }

    private static ObjectNode textModel(ObjectNode e) {
        input(e, 0).put("role", "token-ids");
        input(e, 1).put("role", "attention-mask");
        ObjectNode sweep = e.putObject("sweep");
        sweep.putArray("batch").add(1).add(2);
        sweep.putArray("seq").add(1).add(8).add(16);
        e.putArray("last_position").add("logits");
        return e;
    }

    private static String refusal(Path dir, Consumer<ObjectNode> edit) throws Exception {
        Path corpus = corpusWith(dir, edit);
        return assertThrows(BadInputException.class, () -> ManifestLoader.load(corpus)).getMessage();
    }

    @Test
    void rolesSweepAndLastPositionAreRead(@TempDir Path dir) throws Exception {
        Manifest m = ManifestLoader.load(corpusWith(dir, ManifestRolesTest::textModel));
        Manifest.ModelEntry e = m.models().stream().filter(x -> x.name().equals("transformer_encoder")).findFirst()
                .orElseThrow();
        assertEquals("token-ids", e.inputs().get(0).role());
        assertEquals(Map.of("batch", List.of(1L, 2L), "seq", List.of(1L, 8L, 16L)), e.sweep());
        assertEquals(List.of("logits"), e.lastPosition());
        assertEquals(new InputRole(InputRole.Kind.TOKEN_IDS, 0, 100), ManifestLoader.role(e.inputs().get(0), ""));
    }

    @Test
    void aCorpusCheckTakesTheManifestsRolesAndInfersNone(@TempDir Path dir) throws Exception {
        Manifest m = ManifestLoader.load(corpusWith(dir, ManifestRolesTest::textModel));
        Manifest.ModelEntry e = m.models().stream().filter(x -> x.name().equals("transformer_encoder")).findFirst()
                .orElseThrow();
        CheckRequest.Builder b = CheckRequest.builder(Path.of("r.pt"), Path.of("m.onnx"));
        CorpusRun.manifestInputs(b, e);
        CheckRequest req = b.build();
        assertFalse(req.inferRoles(), "corpus runs never infer roles");
        assertEquals(List.of(new RoleAssignment("ids", InputRole.tokenIds(100), RoleAssignment.Origin.MANIFEST, null),
                new RoleAssignment("mask", InputRole.attentionMask(), RoleAssignment.Origin.MANIFEST, null)), req.roles());
        assertEquals(List.of(), req.inputOverrides(), "an input with a role takes its range from the role");
        assertEquals(List.of(16L), req.symbolSizes().get("seq").subList(2, 3));
        assertEquals(List.of("logits"), req.lastPosition());
    }

    @Test
    void aModelWithoutRolesKeepsItsRangeOverrides() throws Exception {
        Manifest m = ManifestLoader.load(Corpus.root().resolve("model-corpus"));
        Manifest.ModelEntry e = m.models().stream().filter(x -> x.name().equals("token_classifier")).findFirst()
                .orElseThrow();
        CheckRequest.Builder b = CheckRequest.builder(Path.of("r.pt"), Path.of("m.onnx"));
        CorpusRun.manifestInputs(b, e);
        CheckRequest req = b.build();
        assertEquals(List.of(), req.roles());
        assertFalse(req.inferRoles());
        assertEquals(List.of("ids", "mask"), req.inputOverrides().stream().map(o -> o.name()).toList());
        assertEquals(1.0, req.inputOverrides().get(1).high(), "the float mask stays uniform in [0, 1)");
    }

    @Test
    void anUnknownRoleNamesTheModelAndInput(@TempDir Path dir) throws Exception {
        String msg = refusal(dir, e -> input(e, 1).put("role", "padding-mask"));
        assertTrue(msg.contains("model 'transformer_encoder': input 'mask' has role 'padding-mask', expected one of "
                + "token-ids, attention-mask, token-type-ids"), msg);
    }

    @Test
    void tokenIdsWithoutARangeAreRefused(@TempDir Path dir) throws Exception {
        String msg = refusal(dir, e -> input(e, 1).put("role", "token-type-ids"));
        assertTrue(msg.contains("input 'mask' has role token-type-ids, which takes its range from low and high"), msg);
    }

    @Test
    void aSweepOfAnUnknownSymbolIsRefused(@TempDir Path dir) throws Exception {
        String msg = refusal(dir, e -> e.putObject("sweep").putArray("sequence").add(4));
        assertTrue(msg.contains("sweep names 'sequence', which is no symbolic dim of its inputs (symbols: [batch, seq])"),
                msg);
    }

    @Test
    void sweepSizesOutOfRangeAreRefused(@TempDir Path dir) throws Exception {
        String msg = refusal(dir, e -> ((ArrayNode) e.putObject("sweep").putArray("seq")).add(1).add(70000));
        assertTrue(msg.contains("sweep 'seq' has sizes [1, 70000]: a non-empty list, each in 1..65536"), msg);
    }

    @Test
    void aLastPositionOfAnUnknownOutputIsRefused(@TempDir Path dir) throws Exception {
        String msg = refusal(dir, e -> e.putArray("last_position").add("hidden"));
        assertTrue(msg.contains("last_position names 'hidden', which is not one of its outputs [logits]"), msg);
    }
}
