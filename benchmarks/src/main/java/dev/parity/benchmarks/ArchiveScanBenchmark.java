package dev.parity.benchmarks;

import dev.parity.safety.ArchivePolicy;
import dev.parity.safety.ZipDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Does the {@code .pt} safety scan run at memory speed? A TorchScript-shaped archive whose
 * {@code data.pkl} is one stored member of {@code size} bytes: either one long BINBYTES operand
 * ({@code bytes}: the scanner skips data) or two-byte opcodes throughout ({@code opcodes}: one
 * opcode dispatch per two bytes, the scanner's worst case). Parity's side: {@link ZipDirectory}
 * plus {@link ArchivePolicy} (directory, limits, pickle scan with size and CRC checks). Baseline:
 * reading the same file through a 64 KiB buffer. MB/s = size / 2^20 / time in s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ArchiveScanBenchmark {
    @Param({"67108864"})
    int size;

    @Param({"bytes", "opcodes"})
    String pickle;

    Path file;
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

    @Setup(Level.Trial)
    public void build() throws IOException {
        file = Files.createTempFile("parity-scan", ".pt");
        byte[] data = pickle.equals("bytes") ? bytesPickle(size) : opcodePickle(size);
        try (OutputStream o = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(o)) {
            stored(z, "archive/data.pkl", data);
            stored(z, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            stored(z, "archive/code/__torch__/m.py", "def forward(self, x):\n  return x\n".getBytes(StandardCharsets.UTF_8));
            stored(z, "archive/version", "3\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public int scan() throws Exception {
        try (ZipDirectory zip = ZipDirectory.read(file, ArchivePolicy.MAX_ENTRIES)) {
            ArchivePolicy.check(zip, file);
            ArchivePolicy.scanPickles(zip, file);
            return zip.members().size();
        }
    }

    @Benchmark
    public long readBaseline() throws IOException {
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n; (n = ch.read(buffer.clear())) > 0; ) {
                total += n + buffer.get(0);
            }
        }
        return total;
    }

    /** PROTO 2, BINBYTES of {@code size - 8} zero bytes, STOP. */
    static byte[] bytesPickle(int size) {
        byte[] b = new byte[size];
        int n = size - 8;
        b[0] = (byte) 0x80;
        b[1] = 2;
        b[2] = 'B';
        b[3] = (byte) n;
        b[4] = (byte) (n >>> 8);
        b[5] = (byte) (n >>> 16);
        b[6] = (byte) (n >>> 24);
        b[size - 1] = '.';
        return b;
    }

    /** PROTO 2, EMPTY_LIST, then MARK, 1000 x BININT1, APPENDS blocks up to {@code size}, STOP. */
    static byte[] opcodePickle(int size) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(size);
        o.write(0x80);
        o.write(2);
        o.write(']');
        while (o.size() + 2003 < size) {
            o.write('(');
            for (int i = 0; i < 1000; i++) {
                o.write('K');
                o.write(i & 0xff);
            }
            o.write('e');
        }
        while (o.size() < size - 2) {
            o.write('N');
            o.write('0');
        }
        o.write('.');
        return o.toByteArray();
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
