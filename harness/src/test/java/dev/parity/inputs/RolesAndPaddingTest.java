package dev.parity.inputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.engine.TensorSpec;
import dev.parity.errors.BadInputException;
import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Generated values of inputs with roles, padding patterns as a case dimension, and per-symbol size sweeps. */
class RolesAndPaddingTest {
    private static final String[] BS = {"batch", "seq"};
    private static final TensorSpec IDS = new TensorSpec("input_ids", DType.INT64, new long[] {-1, -1}, BS);
    private static final TensorSpec MASK = new TensorSpec("attention_mask", DType.INT64, new long[] {-1, -1}, BS);
    private static final TensorSpec TYPES = new TensorSpec("token_type_ids", DType.INT64, new long[] {-1, -1}, BS);
    private static final TensorSpec FMASK = new TensorSpec("mask", DType.FLOAT32, new long[] {-1, -1}, BS);
    private static final List<TensorSpec> BERT = List.of(IDS, MASK, TYPES);
    private static final List<RoleAssignment> BERT_ROLES = List.of(
            RoleAssignment.inferred("input_ids", InputRole.tokenIds(1000), "Gather on initializer 'w' [1000, 8]"),
            RoleAssignment.inferred("attention_mask", InputRole.attentionMask(), "named 'attention_mask'"),
            RoleAssignment.inferred("token_type_ids", InputRole.tokenTypeIds(2), "Gather on initializer 't' [2, 8]"));

    private static List<InputCase> bert(List<Long> sizes, Map<String, List<Long>> perSymbol, long seed) throws Exception {
        return CasePlanner.plan(BERT, List.of(), BERT_ROLES, sizes, perSymbol, seed);
    }

    private static long at(Tensor t, int row, int pos) {
        return (long) t.getDouble((int) (row * t.shape()[1] + pos));
    }

    /** The number of leading ones of a mask row; asserts the rest are zeros (padding only at the end). */
    private static int trailingPaddedLength(Tensor mask, int row) {
        int len = 0;
        int cols = (int) mask.shape()[1];
        while (len < cols && at(mask, row, len) == 1) {
            len++;
        }
        for (int p = len; p < cols; p++) {
            assertEquals(0, at(mask, row, p), "row " + row + ": a one after the padding began, at " + p);
        }
        return len;
    }

    /** Hand-written: positions count along each row, padded positions included, capped below the table size. */
    @Test
    void positionIdsCountAlongEveryRowAndStayInsideTheirTable() {
        Tensor t = InputGenerator.generate(3, 2, new ConcreteInput("position_ids", DType.INT64, new long[] {2, 5}, null, null),
                InputRole.positionIds(4), PaddingPattern.PADDED_ROW);
        assertArrayEquals(new long[] {0, 1, 2, 3, 3, 0, 1, 2, 3, 3}, t.longs());
    }

