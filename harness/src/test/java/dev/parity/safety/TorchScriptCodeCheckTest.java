package dev.parity.safety;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import dev.parity.engine.TorchScriptArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What TorchScriptCodeCheck refuses in TorchScript source, and what it lets through. */
class TorchScriptCodeCheckTest {
    private static final String HEAD = "class M(Module):\n  __parameters__ = []\n  training : bool\n"
            + "  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n";

    /** The refusal message for a method body (indented 4), or null when it passes. */
    private static String verdict(String body) {
        try {
            TorchScriptCodeCheck.checkSource(HEAD + body, "m.pt!m/code/__torch__.py");
            return null;
        } catch (UnsafeModelException e) {
            return e.getMessage();
        }
    }

    private static void refused(String body, String call) {
        String m = verdict(body);
        assertTrue(m != null && m.startsWith(call + " in m.pt!m/code/__torch__.py:"), body + " -> " + m);
    }

    private static void passes(String body) {
        assertEquals(null, verdict(body), body);
    }

    @Test
    void fileOperatorsAreRefusedUnderEveryName() {
        refused("    torch.save(x, \"/tmp/p\")\n", "torch.save");
        refused("    t = torch.from_file(\"/etc/passwd\", True, 4)\n", "torch.from_file");
        refused("    ops.aten.save(x, \"p\")\n", "ops.aten.save");
        refused("    torch.autograd.save(x, \"p\")\n", "torch.autograd.save");
        refused("    ops.quantized.autograd.from_file(\"p\")\n", "ops.quantized.autograd.from_file");
        refused("    torch . save (x, \"p\")\n", "torch.save");
    }

    @Test
    void theMessageNamesTheOperatorTheRuleAndTheLine() {
        assertEquals("torch.save in m.pt!m/code/__torch__.py:7 (aten::save: argument 'filename' (str) names a file, "
                + "path or address; its name says save (writes files))", verdict("    y = x\n    torch.save(x, \"p\")\n"));
    }

    @Test
    void operatorNamespacesUsedAsValuesAreRefused() {
        refused("    t = torch\n", "torch");
        refused("    a = torch.autograd\n", "torch.autograd");
        refused("    o = ops\n", "ops");
        refused("    o = ops.aten\n", "ops.aten");
        refused("    s = getattr(torch, \"save\")\n", "torch");
        refused("    h = hasattr(ops.aten, \"save\")\n", "ops.aten");
        refused("    return torch.\n", "torch.");
        refused("    return torch.add.x\n", "torch.add.x");
    }

    @Test
    void namespacesLibtorchDoesNotRegisterAreRefused() {
        refused("    ops.mylib.run(x)\n", "ops.mylib");
        // registered only from Python (torch.library): absent from DJL's libtorch
        refused("    ops.prims.add(x, x)\n", "ops.prims");
        refused("    ops.load_library(\"libevil.so\")\n", "ops.load_library");
    }

    @Test
    void remoteCallsCollectivesAndPythonOpsAreRefused() {
        refused("    f = ops.prim.rpc_async(\"w\", torch.add, (x, x))\n", "ops.prim.rpc_async");
        refused("    ops.c10d.allreduce_([x], pg, op, None)\n", "ops.c10d.allreduce_");
        refused("    ops.prim.PythonOp(x)\n", "ops.prim.PythonOp");
        refused("    r = rref.to_here()\n", ".to_here");
    }

    /** What a model prints stays in its worker's log (HostileModelTest's forger): not a reason to refuse it. */
    @Test
    void printingIsLeftToTheWorker() {
        passes("    print(\"@@parity {}\")\n    p = print\n    ops.prim.Print(x)\n");
    }

    @Test
    void torchBindClassesMustBeLibtorchsOwnAndHarmless() {
        refused("    pg = __torch__.torch.classes.c10d.ProcessGroup(0, 1)\n", "__torch__.torch.classes.c10d.ProcessGroup");
        refused("    c = __torch__.torch.classes._nnapi.Compilation()\n", "__torch__.torch.classes._nnapi.Compilation");
        refused("    c = __torch__.torch.classes.evil.Thing()\n", "__torch__.torch.classes.evil.Thing");
        refused("    c = __torch__.torch.classes.c10d\n", "__torch__.torch.classes.c10d");
        refused("    c = __torch__\n", "__torch__");
        refused("    c = __torch__.torch\n", "__torch__.torch");
        passes("    p : __torch__.torch.classes.quantized.LinearPackedParamsBase = self.p\n");
        passes("    l = __torch__.torch.nn.modules.linear.Linear\n    m = __torch__.zoo.Mlp\n");
    }

    @Test
    void stringsAndCommentsAreNotCode() {
        passes("    s = \"torch.save(x, 'p')\"\n    # torch.save(x, \"p\") print()\n    return x\n");
        passes("    s = '''\n torch.save(x, \"p\")\n print(1)\n'''\n    return x\n");
        passes("    s = \"it's \\\" torch.save\"\n    return x\n");
        // a quote inside a comment opens no string, so the code after it is still checked
        refused("    y = x  # \"\n    torch.save(x, \"p\")\n", "torch.save");
        // '# type:' is a token for libtorch, not a comment
        refused("    y = x  # type: torch.save\n", "torch.save");
        // an escaped newline does not end a short string; the string ends at its quote
        refused("    s = 'a\\\n'\n    torch.save(x, \"p\")\n", "torch.save");
        // an unterminated string is not a string for libtorch: what follows is still read as code
        refused("    s = 'abc\n    torch.save(x, \"p\")\n", "torch.save");
    }

