package dev.parity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parity.check.Corpus;
import dev.parity.result.ResultJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parity check} on torch 2.13's dynamo exports and on references given as saved outputs, as a user
 * runs it: in the sandboxed worker (the default), with the console line and JSON of the optimisation probe.
 */
class DynamoExportCommandTest {
    private static final Path AVG = Corpus.root().resolve("model-corpus/models/avgpool_ceil");
    private static final Path SAVED = Corpus.fixture("saved/avgpool_ceil");

    /** The dynamo fixture copied alone into {@code dir}: its weights are external data beside it. */
    private static Path dynamoExportIn(Path dir) throws Exception {
        for (String f : new String[] {"avgpool_ceil.onnx", "avgpool_ceil.onnx.data"}) {
            Files.copy(Corpus.fixture("dynamo/" + f), dir.resolve(f));
        }
        return dir.resolve("avgpool_ceil.onnx");
    }

    @Test
    void aDynamoExportWithExternalWeightsLoadsInTheWorkerAndIsLocalizedToItsPool(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        CheckCommandTest.Run r = CheckCommandTest.check(AVG.resolve("reference.pt"), dynamoExportIn(dir),
                "--reference64", AVG.resolve("reference64.pt").toString(), "--localize", AVG.resolve("probe.pt").toString(),
                "--json", json.toString());
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("localization (case 0): first divergent module: pool (AveragePool node_avg_pool2d)"),
                r.out());
        assertTrue(r.out().contains("onnx optimisations: also discrepant with optimisations disabled (4 of 4 cases rerun"),
                r.out());
        JsonNode n = ResultJson.mapper().readTree(Files.readString(json));
        assertEquals("pool", n.at("/localization/module").asText());
        assertEquals("disabled", n.at("/optimization_probe/level").asText());
        assertEquals("all", n.at("/optimization_probe/checked_level").asText());
        assertEquals("discrepant", n.at("/optimization_probe/verdict").asText());
        assertEquals("graph-or-kernels", n.at("/optimization_probe/cause").asText());
        assertEquals(4, n.at("/optimization_probe/discrepant_cases").asInt());
        assertTrue(n.at("/optimization_probe/message").asText().startsWith("also discrepant"));
    }

    @Test
    void theOptimisationProbeLineNamesTheOptimiserAndCanBeTurnedOff() {
        CheckCommandTest.Run r = CheckCommandTest.check(AVG.resolve("reference.pt"), Corpus.export("avgpool_ceil"));
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.err());
        assertTrue(r.out().contains("onnx optimisations: faithful with optimisations disabled (4 discrepant cases rerun"),
                r.out());
        CheckCommandTest.Run off = CheckCommandTest.check(AVG.resolve("reference.pt"), Corpus.export("avgpool_ceil"),
                "--no-opt-probe");
        assertEquals(ExitCodes.DISCREPANT, off.code(), off.err());
        assertFalse(off.out().contains("onnx optimisations:"), off.out());
    }

    @Test
    void savedReferenceOutputsAreJudgedInTheWorker(@TempDir Path dir) throws Exception {
        CheckCommandTest.Run faithful = CheckCommandTest.parity("check", "--reference-outputs",
                SAVED.resolve("OUT.npz").toString(), "--reference64-outputs", SAVED.resolve("OUT64.npz").toString(),
                "--inputs", SAVED.resolve("IN.npz").toString(), "--onnx", Corpus.export("avgpool_ceil").toString(),
                "--onnx-opt", "disabled");
        assertEquals(ExitCodes.FAITHFUL, faithful.code(), faithful.out() + faithful.err());
        assertTrue(faithful.out().contains("warning: the reference is saved outputs: only the saved inputs are compared"),
                faithful.out());
        CheckCommandTest.Run discrepant = CheckCommandTest.parity("check", "--reference-outputs",
                SAVED.resolve("OUT.npz").toString(), "--reference64-outputs", SAVED.resolve("OUT64.npz").toString(),
                "--inputs", SAVED.resolve("IN.npz").toString(), "--onnx", dynamoExportIn(dir).toString());
        assertEquals(ExitCodes.DISCREPANT, discrepant.code(), discrepant.out() + discrepant.err());
        assertTrue(discrepant.out().contains("verdict: DISCREPANT - 1 of 1 cases discrepant"), discrepant.out());
    }

    private static void assertUsage(CheckCommandTest.Run r, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("parity: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void savedOutputsRefuseWhatNeedsATorchScriptReference() {
        String out = SAVED.resolve("OUT.npz").toString();
        String in = SAVED.resolve("IN.npz").toString();
        String onnx = Corpus.export("avgpool_ceil").toString();
        assertUsage(CheckCommandTest.parity("check", "--onnx", onnx), "give --torch REF.pt (or --reference-outputs");
        assertUsage(CheckCommandTest.parity("check", "--reference-outputs", out, "--onnx", onnx),
                "--reference-outputs needs --inputs IN.npz");
        assertUsage(CheckCommandTest.parity("check", "--reference-outputs", out, "--inputs", in, "--onnx", onnx,
                "--torch", AVG.resolve("reference.pt").toString()), "--reference-outputs and --torch exclude each other");
        assertUsage(CheckCommandTest.parity("check", "--reference-outputs", out, "--inputs", in, "--onnx", onnx,
                "--localize", AVG.resolve("probe.pt").toString()), "--reference-outputs and --localize exclude each other");
        assertUsage(CheckCommandTest.check(AVG.resolve("reference.pt"), Corpus.export("avgpool_ceil"),
                "--reference64-outputs", out), "--reference64-outputs needs --reference-outputs");
        assertUsage(CheckCommandTest.parity("check", "--reference-outputs", "/nope/OUT.npz", "--inputs", in, "--onnx",
                onnx), "--reference-outputs not found: /nope/OUT.npz");
    }

    @Test
    void helpStatesTheLimitsOfSavedOutputs() {
        CheckCommandTest.Run r = CheckCommandTest.parity("check", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " ");
        for (String limit : new String[] {"only the saved inputs are compared", "no --localize", "no reference latency",
            "no check that the reference agrees with itself", "--no-opt-probe"}) {
            assertTrue(help.contains(limit), limit + " in: " + r.out());
        }
    }
}
