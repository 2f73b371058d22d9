package dev.parity.cli;

import static dev.parity.cli.CheckCommandTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.check.Corpus;
import dev.parity.result.ResultJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --role}, {@code --no-infer-roles}, {@code --symbolic-sizes SYM=...} and {@code --last-position} as a user types them. */
class CheckRolesCommandTest {
    private static final Path ENCODER_REF = Corpus.reference("transformer_encoder");
    private static final Path ENCODER = Corpus.root()
            .resolve("model-corpus/models/transformer_encoder/exports/torch-2.13-dynamo/opset18.onnx");

    private static void assertBadInput(CheckCommandTest.Run r, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains(expected), "stderr: " + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    }

    /** Through the sandboxed worker, so the request's roles and sizes also survive its JSON. */
    @Test
    void rolesAndPerSymbolSizesReachTheCasesAndTheirJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        CheckCommandTest.Run r = check(ENCODER_REF, ENCODER, "--role", "ids=token-ids:7", "--symbolic-sizes", "batch=2",
                "--symbolic-sizes", "seq=5,9", "--json", json.toString());
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.out() + r.err());
        JsonNode cases = ResultJson.mapper().readTree(Files.readString(json)).get("cases");
        assertEquals(6, cases.size(), "batch {2} x seq {5, 9} x 3 padding patterns");
        assertEquals("no-padding", cases.get(0).get("padding").asText());
        assertEquals("padded-row", cases.get(5).get("padding").asText());
        assertEquals("token-ids [0, 7) --role", cases.get(0).at("/inputs/0/role").asText());
        assertEquals("attention-mask, trailing-padding inferred: named 'mask'", cases.get(1).at("/inputs/1/role").asText());
        assertEquals("[2,9]", cases.get(5).at("/inputs/0/shape").toString());
        assertTrue(r.out().contains("roles: ids token-ids [0, 7) --role; mask attention-mask inferred: named 'mask'"),
                r.out());
    }

    @Test
    void noInferRolesGivesInputsWithoutRoles(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        CheckCommandTest.Run r = check(ENCODER_REF, ENCODER, "--no-infer-roles", "--symbolic-sizes", "2",
                "--input", "ids:int64:2x3:0:100", "--json", json.toString(), "--in-process");
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.out() + r.err());
        JsonNode cases = ResultJson.mapper().readTree(Files.readString(json)).get("cases");
        assertEquals(1, cases.size());
        assertTrue(cases.get(0).get("padding").isNull());
        assertTrue(cases.get(0).at("/inputs/0/role").isNull());
    }

    @Test
    void malformedRoleAndSizeFlagsAreOneLine() {
        assertBadInput(check(ENCODER_REF, ENCODER, "--role", "ids"), "malformed --role 'ids' (expected NAME=ROLE");
        assertBadInput(check(ENCODER_REF, ENCODER, "--role", "ids=vocab:5"), "malformed role 'vocab:5'");
        assertBadInput(check(ENCODER_REF, ENCODER, "--role", "nope=attention-mask", "--in-process"),
                "--role names unknown input 'nope', expected one of [ids, mask]");
        assertBadInput(check(ENCODER_REF, ENCODER, "--symbolic-sizes", "seq=1,x"), "malformed --symbolic-sizes 'seq=1,x'");
        assertBadInput(check(ENCODER_REF, ENCODER, "--symbolic-sizes", "seq=0"), "--symbolic-sizes seq= sizes must be in 1..65536");
        assertBadInput(check(ENCODER_REF, ENCODER, "--symbolic-sizes", "seq=1", "--symbolic-sizes", "seq=3"),
                "symbol 'seq' given twice");
        assertBadInput(check(ENCODER_REF, ENCODER, "--symbolic-sizes", "batch=1,2,3,4,5,6,7,8,9",
                "--symbolic-sizes", "seq=1,2,3,4,5,6,7,8", "--in-process"), "--symbolic-sizes: 72 size variants");
        assertBadInput(check(ENCODER_REF, ENCODER, "--last-position", "hidden", "--in-process"),
                "--last-position names unknown output 'hidden', expected one of [logits]");
    }
}
