package dev.parity.safety;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import dev.parity.check.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The hostile TorchScript fixtures of {@code model-corpus/builders/build_code_fixtures.py}, aimed
 * at a test's own marker file, and variants of their code; plus a load that skips Parity's checks,
 * to show each one really does what the check refuses it for.
 */
final class HostileCode {
    /** The placeholder path in the fixtures' code (200 characters). */
    static final String MARKER = "/PARITY_MARKER_" + "x".repeat(185);
    /** The statement in saves_on_load.pt's __setstate__ that writes the marker. */
    static final String SAVE_LINE = "    torch.save(w, _0)\n";

    private HostileCode() {}

    static Path fixture(String name) {
        return Corpus.fixture(name);
    }

    /** A copy of {@code fixture} whose code writes {@code marker}: the placeholder swapped byte for byte. */
    static Path aimedAt(String fixture, Path marker, Path out) throws IOException {
        return rewrite(fixture(fixture), out, code -> code.replace(MARKER, padded(marker)), false);
    }

    /**
     * A copy of saves_on_load.pt aimed at {@code marker} whose __setstate__ writes it through
     * {@code statements} (indented 4, using {@code w} and the path {@code _0}) instead of
     * {@code torch.save(w, _0)}. The source ranges no longer match, so .debug_pkl is left out.
     */
    static Path setstateVariant(String statements, Path marker, Path out) throws IOException {
        return rewrite(fixture("saves_on_load.pt"), out, code -> {
            if (!code.contains(SAVE_LINE)) {
                throw new IllegalStateException("saves_on_load.pt no longer has " + SAVE_LINE);
            }
            return code.replace(SAVE_LINE, statements).replace(MARKER, padded(marker));
        }, true);
    }

    /** {@code marker}'s path padded with '/' to the placeholder's length, so source offsets stay put. */
    static String padded(Path marker) {
        String dir = marker.getParent().toString();
        String file = marker.getFileName().toString();
        int pad = MARKER.length() - dir.length() - file.length();
        if (pad < 1) {
            throw new IllegalStateException("temporary path too long for the placeholder: " + marker);
        }
        return dir + "/".repeat(pad) + file;
    }

    interface CodeEdit {
        String apply(String code);
    }

    static Path rewrite(Path src, Path out, CodeEdit edit, boolean dropDebug) throws IOException {
        try (ZipFile in = new ZipFile(src.toFile()); ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            Enumeration<? extends ZipEntry> es = in.entries();
            while (es.hasMoreElements()) {
                ZipEntry e = es.nextElement();
                if (dropDebug && e.getName().endsWith(".debug_pkl")) {
                    continue;
                }
                byte[] b;
                try (InputStream s = in.getInputStream(e)) {
                    b = s.readAllBytes();
                }
                if (e.getName().endsWith(".py")) {
                    b = edit.apply(new String(b, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
                }
                z.putNextEntry(stored(e.getName(), b));
                z.write(b);
                z.closeEntry();
            }
        }
        return out;
    }

    /** A STORED entry, as torch.jit.save writes them. */
    static ZipEntry stored(String name, byte[] b) {
        ZipEntry n = new ZipEntry(name);
        n.setMethod(ZipEntry.STORED);
        n.setSize(b.length);
        n.setCompressedSize(b.length);
        CRC32 crc = new CRC32();
        crc.update(b);
        n.setCrc(crc.getValue());
        return n;
    }

    /** Loads {@code p} straight into libtorch, without Parity's checks, and runs forward once when asked. */
    static void loadUnchecked(Path p, boolean runForward) throws Exception {
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
        try (Model m = engine.newModel("hostile", Device.cpu())) {
            m.load(p.toAbsolutePath());
            if (runForward) {
                m.getBlock().forward(new ParameterStore(m.getNDManager(), false),
                        new NDList(m.getNDManager().create(new float[] {0f})), false);
            }
        }
    }
}
