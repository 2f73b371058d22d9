package dev.parity.localize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.parity.check.CheckRequest;
import dev.parity.check.Corpus;
import dev.parity.check.ParityCheck;
import dev.parity.oracles.ToleranceConfig;
import dev.parity.result.CheckResult;
import dev.parity.result.Localization;
import dev.parity.safety.OnnxModelCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Localization on the corpus's known discrepancies, and no false culprit on a faithful architecture. */
class LocalizerTest {
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
    void faithfulChecksDoNotLocalize() throws Exception {
        assertNull(check("mlp", pair("mlp")).localization());
    }
}
