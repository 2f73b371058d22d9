package dev.parity.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What an archive's pickled module state and code say, on committed archives of both torch generations. */
class ReferenceTraitsTest {
    private static List<String> training(ReferenceTraits t) {
        return t.trainingModules().stream().map(ModuleTree.Module::describe).collect(Collectors.toList());
    }

    @Test
    void anArchiveSavedInTrainingModeNamesEveryModuleByPath() throws Exception {
        ReferenceTraits t = ReferenceTraits.read(Corpus.fixture("dropout_train_scripted.pt"));
        assertEquals(List.of("root (DropoutHead)", "net (Sequential)", "net.0 (Linear)", "net.1 (Dropout)"), training(t));
        String w = t.trainingWarning("m.pt");
        assertTrue(w.startsWith("m.pt was saved in training mode (training = True on 4 modules: net.1 (Dropout), "
                + "root (DropoutHead), net (Sequential) and 1 more)"), w);
    }

    @Test
    void anEvalModeArchiveIsNotFlagged() throws Exception {
        for (java.nio.file.Path p : List.of(Corpus.fixture("dropout_eval.pt"), Corpus.reference("mlp"),
                Corpus.reference("transformer_encoder"))) {
            ReferenceTraits t = ReferenceTraits.read(p);
            assertEquals(List.of(), t.trainingModules(), p.toString());
            assertNull(t.trainingWarning("m.pt"));
            assertEquals(List.of(), t.randomOps(), p.toString());
        }
    }

    @Test
    void aTorch113ArchiveSavedInTrainingModeIsRead() throws Exception {
        // Written by torch 1.13: child modules refer to the 'training' key through the pickle memo.
        ReferenceTraits t = ReferenceTraits.read(Corpus.reference("bn_train_mode"));
        assertEquals(List.of("root (BatchNormTrainMode)", "conv (Conv2d)", "bn (BatchNorm2d)"), training(t));
    }

    @Test
    void dropoutTracedInTrainingModeIsARandomOpButScriptedDropoutIsNot() throws Exception {
        assertEquals(List.of("dropout(train=True)"), ReferenceTraits.read(Corpus.fixture("dropout_train_traced.pt")).randomOps());
        // scripted code passes self.training, which libtorch sets false on load here
        assertEquals(List.of(), ReferenceTraits.read(Corpus.fixture("dropout_train_scripted.pt")).randomOps());
        assertEquals(List.of(), ReferenceTraits.read(Corpus.fixture("dropout_eval.pt")).randomOps());
    }

    @Test
    void randomOpsAreFoundByNameAndTrainingArgument() {
        String code = "  _0 = torch.randn([2, 3], dtype=6)\n"
                + "  _1 = torch.dropout(torch.relu(x), 0.5, True)\n"
                + "  _2 = torch.feature_dropout(x, 0.5, False)\n"
                + "  _3 = torch.rrelu(x, 0.125, 0.33, training)\n"
                + "  _4 = torch.randomize(x)\n";
        assertEquals(List.of("randn", "dropout(train=True)"), ReferenceTraits.randomOps(code));
    }

    @Test
    void theLikelyCauseNamesWhatTheArchiveHolds() throws Exception {
        String traced = ReferenceTraits.read(Corpus.fixture("dropout_train_traced.pt")).likelyCause();
        assertTrue(traced.startsWith("random ops in its code: dropout(train=True); modules saved in training mode: "
                + "net.1 (Dropout)") && traced.endsWith("(dropout left active: trace and save after model.eval())"), traced);
        String none = new ReferenceTraits(List.of(), List.of()).likelyCause();
        assertTrue(none.contains("nondeterministic kernel"), none);
    }
}
