package dev.parity.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.engine.TensorSpec;
import dev.parity.inputs.InputCase;
import dev.parity.inputs.InputRegime;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastPositionTest {
    /** [2, 3, 4] with element (b, s, v) = 100 b + 10 s + v. */
    private static Tensor bsv() {
        float[] a = new float[24];
        for (int b = 0; b < 2; b++) {
            for (int s = 0; s < 3; s++) {
                for (int v = 0; v < 4; v++) {
                    a[b * 12 + s * 4 + v] = 100 * b + 10 * s + v;
                }
            }
        }
        return Tensor.ofFloats(new long[] {2, 3, 4}, a);
    }

    @Test
    void theSliceIsEachRowsLastPosition() {
        Tensor last = LastPosition.slice(bsv());
        assertArrayEquals(new long[] {2, 4}, last.shape());
        assertArrayEquals(new float[] {20, 21, 22, 23, 120, 121, 122, 123}, last.floats());
    }

    @Test
    void aboveRankThreeTheSequenceIsTheAxisBeforeTheClasses() {
        long[] a = new long[2 * 1 * 2 * 3];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        Tensor last = LastPosition.slice(Tensor.ofLongs(new long[] {2, 1, 2, 3}, a));
        assertArrayEquals(new long[] {2, 1, 3}, last.shape());
        assertArrayEquals(new long[] {3, 4, 5, 9, 10, 11}, last.longs());
    }

    @Test
    void onlyRankThreeOrMoreOfEqualShapesIsSliced() {
        Tensor logits2d = Tensor.ofFloats(new long[] {2, 4}, new float[8]);
        assertFalse(LastPosition.applies(logits2d, logits2d));
        assertTrue(LastPosition.applies(bsv(), bsv()));
        Tensor other = Tensor.ofFloats(new long[] {2, 2, 6}, new float[24]);
        assertFalse(LastPosition.applies(bsv(), other));
        assertNull(LastPosition.sliceOrNull(other, bsv()), "a twin of another shape is not sliced");
        assertEquals("logits[:, -1]", LastPosition.name("logits"));
    }

    @Test
    void aLastPositionOutputIsJudgedAsClassificationBesideTheWholeOutput() {
        Tensor torch = bsv();
        float[] b = torch.floats().clone();
        b[12 + 2 * 4 + 0] = 1000; // row 1, last position: class 0 now wins in onnx, class 3 in torch
        Tensor onnx = Tensor.ofFloats(torch.shape(), b);
        CheckRequest req = CheckRequest.builder(Path.of("m.pt"), Path.of("m.onnx")).optLastPosition("logits").build();
        InputCase in = new InputCase(0, InputRegime.DISCRETE, List.of(), List.of());
        ParityCheck.CaseRun run = new ParityCheck.CaseRun(in, List.of(torch), List.of(onnx), null, null, 1.0, 1.0, null,
                null);
        List<OutputFinding> f = ParityCheck.compareOutputs(run, List.of(new TensorSpec("logits", DType.FLOAT32,
                new long[] {-1, -1, 4}, new String[] {"batch", "seq", ""})), req);
        assertEquals(List.of("logits", "logits[:, -1]"), f.stream().map(OutputFinding::name).toList());
        OutputFinding last = f.get(1);
        assertArrayEquals(new long[] {2, 4}, last.shapeTorch());
        assertEquals(Verdict.DISCREPANT, last.verdict());
        assertEquals(2, last.classification().rows());
        assertEquals(0.5, last.classification().top1Agreement(), "row 0 agrees, row 1 flips");
        assertEquals(1, last.classification().labelFlips());
        assertNull(f.get(0).classification(), "the [B, S, V] output itself is not read as logits");
    }

    @Test
    void aRankTwoLastPositionOutputIsANoteNotACrash() {
        Tensor t = Tensor.ofFloats(new long[] {2, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        CheckRequest req = CheckRequest.builder(Path.of("m.pt"), Path.of("m.onnx")).optLastPosition("y").build();
        ParityCheck.CaseRun run = new ParityCheck.CaseRun(new InputCase(0, InputRegime.DISCRETE, List.of(), List.of()),
                List.of(t), List.of(t), null, null, 1.0, 1.0, null, null);
        List<TensorSpec> specs = List.of(new TensorSpec("y", DType.FLOAT32, new long[] {2, 4}, new String[] {"", ""}));
        List<CaseResult> judged = ParityCheck.judge(List.of(run), specs, req);
        assertEquals(1, judged.get(0).outputs().size());
        assertEquals(List.of("--last-position y: output y has shape 2x4, not [batch, sequence, classes] in both engines; "
                + "its last position is not judged"), ParityCheck.lastPositionNotes(req, judged));
    }
}