    @Test
    void aZeroConfigTextModelGetsBatchTimesSequenceTimesThreePaddingPatterns() throws Exception {
        List<InputCase> cases = bert(List.of(), Map.of(), 0);
        assertEquals(18, cases.size());
        Set<String> shapes = cases.stream().map(c -> Tensor.shapeText(c.tensors().get(0).shape())).collect(Collectors.toSet());
        assertEquals(Set.of("1x1", "1x8", "1x32", "3x1", "3x8", "3x32"), shapes);
        Map<PaddingPattern, Long> perPattern = cases.stream()
                .collect(Collectors.groupingBy(InputCase::padding, Collectors.counting()));
        assertEquals(Map.of(PaddingPattern.NO_PADDING, 6L, PaddingPattern.TRAILING_PADDING, 6L, PaddingPattern.PADDED_ROW,
                6L), perPattern);
        cases.forEach(c -> assertEquals(InputRegime.DISCRETE, c.regime()));
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(i, cases.get(i).index());
        }
    }

    @Test
    void noPaddingMasksAreAllOnes() throws Exception {
        for (InputCase c : bert(List.of(), Map.of(), 0)) {
            if (c.padding() == PaddingPattern.NO_PADDING) {
                for (long v : c.tensors().get(1).longs()) {
                    assertEquals(1, v);
                }
            }
        }
    }

    @Test
    void trailingPaddingKeepsRowZeroFullAndPadsOnlyAtTheEndOfOtherRows() throws Exception {
        boolean someRowShorter = false;
        for (InputCase c : bert(List.of(), Map.of(), 0)) {
            if (c.padding() != PaddingPattern.TRAILING_PADDING) {
                continue;
            }
            Tensor mask = c.tensors().get(1);
            int rows = (int) mask.shape()[0];
            int cols = (int) mask.shape()[1];
            assertEquals(cols, trailingPaddedLength(mask, 0), "row 0 is full length");
            for (int r = 1; r < rows; r++) {
                int len = trailingPaddedLength(mask, r);
                assertTrue(len >= 1 && len <= cols, "row " + r + " length " + len + " in [1, " + cols + "]");
                someRowShorter |= len < cols;
            }
        }
        assertTrue(someRowShorter, "at sequence length 32 some row is padded");
    }

    @Test
    void aPaddedRowIsEntirelyZeroAndAtBatchOneItIsTheOnlyRow() throws Exception {
        for (InputCase c : bert(List.of(), Map.of(), 0)) {
            if (c.padding() != PaddingPattern.PADDED_ROW) {
                continue;
            }
            Tensor mask = c.tensors().get(1);
            int rows = (int) mask.shape()[0];
            int cols = (int) mask.shape()[1];
            assertEquals(0, trailingPaddedLength(mask, rows - 1), "the last row is all padding");
            int allZero = 0;
            for (int r = 0; r < rows; r++) {
                allZero += trailingPaddedLength(mask, r) == 0 ? 1 : 0;
            }
            assertEquals(1, allZero, "exactly one fully padded row");
            if (rows > 1) {
                assertEquals(cols, trailingPaddedLength(mask, 0), "row 0 stays full length");
            }
        }
    }

    @Test
    void idsAreThePadIdZeroWherePaddedAndInTheVocabularyElsewhere() throws Exception {
        boolean nonZeroIds = false;
        for (InputCase c : bert(List.of(), Map.of(), 0)) {
            Tensor ids = c.tensors().get(0);
            Tensor mask = c.tensors().get(1);
            Tensor types = c.tensors().get(2);
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.longs()[i];
                assertTrue(id >= 0 && id < 1000, "id " + id);
                if (mask.longs()[i] == 0) {
                    assertEquals(0, id, "pad id at a padded position");
                    assertEquals(0, types.longs()[i], "token type 0 at a padded position");
                } else {
                    nonZeroIds |= id != 0;
                }
            }
        }
        assertTrue(nonZeroIds);
    }

    @Test
    void tokenTypesAreZeroThenOneWithinEachRow() throws Exception {
        boolean sawOne = false;
        for (InputCase c : bert(List.of(), Map.of(), 0)) {
            Tensor types = c.tensors().get(2);
            Tensor mask = c.tensors().get(1);
            for (int r = 0; r < types.shape()[0]; r++) {
                boolean one = false;
                for (int p = 0; p < types.shape()[1]; p++) {
                    long v = at(types, r, p);
                    assertTrue(v == 0 || v == 1, "type " + v);
                    if (at(mask, r, p) == 1) {
                        assertFalse(one && v == 0, "a 0 after a 1 inside the real positions of row " + r);
                        one |= v == 1;
                    }
                }
                sawOne |= one;
            }
        }
        assertTrue(sawOne);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedOtherPaddings() throws Exception {
        List<InputCase> a = bert(List.of(), Map.of(), 7);
        List<InputCase> b = bert(List.of(), Map.of(), 7);
        List<InputCase> c = bert(List.of(), Map.of(), 8);
        boolean differs = false;
        for (int i = 0; i < a.size(); i++) {
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(a.get(i).tensors().get(k).longs(), b.get(i).tensors().get(k).longs());
                differs |= !java.util.Arrays.equals(a.get(i).tensors().get(1).longs(), c.get(i).tensors().get(1).longs());
            }
        }
        assertTrue(differs, "another seed pads other lengths");
    }

    @Test
    void theRowLengthsOfOneCaseAreSharedByIdsMaskAndTypes() {
        long l1 = InputGenerator.validLength(PaddingPattern.TRAILING_PADDING, 3, 5, 1, 3, 32);
        assertEquals(l1, InputGenerator.validLength(PaddingPattern.TRAILING_PADDING, 3, 5, 1, 3, 32));
        assertEquals(32, InputGenerator.validLength(PaddingPattern.TRAILING_PADDING, 3, 5, 0, 3, 32));
        assertEquals(0, InputGenerator.validLength(PaddingPattern.PADDED_ROW, 3, 5, 0, 1, 32));
        assertEquals(32, InputGenerator.validLength(PaddingPattern.NO_PADDING, 3, 5, 2, 3, 32));
    }

    @Test
    void aFloatMaskIsZerosAndOnesAndAddsNoValueRegimes() throws Exception {
        TensorSpec ids = new TensorSpec("ids", DType.INT64, new long[] {2, 7}, new String[] {"", ""});
        TensorSpec mask = new TensorSpec("mask", DType.FLOAT32, new long[] {2, 7}, new String[] {"", ""});
        List<InputCase> cases = CasePlanner.plan(List.of(ids, mask), List.of(), List.of(
                RoleAssignment.inferred("ids", InputRole.tokenIds(50), "e"),
                RoleAssignment.inferred("mask", InputRole.attentionMask(), "named 'mask'")), List.of(), Map.of(), 0);
        assertEquals(3, cases.size(), "static shapes: one case per padding pattern");
        for (InputCase c : cases) {
            assertEquals(InputRegime.DISCRETE, c.regime());
            for (float v : c.tensors().get(1).floats()) {
                assertTrue(v == 0f || v == 1f, "mask value " + v);
            }
        }
    }

    @Test
    void boolAndInt32MasksHoldZerosAndOnes() {
        for (DType t : new DType[] {DType.BOOL, DType.INT32, DType.FLOAT64}) {
            Tensor m = InputGenerator.generate(0, 0, new ConcreteInput("m", t, new long[] {3, 5}, null, null),
                    InputRole.attentionMask(), PaddingPattern.PADDED_ROW);
            assertEquals(t, m.dtype());
            double[] v = m.toDoubleArray();
            for (int p = 0; p < 5; p++) {
                assertEquals(1.0, v[p], "row 0 full");
                assertEquals(0.0, v[10 + p], "row 2 all padding");
            }
        }
    }

    @Test
    void idsWithoutAMaskHaveNoPaddingDimension() throws Exception {
        List<InputCase> cases = CasePlanner.plan(List.of(IDS), List.of(),
                List.of(RoleAssignment.inferred("input_ids", InputRole.tokenIds(30), "e")), List.of(), Map.of(), 0);
        assertEquals(6, cases.size(), "batch {1,3} x seq {1,8,32}");
        cases.forEach(c -> assertNull(c.padding()));
        for (InputCase c : cases) {
            for (long v : c.tensors().get(0).longs()) {
                assertTrue(v >= 0 && v < 30);
            }
        }
    }

    @Test
    void aModelWithoutRolesKeepsItsCasesExactly() throws Exception {
        TensorSpec x = new TensorSpec("x", DType.FLOAT32, new long[] {-1, 4}, new String[] {"batch", ""});
        List<InputCase> old = CasePlanner.plan(List.of(x, IDS), List.of(), List.of(1L, 3L), 0);
        List<InputCase> now = CasePlanner.plan(List.of(x, IDS), List.of(), List.of(), List.of(), Map.of(), 0);
        assertEquals(8, now.size());
        for (int i = 0; i < old.size(); i++) {
            assertArrayEquals(old.get(i).tensors().get(0).floats(), now.get(i).tensors().get(0).floats());
            assertArrayEquals(old.get(i).tensors().get(1).longs(), now.get(i).tensors().get(1).longs());
            assertNull(now.get(i).padding());
        }
    }

    @Test
    void givenPlainSizesApplyToTheSequenceToo() throws Exception {
        List<InputCase> cases = bert(List.of(2L), Map.of(), 0);
        assertEquals(3, cases.size(), "one size variant x 3 padding patterns");
        assertArrayEquals(new long[] {2, 2}, cases.get(0).tensors().get(0).shape());
    }

    @Test
    void perSymbolSizesMakeTheProductWithTheOtherSymbolsAtTheDefault() throws Exception {
        TensorSpec x = new TensorSpec("x", DType.FLOAT32, new long[] {-1, -1}, BS);
        List<InputCase> cases = CasePlanner.plan(List.of(x), List.of(), List.of(), List.of(),
                Map.of("seq", List.of(4L, 16L)), 0);
        List<String> shapes = new ArrayList<>();
        for (int i = 0; i < cases.size(); i += 4) {
            shapes.add(Tensor.shapeText(cases.get(i).tensors().get(0).shape()));
        }
        assertEquals(List.of("1x4", "1x16", "3x4", "3x16"), shapes, "batch {1,3} x seq {4,16}, batch slowest");
        assertEquals(16, cases.size(), "4 size variants x 4 regimes");
    }

    @Test
    void perSymbolSizesOverrideTheSequenceDefaultOfTextModels() throws Exception {
        List<InputCase> cases = bert(List.of(), Map.of("seq", List.of(5L), "batch", List.of(2L)), 0);
        assertEquals(3, cases.size());
        assertArrayEquals(new long[] {2, 5}, cases.get(0).tensors().get(0).shape());
    }

    @Test
    void moreThanSixtyFourSizeVariantsAreRefusedNamingTheFlag() {
        Map<String, List<Long>> big = new LinkedHashMap<>();
        big.put("batch", List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L));
        big.put("seq", List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L));
        BadInputException e = assertThrows(BadInputException.class, () -> bert(List.of(), big, 0));
        assertTrue(e.getMessage().startsWith("--symbolic-sizes: 72 size variants (batch [1, 2, 3, 4, 5, 6, 7, 8, 9] x seq"),
                e.getMessage());
        assertTrue(e.getMessage().contains("exceed 64"), e.getMessage());
    }

    @Test
    void aSizeForAnUnknownSymbolIsRefusedWithTheModelsSymbols() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> bert(List.of(), Map.of("sequence", List.of(4L)), 0));
        assertTrue(e.getMessage().contains("'sequence', which is no symbolic dim") && e.getMessage().contains("[batch, seq]"),
                e.getMessage());
    }

    @Test
    void aGivenRoleWinsOverTheInferredOneAndNoneRemovesIt() throws Exception {
        List<RoleAssignment> roles = new ArrayList<>(BERT_ROLES);
        roles.add(0, new RoleAssignment("input_ids", InputRole.tokenIds(5), RoleAssignment.Origin.FLAG, null));
        roles.add(new RoleAssignment("token_type_ids", InputRole.none(), RoleAssignment.Origin.FLAG, null));
        List<InputCase> cases = CasePlanner.plan(BERT, List.of(), roles, List.of(2L), Map.of(), 0);
        InputCase c = cases.get(0);
        assertEquals("token-ids [0, 5) --role", c.roleText("input_ids"));
        assertNull(c.roleText("token_type_ids"));
        for (long v : c.tensors().get(0).longs()) {
            assertTrue(v >= 0 && v < 5);
        }
    }

    @Test
    void aGivenRoleAndAnInputRangeOnOneInputAreRefused() {
        List<RoleAssignment> roles = List.of(new RoleAssignment("input_ids", InputRole.tokenIds(5),
                RoleAssignment.Origin.FLAG, null));
        BadInputException e = assertThrows(BadInputException.class, () -> CasePlanner.plan(BERT,
                List.of(InputOverride.range("input_ids", DType.INT64, 0, 9)), roles, List.of(), Map.of(), 0));
        assertTrue(e.getMessage().contains("both set its values"), e.getMessage());
    }

    @Test
    void tokenIdsOnAFloatInputAreRefused() {
        List<RoleAssignment> roles = List.of(new RoleAssignment("mask", InputRole.tokenIds(5),
                RoleAssignment.Origin.FLAG, null));
        BadInputException e = assertThrows(BadInputException.class, () -> CasePlanner.plan(List.of(FMASK), List.of(),
                roles, List.of(), Map.of(), 0));
        assertTrue(e.getMessage().contains("need an integer input"), e.getMessage());
    }

    @Test
    void anInferredVocabularyLargerThanTheInputTypeIsCappedToIt() throws Exception {
        TensorSpec small = new TensorSpec("ids", DType.UINT8, new long[] {2, 64}, new String[] {"", ""});
        List<InputCase> cases = CasePlanner.plan(List.of(small), List.of(), List.of(RoleAssignment.inferred("ids",
                InputRole.tokenIds(1000), "Gather on initializer 'w' [1000, 8]")), List.of(), Map.of(), 0);
        assertEquals("token-ids [0, 256) inferred: Gather on initializer 'w' [1000, 8]; capped at uint8's 256",
                cases.get(0).roleText("ids"));
        boolean high = false;
        for (byte v : cases.get(0).tensors().get(0).bytes()) {
            high |= (v & 0xff) >= 128;
        }
        assertTrue(high, "values up to 255, not wrapped");
    }

    @Test
    void roleTextsParse() {
        assertEquals(InputRole.tokenIds(30522), InputRole.parse("token-ids:30522"));
        assertEquals(InputRole.tokenTypeIds(2), InputRole.parse("token-type-ids:2"));
        assertEquals(InputRole.attentionMask(), InputRole.parse("attention-mask"));
        assertEquals(InputRole.none(), InputRole.parse("none"));
        for (String bad : new String[] {"token-ids", "attention-mask:3", "ids:5", "token-ids:0", "token-ids:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InputRole.parse(bad), bad);
            assertTrue(e.getMessage().contains("expected token-ids:V"), e.getMessage());
        }
    }
}
