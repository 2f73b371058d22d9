package dev.parity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.check.Corpus;
import dev.parity.result.ResultJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's exit codes and one-line errors, as a user sees them. */
public class CheckCommandTest {
    public record Run(int code, String out, String err) {}

    public static Run parity(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // buffered, as System.out is: output that a command forgets to flush is lost here too
        int code = ParityMain.execute(new PrintWriter(new java.io.BufferedWriter(out)), new PrintWriter(
                new java.io.BufferedWriter(err)), args);
        return new Run(code, out.toString(), err.toString());
    }

    public static Run check(Path torch, Path onnx, String... more) {
        List<String> a = new ArrayList<>(List.of("check", "--torch", torch.toString(), "--onnx", onnx.toString()));
        a.addAll(Arrays.asList(more));
        return parity(a.toArray(new String[0]));
    }

    @Test
    void faithfulPairExitsZeroAndPrintsTableAndVerdict() {
        Run r = check(Corpus.reference("mlp"), Corpus.export("mlp"));
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.err());
        assertTrue(r.out().contains("max_abs"), r.out());
        assertTrue(r.out().contains("verdict: FAITHFUL"), r.out());
    }

    @Test
    void discrepantPairExitsOneAndNamesTheWorstElement() {
        Run r = check(Corpus.reference("avgpool_ceil"), Corpus.export("avgpool_ceil"));
        assertEquals(ExitCodes.DISCREPANT, r.code());
        assertTrue(r.out().contains("verdict: DISCREPANT - 4 of 4 cases discrepant; worst: output y"), r.out());
    }

    @Test
    void jsonFollowsTheScriptContract(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Run r = check(Corpus.reference("avgpool_ceil"), Corpus.export("avgpool_ceil"), "--json", json.toString(),
                "--seed", "42");
        assertEquals(ExitCodes.DISCREPANT, r.code());
        JsonNode n = ResultJson.mapper().readTree(Files.readString(json));
        assertEquals("discrepant", n.get("verdict").asText());
        assertEquals(42, n.get("seed").asLong());
        assertEquals(64, n.at("/onnx/sha256").asText().length());
        assertTrue(n.at("/engines/libtorch").isTextual());
        JsonNode out = n.at("/cases/0/outputs/0");
        assertEquals("discrepant", out.get("verdict").asText());
        assertTrue(out.at("/stats/mismatch_fraction").asDouble() > 0);
        assertEquals(4, out.at("/worst/index").size());
        assertTrue(out.at("/worst/torch").isNumber() && out.at("/worst/onnx").isNumber());
        assertEquals("[1,4,6,6]", out.get("shape_onnx").toString());
    }

    @Test
    void engineLoadFailureExitsThreeAndNamesTheEngine() {
        Run r = check(Corpus.reference("mlp"), Corpus.fixture("unknown_op.onnx"));
        assertEquals(ExitCodes.ENGINE_FAILED, r.code());
        assertTrue(r.out().contains("verdict: FAILED - onnx: ONNX Runtime could not load"), r.out());
    }

    private static void assertBadInput(Run r, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("parity: ") && first.contains(expected), "stderr: " + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    }

    @Test
    void missingFilesAreBadInput() {
        assertBadInput(check(Path.of("/nope/m.pt"), Corpus.export("mlp")), "TorchScript model not found: /nope/m.pt");
        assertBadInput(check(Corpus.reference("mlp"), Path.of("/nope/m.onnx")), "ONNX model not found: /nope/m.onnx");
    }

    @Test
    void nonTorchScriptFilesAreBadInput() {
        assertBadInput(check(Corpus.fixture("state_dict.pt"), Corpus.export("mlp")), "is a torch.save archive");
        assertBadInput(check(Corpus.fixture("random_bytes.pt"), Corpus.export("mlp")), "not a zip file");
    }

    @Test
    void truncatedOnnxIsBadInput(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(Corpus.export("mlp"));
        Path t = dir.resolve("t.onnx");
        Files.write(t, Arrays.copyOf(full, full.length - 100));
        assertBadInput(check(Corpus.reference("mlp"), t), "not a valid ONNX model");
    }

    @Test
    void differentInputCountsAreBadInput() {
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("token_classifier")),
                "input counts differ: the ONNX model takes 2 input(s) [ids, mask], the TorchScript model declares forward(");
    }

    @Test
    void badInputSpecsAreBadInput() {
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--input", "nope:float32:2x16"),
                "unknown input 'nope', expected one of [x]");
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--input", "x:float32:2by16"),
                "malformed dims '2by16'");
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--tol", "y"), "malformed --tol 'y'");
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--onnx-opt", "max"), "--onnx-opt 'max'");
    }

    @Test
    void verboseShowsTheStackTrace() {
        Run r = check(Path.of("/nope/m.pt"), Corpus.export("mlp"), "--verbose");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    @Test
    void toleranceFlagsChangeTheVerdict() {
        // Fixed tolerances (the noise-aware atol would absorb exactly the rounding looked for here), on a
        // model whose two engines round differently: mlp's outputs are bit-identical on some CPUs.
        Run strict = check(Corpus.reference("digits_cnn"), Corpus.export("digits_cnn"), "--atol", "0", "--rtol", "0",
                "--noise-factor", "0");
        assertEquals(ExitCodes.DISCREPANT, strict.code(), "fp32 rounding differs from zero somewhere");
        Run loose = check(Corpus.reference("avgpool_ceil"), Corpus.export("avgpool_ceil"), "--tol", "y=100:1");
        assertEquals(ExitCodes.FAITHFUL, loose.code());
    }

    @Test
    void realInputsFromNpz() {
        Run r = check(Corpus.reference("token_classifier"), Corpus.export("token_classifier"), "--inputs",
                Corpus.fixture("token_inputs.npz").toString());
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.err());
        assertTrue(r.out().contains(" data "), r.out());
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(ExitCodes.BAD_INPUT, parity().code());
        assertEquals(ExitCodes.BAD_INPUT, parity("check", "--bogus").code());
    }

    private static Path twin(String model) {
        return Corpus.root().resolve("model-corpus/models/" + model + "/reference64.pt");
    }

    @Test
    void twinSwitchesToAttributionModeAndReportsRatios(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        Run r = check(Corpus.reference("avgpool_ceil"), Corpus.export("avgpool_ceil"), "--reference64",
                twin("avgpool_ceil").toString(), "--json", json.toString());
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.err());
        assertTrue(r.out().contains("mode  attribution"), r.out());
        JsonNode n = ResultJson.mapper().readTree(Files.readString(json));
        assertEquals("attribution", n.get("mode").asText());
        JsonNode a = n.at("/cases/0/outputs/0/attribution");
        assertTrue(a.get("ratio").asDouble() > 16 && a.get("onnx_err").asDouble() > 1e-4, a.toString());
        assertTrue(a.has("torch_err"));
        Run ok = check(Corpus.reference("mlp"), Corpus.export("mlp"), "--reference64", twin("mlp").toString(), "--json",
                dir.resolve("ok.json").toString());
        assertEquals(ExitCodes.FAITHFUL, ok.code(), ok.out());
        assertTrue(!Files.readString(dir.resolve("ok.json")).contains("twin failed"), "the twin really judged every case");
    }

    @Test
    void aWrongTwinIsRefusedInsteadOfSilentlyIgnored() {
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--reference64", Corpus.reference("mlp").toString()),
                "is not a float64 twin of the reference");
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--reference64", twin("two_heads").toString()),
                "is not a float64 twin of the reference");
    }

    @Test
    void numericFlagsOutOfRangeAreUsageErrors() {
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--alpha", "2"), "alpha must be in (0, 1)");
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--noise-factor", "-1"), "noise factor");
        assertBadInput(check(Corpus.reference("mlp"), Corpus.export("mlp"), "--threads", "-3"), "--threads must be >= 0");
    }

    @Test
    void datasetGivesAccuracyAndAnAccuracyVerdict() {
        Path data = Corpus.root().resolve("model-corpus/datasets/digits_test.npz");
        Run bad = check(Corpus.reference("digits_cnn_avgpool_ceil"), Corpus.export("digits_cnn_avgpool_ceil"),
                "--dataset", data.toString());
        assertEquals(ExitCodes.DISCREPANT, bad.code());
        assertTrue(bad.out().contains("verdict: ACCURACY-DISCREPANT"), bad.out());
        assertTrue(bad.out().contains("accuracy on 540 labelled samples"), bad.out());
        Run good = check(Corpus.reference("digits_cnn"), Corpus.export("digits_cnn"), "--dataset", data.toString(),
                "--reference64", twin("digits_cnn").toString());
        assertEquals(ExitCodes.FAITHFUL, good.code(), good.out());
    }

    @Test
    void datasetWithoutLabelsIsBadInput() {
        assertBadInput(check(Corpus.reference("token_classifier"), Corpus.export("token_classifier"), "--dataset",
                Corpus.fixture("token_inputs.npz").toString()), "needs an int64 array 'labels'");
    }

    @Test
    void runCommandPrintsTheSummaryAndExitsOneOnProblems(@TempDir Path dir) {
        Run r = parity("run", "--corpus", Corpus.root().resolve("model-corpus").toString(), "--models", "mlp,avgpool_ceil",
                "--configs", "opset13", "--out", dir.toString());
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.err());
        assertTrue(r.out().contains("outcomes: numeric-discrepancy=1 faithful=1  (2 pairs)"), r.out());
        assertTrue(r.out().contains("run folder: " + dir), r.out());
        assertTrue(r.err().contains("[2/2]"), r.err());
        Run none = parity("run", "--corpus", Corpus.root().resolve("model-corpus").toString(), "--models", "zzz",
                "--out", dir.resolve("x").toString());
        assertEquals(ExitCodes.BAD_INPUT, none.code());
    }
}
