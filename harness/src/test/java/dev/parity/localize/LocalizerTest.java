package dev.parity.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.parity.check.CheckRequest;
import dev.parity.check.Corpus;
import dev.parity.check.ParityCheck;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.InputRegime;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.result.CheckResult;
import dev.parity.reports.ConsoleReport;
import dev.parity.result.Localization;
import dev.parity.result.ResultJson;
import dev.parity.safety.OnnxModelCheck;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Localization on the corpus's known discrepancies, no false culprit on a faithful architecture, inputs
 * of every dtype, and no silent failure: a localization that judged nothing says so.
 */
class LocalizerTest {
    @TempDir
    Path dir;

    private static Path file(String model, String name) {
        return Corpus.root().resolve("model-corpus/models/" + model + "/" + name);
    }

    private static CheckResult check(String model, CheckRequest.Builder b) throws Exception {
        return ParityCheck.run(b.optLocalize(file(model, "probe.pt")).build());
    }

    private static CheckRequest.Builder pair(String model) {
        return CheckRequest.builder(Corpus.reference(model), Corpus.export(model)).optReference64(file(model, "reference64.pt"));
    }

    @Test
    void modulePathsFollowTorchOnnxScopeNames() {
        assertEquals("layer1.0.conv1", OnnxBoundaries.modulePath("/layer1/layer1.0/conv1/Conv"));
        assertEquals("pool", OnnxBoundaries.modulePath("/pool/AveragePool"));
        assertEquals("layers.0.relu_1", OnnxBoundaries.modulePath("/layers/layers.0/relu_1/Relu"));
        assertEquals("", OnnxBoundaries.modulePath("/Add"));
        assertEquals("", OnnxBoundaries.modulePath("Gemm_3"));
    }

    @Test
    void extraOutputsAreAddedOnce() throws Exception {
        OnnxMl.ModelProto m = OnnxModelCheck.check(Corpus.export("avgpool_ceil"));
        Map<String, OnnxBoundaries.Mapped> map = OnnxBoundaries.map(m.getGraph());
        String v = map.get("conv").value();
        OnnxMl.ModelProto w = OnnxBoundaries.withOutputs(m, List.of(v, v, m.getGraph().getOutput(0).getName()));
        assertEquals(m.getGraph().getOutputCount() + 1, w.getGraph().getOutputCount());
    }

    @Test
    void namesTheAveragePoolWhoseDivisorDiffers() throws Exception {
        Localization l = check("avgpool_ceil", pair("avgpool_ceil")).localization();
        assertEquals("pool", l.module());
        assertTrue(l.onnxNodes().stream().anyMatch(n -> n.startsWith("AveragePool")), l.onnxNodes().toString());
        assertTrue(l.ratioBefore() < 16 && l.ratioAfter() > 1e5, l.toString());
        assertEquals(1, l.sessions());
    }

    @Test
    void aDynamoExportIsLocalizedThroughItsNodesScopeMetadata() throws Exception {
        // torch 2.13's dynamo exporter: node names are not scoped (node_avg_pool2d), metadata_props are
        Path onnx = Corpus.fixture("dynamo/avgpool_ceil.onnx");
        CheckResult r = check("avgpool_ceil", CheckRequest.builder(Corpus.reference("avgpool_ceil"), onnx)
                .optReference64(file("avgpool_ceil", "reference64.pt")));
        Localization l = r.localization();
        assertEquals("pool", l.module(), l.message());
        assertEquals(List.of("AveragePool node_avg_pool2d"), l.onnxNodes());
        assertEquals(List.of(), l.unmapped());
        assertEquals(2, l.judged());
        assertTrue(l.ratioBefore() < 16 && l.ratioAfter() > 1e5, l.toString());
    }

        @Test
    void aBatchNormFoldedIntoItsConvIsNamedWithIt() throws Exception {
        Localization l = check("bn_train_mode", pair("bn_train_mode")).localization();
        assertEquals("conv+bn", l.module());
        assertEquals(List.of("bn"), l.unmapped());
        assertTrue(l.message().contains("fused into one ONNX node"), l.message());
    }

    @Test
    void aFaithfulArchitectureHasNoCulpritAndBoundedSessions() throws Exception {
        // zero tolerances in tolerance mode make the check "discrepant" on rounding alone, so localization runs
        CheckResult r = check("resnet_tiny", CheckRequest.builder(Corpus.reference("resnet_tiny"), Corpus.export("resnet_tiny"))
                .optNoiseFactor(0).optTolerances(new ToleranceConfig(0.0, 0.0, Map.of())));
        Localization l = r.localization();
        assertNull(l.module(), l.message());
        long mapped = l.boundaries().stream().filter(Localization.Boundary::mapped).count();
        assertTrue(mapped >= 20, "mapped " + mapped);
        assertTrue(l.sessions() <= (mapped + Localizer.BATCH - 1) / Localizer.BATCH + 1, "sessions " + l.sessions());
    }

