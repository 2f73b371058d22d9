package dev.parity.inputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.errors.BadInputException;
import dev.parity.check.Corpus;
import dev.parity.engine.TensorSpec;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CasePlannerTest {
    private static final TensorSpec DYN = new TensorSpec("x", DType.FLOAT32, new long[] {-1, 3}, new String[] {"batch", ""});
    private static final TensorSpec IDS = new TensorSpec("ids", DType.INT64, new long[] {-1, -1},
            new String[] {"batch", "seq"});
    private static final TensorSpec STATIC = new TensorSpec("x", DType.FLOAT32, new long[] {2, 16}, new String[] {"", ""});

    @Test
    void everySymbolicDimIsExercisedAtTwoSizes() throws Exception {
        List<InputCase> cases = CasePlanner.plan(List.of(DYN), List.of(), List.of(1L, 3L), 0);
        assertEquals(8, cases.size());
        Set<Long> batches = cases.stream().map(c -> c.tensors().get(0).shape()[0]).collect(Collectors.toSet());
        assertEquals(Set.of(1L, 3L), batches);
    }

    @Test
    void staticModelsGetOneCasePerRegime() throws Exception {
        List<InputCase> cases = CasePlanner.plan(List.of(STATIC), List.of(), List.of(1L, 3L), 0);
        assertEquals(List.of(InputRegime.NORMAL, InputRegime.LARGE, InputRegime.SMALL, InputRegime.UNIFORM),
                cases.stream().map(InputCase::regime).collect(Collectors.toList()));
    }

    @Test
    void integerOnlyModelsGetOneDiscreteRegime() throws Exception {
        List<InputCase> cases = CasePlanner.plan(List.of(IDS), List.of(), List.of(2L, 5L), 0);
        assertEquals(2, cases.size());
        assertEquals(InputRegime.DISCRETE, cases.get(0).regime());
        assertArrayEquals(new long[] {5, 5}, cases.get(1).tensors().get(0).shape());
    }

    @Test
    void sharedSymbolFixedByOneOverrideAppliesToTheOtherInput() throws Exception {
        List<InputCase> cases = CasePlanner.plan(List.of(DYN, IDS), List.of(InputOverride.parse("x:float32:4x3")),
                List.of(1L, 3L), 0);
        for (InputCase c : cases) {
            assertEquals(4, c.tensors().get(1).shape()[0], "batch follows the override");
        }
        Set<Long> seq = cases.stream().map(c -> c.tensors().get(1).shape()[1]).collect(Collectors.toSet());
        assertEquals(Set.of(1L, 3L), seq, "seq is still free");
    }

    @Test
    void bothEnginesGetTheSameTensorsBecauseCasesArePlannedOnce() throws Exception {
        List<InputCase> a = CasePlanner.plan(List.of(DYN), List.of(), List.of(1L, 3L), 9);
        List<InputCase> b = CasePlanner.plan(List.of(DYN), List.of(), List.of(1L, 3L), 9);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).tensors().get(0).floats(), b.get(i).tensors().get(0).floats());
        }
    }

    @Test
    void unknownInputNameListsTheValidNames() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> CasePlanner.plan(List.of(STATIC), List.of(InputOverride.parse("y:float32:2x16")), List.of(), 0));
        assertEquals("--input names unknown input 'y', expected one of [x]", e.getMessage());
    }

    @Test
    void typeRankAndStaticDimConflictsAreRefused() {
        assertThrows(BadInputException.class,
                () -> CasePlanner.plan(List.of(STATIC), List.of(InputOverride.parse("x:int64:2x16")), List.of(), 0));
        BadInputException rank = assertThrows(BadInputException.class,
                () -> CasePlanner.plan(List.of(STATIC), List.of(InputOverride.parse("x:float32:32")), List.of(), 0));
        assertTrue(rank.getMessage().contains("rank 1"), rank.getMessage());
        BadInputException dim = assertThrows(BadInputException.class,
                () -> CasePlanner.plan(List.of(STATIC), List.of(InputOverride.parse("x:float32:3x16")), List.of(), 0));
        assertTrue(dim.getMessage().contains("fixes it at 2"), dim.getMessage());
    }

    @Test
    void realInputsFromAnNpzBecomeOneDataCase() throws Exception {
        TensorSpec ids = new TensorSpec("ids", DType.INT64, new long[] {2, 7}, new String[] {"", ""});
        TensorSpec mask = new TensorSpec("mask", DType.FLOAT32, new long[] {2, 7}, new String[] {"", ""});
        InputCase c = CasePlanner.fromFile(List.of(ids, mask), Corpus.fixture("token_inputs.npz"));
        assertEquals(InputRegime.DATA, c.regime());
        assertEquals(List.of("ids", "mask"), c.names());
        assertEquals(0f, c.tensors().get(1).floats()[13], "mask[1, 6] is zero in the fixture");
    }

    @Test
    void npzMissingAnInputIsRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("only_ids.npz");
        Npy.writeNpz(java.util.Map.of("ids", Tensor.ofLongs(new long[] {2, 7}, new long[14])), f);
        TensorSpec ids = new TensorSpec("ids", DType.INT64, new long[] {2, 7}, new String[] {"", ""});
        TensorSpec mask = new TensorSpec("mask", DType.FLOAT32, new long[] {2, 7}, new String[] {"", ""});
        BadInputException e = assertThrows(BadInputException.class, () -> CasePlanner.fromFile(List.of(ids, mask), f));
        assertTrue(e.getMessage().contains("no array for input 'mask'"), e.getMessage());
    }

    @Test
    void symbolicSizesAreBoundedBeforeAnythingIsGenerated() {
        String m = assertThrows(BadInputException.class,
                () -> CasePlanner.plan(List.of(DYN), List.of(), List.of(2_000_000_000L), 0)).getMessage();
        assertTrue(m.contains("--symbolic-sizes must be in 1..65536"), m);
    }

    @Test
    void generatedInputsAreBoundedInTotalElements() {
        // 65536 x 65536 is within the per-dim bound but 2^32 elements: refused, naming the input and shape
        String m = assertThrows(BadInputException.class, () -> CasePlanner.plan(List.of(IDS), List.of(),
                List.of(65_536L), 0)).getMessage();
        assertTrue(m.contains("input 'ids' would be generated at 65536x65536") && m.contains("--inputs"), m);
        String huge = assertThrows(BadInputException.class, () -> CasePlanner.plan(List.of(DYN),
                List.of(InputOverride.parse("x:float32:9223372036854775807x3")), List.of(1L), 0)).getMessage();
        assertTrue(huge.contains("more than 2^63"), huge);
    }
}
