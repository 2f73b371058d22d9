package dev.parity.safety;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import dev.parity.cli.CheckCommandTest;
import dev.parity.cli.ExitCodes;
import dev.parity.engine.TorchScriptEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TorchScript archives whose code writes files (issue 13) are refused before libtorch loads them:
 * the marker file they write is never created. Each archive is also loaded straight into libtorch
 * (2.7.1, no checks) to show that it does write the marker there, so each refusal is of a real attack.
 */
class HostileTorchScriptTest {
    private static UnsafeModelException refusedByTheEngine(Path p) {
        return assertThrows(UnsafeModelException.class, () -> TorchScriptEngine.load(p, TorchScriptEngine.Options.defaults()));
    }

    @Test
    void torchSaveInSetstateIsRefusedBeforeLoadingWritesAFile(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Path p = HostileCode.aimedAt("saves_on_load.pt", marker, dir.resolve("saves_on_load.pt"));
        String m = refusedByTheEngine(p).getMessage();
        assertEquals("torch.save in saves_on_load.pt!saves_on_load/code/__torch__.py:22 (aten::save: argument "
                + "'filename' (str) names a file, path or address; its name says save (writes files))", m);
        assertFalse(Files.exists(marker), "refused before libtorch ran __setstate__");

        HostileCode.loadUnchecked(p, false);
        assertTrue(Files.exists(marker), "libtorch runs __setstate__ while loading: the attack is real");
    }

    @Test
    void fromFileInForwardIsRefusedBeforeItOverwritesAFile(@TempDir Path dir) throws Exception {
        Path marker = Files.write(dir.resolve("marker"), new byte[4]);
        Path p = HostileCode.aimedAt("maps_file_in_forward.pt", marker, dir.resolve("maps.pt"));
        String m = refusedByTheEngine(p).getMessage();
        assertTrue(m.startsWith("torch.from_file in maps.pt!maps_file_in_forward/code/__torch__.py:"), m);
        assertArrayEquals(new byte[4], Files.readAllBytes(marker));

        HostileCode.loadUnchecked(p, true);
        assertArrayEquals(new byte[] {7, 7, 7, 7}, Files.readAllBytes(marker), "forward maps and fills the file");
    }

    static Stream<Arguments> aliases() {
        return Stream.of(
                Arguments.of("ops.aten.save(w, _0)\n", "ops.aten.save"),
                Arguments.of("torch.autograd.save(w, _0)\n", "torch.autograd.save"),
                Arguments.of("ops.prim.autograd.save(w, _0)\n", "ops.prim.autograd.save"),
                Arguments.of("t = torch\n    t.save(w, _0)\n", "torch"),
                Arguments.of("o = ops.aten\n    o.save(w, _0)\n", "ops.aten"),
                Arguments.of("s = getattr(torch, \"sa\" \"ve\")\n    s(w, _0)\n", "torch"),
                Arguments.of("f = torch.save\n    f(w, _0)\n", "torch.save"),
                Arguments.of("fut = fork(torch.save, w, _0)\n    torch.wait(fut)\n", "torch.save"),
                Arguments.of("(torch  # a comment\n      .save)(w, _0)\n", "torch.save"),
                Arguments.of("torch.\\\n      save(w, _0)\n", "torch.save"),
                Arguments.of("_1 = 'a\\\n'\n    torch.save(w, _0)\n", "torch.save"),
                Arguments.of("_1 = \"\"\"\"#\"\"\" # \"\n    torch.save(w, _0)\n", "torch.save"));
    }

    /** Aliases, builtins and lexical tricks that reach aten::save in libtorch are refused all the same. */
    @ParameterizedTest
    @MethodSource("aliases")
    void everySpellingOfTorchSaveIsRefused(String statements, String call, @TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Path p = HostileCode.setstateVariant("    " + statements, marker, dir.resolve("variant.pt"));
        String m = refusedByTheEngine(p).getMessage();
        assertTrue(m.startsWith(call + " in variant.pt!saves_on_load/code/__torch__.py:"), m);
        assertFalse(Files.exists(marker));

        HostileCode.loadUnchecked(p, false);
        assertTrue(Files.exists(marker), "libtorch 2.7.1 compiles and runs: " + statements);
    }

    static Stream<String> notCode() {
        return Stream.of(
                "    _1 = \"torch.save(w, _0)\"\n",
                "    # torch.save(w, _0)\n",
                "    _1 = \"# \\\" torch.save(w, _0)\"\n",
                "    _1 = '''\n    torch.save(w, _0)\n'''\n",
                "    _1 = \"\"\"x\"\" \"\n    torch.save(w, _0) \"\"\"\n");
    }

    /** Where the lexer says "string" or "comment", libtorch 2.7.1 agrees: the text does not run. */
    @ParameterizedTest
    @MethodSource("notCode")
    void textInStringsAndCommentsPassesAndDoesNotRun(String statements, @TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Path p = HostileCode.setstateVariant(statements, marker, dir.resolve("text.pt"));
        dev.parity.engine.TorchScriptArchive.check(p);
        HostileCode.loadUnchecked(p, false);
        assertFalse(Files.exists(marker), statements);
    }

    /** The builtin probe ran on torch 2.13's importer; libtorch 2.7.1 cannot name these either. */
    @Test
    void fileAndProcessBuiltinsDoNotExistInLibtorchsTorchScript(@TempDir Path dir) throws Exception {
        for (String name : java.util.List.of("open", "exec", "eval", "compile", "__import__", "__builtins__", "os",
                "subprocess")) {
            Path p = HostileCode.setstateVariant("    _1 = " + name + "\n", dir.resolve("m"), dir.resolve(name + ".pt"));
            Exception e = assertThrows(Exception.class, () -> HostileCode.loadUnchecked(p, false), name);
            assertTrue(String.valueOf(e.getMessage()).contains("undefined value " + name), name + ": " + e.getMessage());
        }
    }

    @Test
    void cliExitsFiveAndNamesTheCallAndTheMember(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Path p = HostileCode.aimedAt("saves_on_load.pt", marker, dir.resolve("evil.pt"));
        CheckCommandTest.Run r = CheckCommandTest.check(p, Corpus.export("mlp"));
        assertEquals(ExitCodes.UNSAFE_MODEL, r.code(), r.err());
        assertTrue(r.err().startsWith("parity: refused: torch.save in evil.pt!saves_on_load/code/__torch__.py:22 ("),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(marker));
    }
}