    @Test
    void aBatchNormTheDynamoExporterFoldsIntoTheConvBeforeItIsNamedWithIt() throws Exception {
        // the fused Conv carries the BatchNorm's scope: conv has no node of its own, just before bn
        CheckResult r = check("bn_train_mode", CheckRequest.builder(Corpus.reference("bn_train_mode"),
                Corpus.fixture("dynamo/bn_train_mode.onnx")).optReference64(file("bn_train_mode", "reference64.pt")));
        Localization l = r.localization();
        assertEquals("conv+bn", l.module(), l.message());
        assertEquals(List.of("conv"), l.unmapped());
        assertEquals(1, l.onnxNodes().size());
        assertTrue(l.onnxNodes().get(0).startsWith("Conv "), l.onnxNodes().toString());
        assertTrue(l.message().contains("fused into one ONNX node"), l.message());
    }

        @Test
    void faithfulChecksDoNotLocalize() throws Exception {
        assertNull(check("mlp", pair("mlp")).localization());
    }

    private static Localization localize(Localizer.Probe probe, Path onnx, InputCase c) throws Exception {
        return Localizer.localize(probe, onnx, c, AttributionConfig.defaults(), Localizer.Settings.defaults());
    }

    @Test
    void aBoolPaddingMaskIsFedSoEveryTransformerBoundaryIsJudged() throws Exception {
        String m = "transformer_encoder";
        long[] shape = {2, 12};
        long[] ids = new long[24];
        byte[] padded = new byte[24];
        for (int i = 0; i < 24; i++) {
            ids[i] = (i * 37L + 5) % 100;
            padded[i] = (byte) (i >= 20 ? 1 : 0); // the second sequence ends in four padding tokens
        }
        InputCase c = new InputCase(0, InputRegime.DISCRETE, List.of("ids", "mask"),
                List.of(Tensor.ofLongs(shape, ids), Tensor.ofBytes(DType.BOOL, shape, padded)));
        Localization l = localize(Localizer.Probe.beside(file(m, "probe.pt")),
                file(m, "exports/torch-2.6.0/opset17.onnx"), c);
        assertEquals(Localization.Status.NO_CULPRIT, l.status(), l.message());
        assertEquals(5, l.judged(), l.message());
        assertTrue(l.boundaries().stream().allMatch(Localization.Boundary::judged), l.boundaries().toString());
        assertTrue(l.message().startsWith("no module boundary diverges (5 of 5 mapped, 5 judged)"), l.message());
        assertNull(l.failure());
    }

    @Test
    void int32Uint8Float64AndBoolInputsAreFedAndEveryBoundaryJudged() throws Exception {
        Localization l = localize(TypedPair.write(dir, TypedPair.Export.FAITHFUL), TypedPair.onnx(dir),
                TypedPair.inputs());
        assertEquals(Localization.Status.NO_CULPRIT, l.status(), l.message());
        assertEquals(2, l.judged());
        assertEquals(1, l.sessions());
        assertEquals("no module boundary diverges (2 of 2 mapped, 2 judged): the difference lies outside module "
                + "boundaries or in unmapped ones", l.message());
    }

    @Test
    void aDivergentModuleIsNamedWhateverTheInputDtypes() throws Exception {
        Localization l = localize(TypedPair.write(dir, TypedPair.Export.WRONG_M2), TypedPair.onnx(dir),
                TypedPair.inputs());
        assertEquals(Localization.Status.CULPRIT, l.status(), l.message());
        assertEquals("m2", l.module());
        assertEquals(List.of("Cast /m2/Cast", "Sub /m2/Sub"), l.onnxNodes());
        assertFalse(l.boundaries().get(0).discrepant());
    }

    @Test
    void anOnnxRuntimeLoadFailureIsLocalizationFailedNotNoDivergence() throws Exception {
        Localization l = localize(TypedPair.write(dir, TypedPair.Export.UNKNOWN_OP), TypedPair.onnx(dir),
                TypedPair.inputs());
        assertEquals(Localization.Status.FAILED, l.status(), l.message());
        assertTrue(l.message().startsWith("localization failed: 2 of 2 mapped, 0 judged; 2 failed: m1, m2: onnx: "),
                l.message());
        assertTrue(l.message().contains("NoSuchOperator"), l.message());
        assertFalse(l.message().contains("no module boundary diverges"), l.message());
        assertEquals(0, l.judged());
        assertNull(l.module());
        assertTrue(l.boundaries().stream().allMatch(b -> b.mapped() && b.failure() != null), l.boundaries().toString());
    }

