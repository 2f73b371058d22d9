package dev.parity.cli;

import static dev.parity.cli.CheckCommandTest.parity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "Check your own model": the `./parity check` command it gives, read out of the README and
 * replayed on committed files standing in for the user's (a dynamo export with its external data, the
 * reference, twin and probe of the same weights), gives the verdict and the localization a user gets.
 */
class ReadmeRecipeTest {
    @Test
    void theReadmesCheckCommandRunsOnADynamoExport(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Corpus.root().resolve("README.md"));
        int section = readme.indexOf("## Check your own model");
        assertTrue(section >= 0, "the README has the recipe");
        String rest = readme.substring(section, readme.indexOf("\n## ", section + 5));
        String line = rest.lines().filter(l -> l.startsWith("./parity check")).findFirst().orElseThrow();
        // the user's folder: the names the recipe writes, holding committed files of the avgpool_ceil weights
        Path m = Corpus.root().resolve("model-corpus/models/avgpool_ceil");
        Path fx = Corpus.fixture("dynamo");
        Map<String, Path> files = Map.of("model.pt", m.resolve("reference.pt"), "model64.pt", m.resolve("reference64.pt"),
                "model.onnx", fx.resolve("avgpool_ceil.onnx"),
                // the name the export wrote into model.onnx, as torch.onnx writes it beside the file
                "avgpool_ceil.onnx.data", fx.resolve("avgpool_ceil.onnx.data"),
                "probe.pt", m.resolve("probe.pt"), "probe64.pt", m.resolve("probe64.pt"), "probe.json", m.resolve("probe.json"));
        for (var e : files.entrySet()) {
            Files.copy(e.getValue(), dir.resolve(e.getKey()));
        }
        List<String> args = new ArrayList<>();
        for (String a : line.substring("./parity ".length()).trim().split("\\s+")) {
            args.add(files.containsKey(a) ? dir.resolve(a).toString() : a);
        }
        CheckCommandTest.Run r = parity(args.toArray(new String[0]));
        assertEquals(ExitCodes.DISCREPANT, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("first divergent module: pool"), "localized through the dynamo scopes: " + r.out());
        assertTrue(r.out().contains("verdict: DISCREPANT"), r.out());
    }
}
