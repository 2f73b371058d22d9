package dev.parity.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.InputDescription;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A check of a text model with no flag at all, as a user runs one on their own export: the ids get
 * the vocabulary of the embedding table, the mask its padding patterns, and the sequence its sweep.
 * The vocabulary size is read from the corpus manifest's {@code high} (written by the model's builder),
 * not from Parity's inference.
 */
class ZeroConfigTextCheckTest {
    private static final Set<String> PATTERNS = Set.of("no-padding", "trailing-padding", "padded-row");

    private static long manifestHigh(String model, String input) throws Exception {
        JsonNode m = new ObjectMapper().readTree(Corpus.root().resolve("model-corpus/manifest.json").toFile());
        for (JsonNode e : m.get("models")) {
            if (e.get("name").asText().equals(model)) {
                for (JsonNode in : e.get("inputs")) {
                    if (in.get("name").asText().equals(input)) {
                        return in.get("high").asLong();
                    }
                }
            }
        }
        throw new AssertionError(model + "/" + input + " not in the manifest");
    }

    private static CheckResult check(String model, Path onnx) throws Exception {
        return ParityCheck.run(CheckRequest.builder(Corpus.reference(model), onnx).build());
    }

    private static InputDescription input(CaseResult c, String name) {
        return c.inputs().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aStaticTokenClassifierGetsItsVocabularyAndThreePaddingPatterns() throws Exception {
        CheckResult r = check("token_classifier", Corpus.export("token_classifier"));
        long vocabulary = manifestHigh("token_classifier", "ids");
        assertEquals(3, r.cases().size(), "static [2, 7]: one case per padding pattern");
        assertEquals(PATTERNS, r.cases().stream().map(CaseResult::padding).collect(Collectors.toSet()));
        for (CaseResult c : r.cases()) {
            String ids = input(c, "ids").role();
            assertNotNull(ids);
            assertTrue(ids.startsWith("token-ids [0, " + vocabulary + ") inferred: Gather on "), ids);
            assertEquals("attention-mask, " + c.padding() + " inferred: named 'mask'", input(c, "mask").role());
        }
    }

    @Test
    void aDynamicTransformerEncoderIsSweptOverBatchSequenceAndPadding() throws Exception {
        Path onnx = Corpus.root().resolve("model-corpus/models/transformer_encoder/exports/torch-2.13-dynamo/opset18.onnx");
        CheckResult r = check("transformer_encoder", onnx);
        long vocabulary = manifestHigh("transformer_encoder", "ids");
        assertEquals(18, r.cases().size(), () -> dev.parity.reports.ConsoleReport.render(r));
        Set<String> shapes = r.cases().stream().map(c -> dev.parity.tensor.Tensor.shapeText(input(c, "ids").shape()))
                .collect(Collectors.toSet());
        assertEquals(Set.of("1x1", "1x8", "1x32", "3x1", "3x8", "3x32"), shapes);
        for (String shape : shapes) {
            List<String> paddings = r.cases().stream()
                    .filter(c -> dev.parity.tensor.Tensor.shapeText(input(c, "ids").shape()).equals(shape))
                    .map(CaseResult::padding).collect(Collectors.toList());
            assertEquals(PATTERNS, Set.copyOf(paddings), shape);
        }
        for (CaseResult c : r.cases()) {
            assertTrue(input(c, "ids").role().startsWith("token-ids [0, " + vocabulary + ") inferred: Gather on "),
                    input(c, "ids").role());
            assertTrue(input(c, "mask").role().startsWith("attention-mask, " + c.padding() + " inferred"),
                    input(c, "mask").role());
        }
        String console = dev.parity.reports.ConsoleReport.render(r);
        assertTrue(console.contains("roles: ids token-ids [0, " + vocabulary + ")"), console);
        assertTrue(console.contains("discrete padded-row"), console);
    }

    @Test
    void noInferRolesKeepsTheOldIntegerRange() throws Exception {
        CheckResult r = ParityCheck.run(CheckRequest.builder(Corpus.reference("token_classifier"),
                Corpus.export("token_classifier")).optInferRoles(false).build());
        assertEquals(4, r.cases().size(), "the float mask brings the four value regimes back");
        r.cases().forEach(c -> {
            assertNull(c.padding());
            c.inputs().forEach(i -> assertNull(i.role()));
        });
    }

    /** A Hugging Face BERT exported by torch 2.13's dynamo exporter (weights as external data), checked with no flag. */
    @Test
    void aHuggingFaceBertExportGetsVocabularyTokenTypesAndPaddingWithoutFlags() throws Exception {
        Path onnx = Corpus.root().resolve("model-corpus/models/bert_tiny/exports/torch-2.13-dynamo/opset18.onnx");
        CheckResult r = check("bert_tiny", onnx);
        long vocabulary = manifestHigh("bert_tiny", "input_ids");
        long types = manifestHigh("bert_tiny", "token_type_ids");
        assertEquals(18, r.cases().size(), () -> dev.parity.reports.ConsoleReport.render(r));
        for (CaseResult c : r.cases()) {
            assertTrue(input(c, "input_ids").role().startsWith("token-ids [0, " + vocabulary + ") inferred: Gather on "),
                    input(c, "input_ids").role());
            assertTrue(input(c, "token_type_ids").role().startsWith("token-type-ids [0, " + types + ") inferred"),
                    input(c, "token_type_ids").role());
            assertEquals("attention-mask, " + c.padding() + " inferred: named 'attention_mask'",
                    input(c, "attention_mask").role());
        }
        assertEquals(PATTERNS, r.cases().stream().map(CaseResult::padding).collect(Collectors.toSet()));
        assertEquals(dev.parity.oracles.Verdict.FAITHFUL, r.verdict(), () -> dev.parity.reports.ConsoleReport.render(r));
    }

    /**
     * GPT-2 with transformers' SDPA attention, exported by torch 2.6.0: a sequence that is all padding
     * gets NaN from the export's -inf mask and Softmax where PyTorch's SDPA returns zeros (cross-checked
     * with ONNX Runtime 1.30 in Python, see expectations.json). Exactly the padded-row cases must be
     * the discrepant ones, and the last position is judged as classification.
     */
    @Test
    void aFullyPaddedRowExposesTheSdpaExportOfGpt2() throws Exception {
        Path onnx = Corpus.root().resolve("model-corpus/models/gpt2_tiny/exports/torch-2.6.0/opset17.onnx");
        CheckResult r = ParityCheck.run(CheckRequest.builder(Corpus.reference("gpt2_tiny"), onnx)
                .optLastPosition("logits").build());
        assertEquals(18, r.cases().size());
        for (CaseResult c : r.cases()) {
            boolean padded = "padded-row".equals(c.padding());
            assertEquals(padded ? dev.parity.oracles.Verdict.DISCREPANT : dev.parity.oracles.Verdict.FAITHFUL, c.verdict(),
                    "case " + c.index() + " " + c.padding());
            assertTrue(c.outputs().stream().anyMatch(o -> o.name().equals("logits[:, -1]")), "last position judged");
        }
    }
}