    @Test
    void anOnnxRuntimeRunFailureIsLocalizationFailedNotNoDivergence() throws Exception {
        // the export declares int32 'a'; libtorch takes int64 as well, ONNX Runtime refuses it when run
        InputCase good = TypedPair.inputs();
        List<Tensor> t = new java.util.ArrayList<>(good.tensors());
        t.set(0, Tensor.ofLongs(TypedPair.SHAPE, new long[] {1, 2, 3, 4, 5, 6}));
        Localization l = localize(TypedPair.write(dir, TypedPair.Export.FAITHFUL), TypedPair.onnx(dir),
                new InputCase(0, InputRegime.DISCRETE, good.names(), t));
        assertEquals(Localization.Status.FAILED, l.status(), l.message());
        assertTrue(l.message().startsWith("localization failed: 2 of 2 mapped, 0 judged; 2 failed: m1, m2: onnx: "
                + "ONNX Runtime failed to run: "), l.message());
    }

    @Test
    void aProbeThatDoesNotMatchItsSpecIsLocalizationFailed() throws Exception {
        Localizer.Probe written = TypedPair.write(dir, TypedPair.Export.FAITHFUL);
        java.nio.file.Files.writeString(written.spec(), "{\"format\": 1, \"outputs\": 1, \"boundaries\": [\"m1\"]}");
        Localization l = localize(written, TypedPair.onnx(dir), TypedPair.inputs());
        assertEquals(Localization.Status.FAILED, l.status());
        assertEquals("localization failed: the probe returned 3 tensors and its float64 twin 3, its spec names 2",
                l.message());
    }

    @Test
    void aProbeThatCannotRunIsLocalizationFailed() throws Exception {
        InputCase good = TypedPair.inputs();
        Localization l = localize(TypedPair.write(dir, TypedPair.Export.FAITHFUL), TypedPair.onnx(dir),
                new InputCase(0, InputRegime.DISCRETE, good.names().subList(0, 2), good.tensors().subList(0, 2)));
        assertEquals(Localization.Status.FAILED, l.status());
        assertTrue(l.message().startsWith("localization failed: the probe could not run: torch: "), l.message());
    }

    @Test
    void aPartlyJudgedLocalizationStatesItsCounts() throws Exception {
        Localization l = localize(TypedPair.write(dir, TypedPair.Export.TRANSPOSED_M1), TypedPair.onnx(dir),
                TypedPair.inputs());
        assertEquals(Localization.Status.NO_CULPRIT, l.status(), l.message());
        assertEquals(1, l.judged());
        assertEquals("2 of 2 mapped, 1 judged; 1 failed: m1: shapes differ: probe 2x3, onnx value "
                + "'/m1/Transpose_output_0' 3x2", l.failure());
        assertTrue(l.message().startsWith("no judged module boundary diverges (" + l.failure() + ")"), l.message());
        assertFalse(l.boundaries().get(0).judged());
        assertTrue(l.boundaries().get(1).judged());
    }

    @Test
    void aCheckWhoseLocalizationFailsSaysSoInItsResultJsonAndConsole() throws Exception {
        String m = "avgpool_ceil";
        for (String f : List.of("probe.pt", "probe64.pt")) {
            java.nio.file.Files.copy(file(m, f), dir.resolve(f));
        }
        // a spec naming one boundary too many: the probe's outputs no longer match it
        java.nio.file.Files.writeString(dir.resolve("probe.json"),
                "{\"format\": 1, \"outputs\": 1, \"boundaries\": [\"conv\", \"pool\", \"extra\"]}");
        CheckResult r = ParityCheck.run(pair(m).optLocalize(dir.resolve("probe.pt")).build());
        Localization l = r.localization();
        assertEquals(Localization.Status.FAILED, l.status());
        assertTrue(l.message().startsWith("localization failed: the probe returned 3 tensors"), l.message());
        assertEquals("failed", ResultJson.mapper().readTree(ResultJson.write(r)).at("/localization/status").asText());
        String console = ConsoleReport.render(r);
        assertTrue(console.contains("localization failed: the probe returned 3 tensors"), console);
        assertFalse(console.contains("no module boundary diverges"), console);
    }
}