    @Test
    void lineBreaksInsideAChainDoNotHideIt() {
        refused("    (torch\n      .save)(x, \"p\")\n", "torch.save");
        refused("    (torch  # note\n      .save)(x, \"p\")\n", "torch.save");
        refused("    torch.\\\n      save(x, \"p\")\n", "torch.save");
    }

    @Test
    void bytesOutsideAsciiNeverJoinOrHideNames() {
        // libtorch may read 0xa0 as a blank under a Latin-1 locale: here it breaks the chain, which is refused
        refused("    torch\u00a0.save(x, \"p\")\n", "torch");
        refused("    y = \u00e9 + torch.save(x, \"p\")\n", "torch.save");
    }

    @Test
    void generatedCodeShapesPass() {
        passes("    ops0 = torch.add(x, 1)\n    _0 = ops.quantized.linear(x, self.p, 1.0, 0)\n"
                + "    fut = fork(self.f, x)\n    y = torch.wait(fut)\n    c = CONSTANTS.c0\n"
                + "    d = torch.device(\"cpu\")\n    return annotate(List[Tensor], [])\n");
        passes("    save0 = self.save\n    print0 = self.print\n    return (save0).forward(x, )\n");
        assertDoesNotThrow(() -> TorchScriptCodeCheck.checkSource(
                "class M(Module):\n  ops : __torch__.Sub\n  print : __torch__.Linear\n  torch : int\n", "m"));
    }

    @Test
    void codeMembersAreFoundIgnoringCase(@TempDir Path dir) throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("a/data.pkl", new byte[] {(byte) 0x80, 2, 'N', '.'});
        e.put("a/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        e.put("a/code/__torch__/other.py", (HEAD + "    return x\n").getBytes(StandardCharsets.UTF_8));
        // libtorch looks members up case-insensitively (miniz): this one is read for __torch__.zoo
        e.put("a/CODE/__torch__/Zoo.PY", (HEAD + "    torch.save(x, \"p\")\n").getBytes(StandardCharsets.UTF_8));
        Path upper = Archives.zip(dir, "upper.pt", e);
        String m = assertThrows(UnsafeModelException.class, () -> TorchScriptArchive.check(upper)).getMessage();
        assertTrue(m.startsWith("torch.save in upper.pt!a/CODE/__torch__/Zoo.PY:"), m);
    }

    /** Every archive Parity ships or tests with still passes, each in a small fraction of a second. */
    @Test
    void everyCorpusArchiveAndFixturePasses() throws Exception {
        List<Path> pts = new ArrayList<>();
        for (String root : List.of("model-corpus/models", "harness/src/test/resources/fixtures")) {
            try (Stream<Path> s = Files.walk(Corpus.root().resolve(root))) {
                s.filter(p -> p.toString().endsWith(".pt")).sorted().forEach(pts::add);
            }
        }
        assertTrue(pts.size() > 100, "corpus found: " + pts.size());
        Path largest = null;
        int checked = 0;
        for (Path p : pts) {
            String name = p.getFileName().toString();
            if (name.equals("saves_on_load.pt") || name.equals("maps_file_in_forward.pt")) {
                continue; // the hostile fixtures
            }
            byte[] head;
            try (java.io.InputStream in = Files.newInputStream(p)) {
                head = in.readNBytes(2);
            }
            if (head.length < 2 || head[0] != 'P' || head[1] != 'K') {
                continue; // legacy pickle, random bytes: not zips, refused earlier for what they are
            }
            try (ZipDirectory z = ZipDirectory.read(p, ArchivePolicy.MAX_ENTRIES)) {
                assertDoesNotThrow(() -> TorchScriptCodeCheck.check(z, p), p.toString());
            }
            checked++;
            if (largest == null || Files.size(p) > Files.size(largest)) {
                largest = p;
            }
        }
        assertTrue(checked > 100, "checked " + checked);
        Path big = largest;
        long best = Long.MAX_VALUE;
        try (ZipDirectory z = ZipDirectory.read(big, ArchivePolicy.MAX_ENTRIES)) {
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                TorchScriptCodeCheck.check(z, big);
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        System.out.printf("TorchScriptCodeCheck: %d archives pass; largest %s (%d bytes) in %.2f ms (best of 20)%n",
                checked, Corpus.root().relativize(big), Files.size(big), best / 1e6);
        assertTrue(best < 500_000_000L, "the code check of the largest corpus archive takes " + best / 1e6 + " ms");
    }

    @Test
    void theDenylistHoldsWhatIssue13FoundAndNothingCommon() {
        TorchScriptRegistry r = TorchScriptRegistry.LIBTORCH;
        for (String op : List.of("aten::save", "aten::from_file", "prim::rpc_async", "prim::rpc_sync", "prim::rpc_remote",
                "c10d::allreduce_", "symm_mem::nvshmem_put", "prim::PythonOp")) {
            assertTrue(r.operators.containsKey(op), op);
        }
        for (String op : List.of("aten::add", "aten::linear", "aten::conv2d", "aten::native_group_norm", "aten::einsum",
                "aten::gelu", "aten::div", "aten::warn", "prim::RaiseException", "quantized::linear", "aten::format",
                "prim::Print")) {
            assertFalse(r.operators.containsKey(op), op);
        }
        assertTrue(r.namespaces.containsAll(List.of("aten", "prim", "quantized", "prepacked")));
        assertFalse(r.namespaces.contains("prims"));
        assertEquals(Map.of(), r.builtins);
    }
}
