package dev.parity.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parity.check.Corpus;
import dev.parity.result.ExportRecord;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import dev.parity.safety.OnnxModelCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dynamo exporter writes the weights beside the ONNX file ({@code <config>.onnx.data}): the
 * provenance pins every such file, and a run refuses to load an export whose external data differs
 * from its pin, is not pinned at all, or is named outside the export's folder.
 */
class ExternalDataIntegrityTest {
    private static final String DYNAMO = "torch-2.13-dynamo";

    private static Path shipped() {
        return Corpus.root().resolve("model-corpus");
    }

    @Test
    void everyShippedExternalDataFileIsPinnedByTheProvenance() throws Exception {
        int files = 0;
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> provs = Files.find(shipped().resolve("models"), 4,
                (p, a) -> p.getFileName().toString().equals("provenance.json"))) {
            for (Path prov : provs.sorted().toList()) {
                ExportRecord.Provenance p = ResultJson.mapper().readValue(prov.toFile(), ExportRecord.Provenance.class);
                for (var e : p.exports().entrySet()) {
                    ExportRecord r = e.getValue();
                    if (!"ok".equals(r.status()) && !"checker-failure".equals(r.status())) {
                        continue;
                    }
                    Path onnx = prov.resolveSibling(r.file());
                    Set<String> read = OnnxModelCheck.externalDataLocations(OnnxModelCheck.read(onnx));
                    files += read.size();
                    String problem = CorpusRun.externalDataIntegrity(shipped(), onnx, r);
                    if (problem != null) {
                        wrong.add(problem);
                    }
                    OnnxModelCheck.check(onnx); // the safety check accepts the files beside the model
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(files > 30, "the dynamo exports read external data: " + files + " files");
    }

    @Test
    void anUntouchedCopyIsCheckedAndATamperedOnnxDataIsAnIntegrityFailure(@TempDir Path dir) throws Exception {
        Path corpus = copyOfMlp(dir);
        assertEquals(Outcome.FAITHFUL, run(corpus, dir.resolve("clean")).outcome(), "the copy itself is intact");

        Path data = corpus.resolve("models/mlp/exports/" + DYNAMO + "/opset18.onnx.data");
        byte[] b = Files.readAllBytes(data);
        b[b.length / 2] ^= 0x40; // one flipped bit in a weight
        Files.write(data, b);
        RunRecord r = run(corpus, dir.resolve("tampered"));
        assertEquals(Outcome.INTEGRITY_FAILURE, r.outcome());
        assertTrue(r.message().contains("opset18.onnx.data") && r.message().contains("the provenance pins"), r.message());
        assertNull(r.check(), "a tampered export is never loaded");
    }

    @Test
    void externalDataTheProvenanceDoesNotPinIsAnIntegrityFailure(@TempDir Path dir) throws Exception {
        Path corpus = copyOfMlp(dir);
        editProvenance(corpus, e -> e.remove("external_data"));
        RunRecord r = run(corpus, dir.resolve("out"));
        assertEquals(Outcome.INTEGRITY_FAILURE, r.outcome());
        assertTrue(r.message().contains("reads external data 'opset18.onnx.data' that the provenance does not pin"),
                r.message());
    }

    @Test
    void externalDataNamedOutsideTheExportFolderIsAnIntegrityFailure(@TempDir Path dir) throws Exception {
        Path corpus = copyOfMlp(dir);
        editProvenance(corpus, e -> ((ObjectNode) e.get("external_data").get(0)).put("file", "../../reference.pt"));
        RunRecord r = run(corpus, dir.resolve("out"));
        assertEquals(Outcome.INTEGRITY_FAILURE, r.outcome());
        assertTrue(r.message().contains("not a file name in the export folder"), r.message());
    }

    @Test
    void aMissingExternalDataFileIsAnIntegrityFailure(@TempDir Path dir) throws Exception {
        Path corpus = copyOfMlp(dir);
        Files.delete(corpus.resolve("models/mlp/exports/" + DYNAMO + "/opset18.onnx.data"));
        RunRecord r = run(corpus, dir.resolve("out"));
        assertEquals(Outcome.INTEGRITY_FAILURE, r.outcome());
        assertTrue(r.message().contains("is missing"), r.message());
    }

    private static RunRecord run(Path corpus, Path out) throws Exception {
        List<RunRecord> records = CorpusRun.run(new RunRequest(corpus, DYNAMO, "mlp", "opset18", out, 0, true, 1, 8),
                RunListener.NONE).records();
        assertEquals(1, records.size());
        return records.get(0);
    }

    /** A corpus of the shipped mlp alone: its folder and a manifest listing only it (no expectations file). */
    private static Path copyOfMlp(Path dir) throws Exception {
        Path corpus = dir.resolve("corpus");
        Path from = shipped().resolve("models/mlp");
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path to = corpus.resolve("models/mlp").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        ObjectNode m = (ObjectNode) ResultJson.mapper().readTree(shipped().resolve(ManifestLoader.FILE).toFile());
        ArrayNode only = m.putArray("models");
        for (JsonNode e : ResultJson.mapper().readTree(shipped().resolve(ManifestLoader.FILE).toFile()).get("models")) {
            if (e.get("name").asText().equals("mlp")) {
                only.add(e);
            }
        }
        m.putObject("datasets");
        ResultJson.mapper().writeValue(corpus.resolve(ManifestLoader.FILE).toFile(), m);
        return corpus;
    }

    private static void editProvenance(Path corpus, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        Path prov = corpus.resolve("models/mlp/exports/" + DYNAMO + "/provenance.json");
        ObjectNode p = (ObjectNode) ResultJson.mapper().readTree(prov.toFile());
        edit.accept((ObjectNode) p.get("exports").get("opset18"));
        ResultJson.mapper().writeValue(prov.toFile(), p);
    }
}
