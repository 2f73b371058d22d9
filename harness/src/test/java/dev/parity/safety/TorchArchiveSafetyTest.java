package dev.parity.safety;

import static dev.parity.safety.Archives.pickle;
import static dev.parity.safety.Archives.str;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import dev.parity.cli.CheckCommandTest;
import dev.parity.cli.ExitCodes;
import dev.parity.engine.TorchScriptArchive;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malicious .pt files are refused before libtorch sees them, naming what was refused. */
class TorchArchiveSafetyTest {
    private static String refused(Path p) {
        return assertThrows(UnsafeModelException.class, () -> TorchScriptArchive.check(p)).getMessage();
    }

    @Test
    void everyCorpusReferencePasses() throws Exception {
        try (Stream<Path> s = Files.walk(Corpus.root().resolve("model-corpus/models"))) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".pt"))::iterator) {
                assertDoesNotThrow(() -> TorchScriptArchive.check(p), p.toString());
            }
        }
    }

    @Test
    void globalOsSystemIsRefusedByName(@TempDir Path dir) throws Exception {
        Path p = Archives.torchScriptLike(dir, "evil.pt", pickle("cposix\nsystem\n", str("touch /tmp/pwned"), 0x85, "R"));
        String m = refused(p);
        assertTrue(m.contains("imports posix.system"), m);
    }

    @Test
    void stackGlobalBuiltinsEvalIsRefusedByName(@TempDir Path dir) throws Exception {
        Path p = Archives.torchScriptLike(dir, "eval.pt", pickle(str("builtins"), str("eval"), 0x93, str("1+1"), 0x85, "R"));
        assertTrue(refused(p).contains("imports builtins.eval"));
    }

    @Test
    void memoizedStackGlobalOperandsAreStillResolved(@TempDir Path dir) throws Exception {
        // put "os" and "system" in the memo, read them back, then STACK_GLOBAL
        Path p = Archives.torchScriptLike(dir, "memo.pt", pickle(str("os"), "q", 0, str("system"), "q", 1, "0", "0",
                "h", 0, "h", 1, 0x93, "."));
        assertTrue(refused(p).contains("imports os.system"), refused(p));
    }

    @Test
    void instOpcodeIsChecked(@TempDir Path dir) throws Exception {
        Path p = Archives.torchScriptLike(dir, "inst.pt", pickle("(", str("ls"), "ios\nsystem\n"));
        assertTrue(refused(p).contains("os.system"));
    }

    @Test
    void computedGlobalNamesAndExtensionCodesAreRefused(@TempDir Path dir) throws Exception {
        Path computed = Archives.torchScriptLike(dir, "computed.pt", pickle("N", "N", 0x93));
        assertTrue(refused(computed).contains("builds a global name at run time"));
        Path ext = Archives.torchScriptLike(dir, "ext.pt", pickle(0x82, 1));
        assertTrue(refused(ext).contains("extension registry"));
    }

    @Test
    void allowedTorchGlobalsPass() throws Exception {
        byte[] ok = pickle("ccollections\nOrderedDict\n", ")", "R", str("__torch__.zoo"), str("Mlp"), 0x93, "0", "0");
        assertDoesNotThrow(() -> PickleScanner.scan(new ByteArrayInputStream(ok), "ok"));
    }

    @Test
    void entryNamesMustStayInsideTheArchive(@TempDir Path dir) throws Exception {
        Path up = Archives.zip(dir, "up.pt", Map.of("archive/../../etc/cron.d/x", new byte[1]));
        assertTrue(refused(up).contains("climbs out"));
        Path abs = Archives.zip(dir, "abs.pt", Map.of("/etc/passwd", new byte[1]));
        assertTrue(refused(abs).contains("absolute path"));
    }

    @Test
    void zipBombsAreRefusedFromTheirHeaders(@TempDir Path dir) throws Exception {
        Path bomb = Archives.zip(dir, "bomb.pt", Map.of("archive/data/0", new byte[64 << 20]));
        String m = refused(bomb);
        assertTrue(m.contains("zip bomb"), m);
    }

    @Test
    void cliExitsFiveAndSaysRefused(@TempDir Path dir) throws Exception {
        Path p = Archives.torchScriptLike(dir, "evil.pt", pickle("cposix\nsystem\n", "N", "R"));
        CheckCommandTest.Run r = CheckCommandTest.check(p, Corpus.export("mlp"));
        assertEquals(ExitCodes.UNSAFE_MODEL, r.code());
        assertTrue(r.err().startsWith("parity: refused: "), r.err());
        assertTrue(r.err().contains("posix.system"), r.err());
    }
}
