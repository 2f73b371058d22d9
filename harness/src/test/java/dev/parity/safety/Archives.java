package dev.parity.safety;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds hostile TorchScript-shaped archives and pickles for the tests. */
final class Archives {
    private Archives() {}

    /** A zip laid out like a TorchScript archive whose data.pkl is {@code pickle}. */
    static Path torchScriptLike(Path dir, String name, byte[] pickle) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        entries.put("archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        entries.put("archive/code/__torch__.py", "def forward(self, x):\n  return x\n".getBytes(StandardCharsets.UTF_8));
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.UTF_8));
        return zip(dir, name, entries);
    }

    static Path zip(Path dir, String name, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    /** Pickle protocol 2 bytes: PROTO 2, then the body, then STOP. */
    static byte[] pickle(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80);
        out.write(2);
        for (Object p : parts) {
            if (p instanceof String) {
                out.writeBytes(((String) p).getBytes(StandardCharsets.ISO_8859_1));
            } else if (p instanceof Integer) {
                out.write((Integer) p);
            } else {
                out.writeBytes((byte[]) p);
            }
        }
        out.write('.');
        return out.toByteArray();
    }

    /** SHORT_BINUNICODE of {@code s}. */
    static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) 0x8c;
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }
}
