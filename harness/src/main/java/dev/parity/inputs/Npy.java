package dev.parity.inputs;

import dev.parity.tensor.DType;
import dev.parity.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npy} (format 1.0-3.0) and {@code .npz} reading and writing for the element types
 * Parity knows, little-endian, C order. Malformed files raise {@link IOException} with a message
 * naming what is wrong.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** Largest array read, in bytes: refuses headers that would make Parity allocate absurdly. */
    private static final long MAX_BYTES = 1L << 31;

    private Npy() {}

    public static Tensor read(InputStream in) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
            throw new IOException("not a .npy array (bad magic)");
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = in.readNBytes(4);
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8 | (l[2] & 0xff) << 16 | (l[3] & 0xff) << 24;
        } else {
            throw new IOException("unsupported .npy format version " + major);
        }
        if (headerLen < 0 || headerLen > 1 << 20) {
            throw new IOException("malformed .npy header length " + headerLen);
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException("malformed .npy header: " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw new IOException(".npy array is in Fortran order; save it with np.ascontiguousarray");
        }
        DType dtype = dtypeOf(d.group(1));
        String dims = s.group(1).strip();
        long[] shape = dims.isEmpty() ? new long[0]
                : Arrays.stream(dims.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                        .mapToLong(Long::parseLong).toArray();
        long n = Tensor.elementCount(shape);
        long bytes = n * dtype.byteSize();
        if (bytes > MAX_BYTES) {
            throw new IOException(".npy array of " + bytes + " bytes is larger than Parity reads");
        }
        byte[] raw = in.readNBytes((int) bytes);
        if (raw.length != bytes) {
            throw new IOException(".npy array is truncated: expected " + bytes + " data bytes, found " + raw.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int count = (int) n;
        switch (dtype) {
            case FLOAT32: {
                float[] a = new float[count];
                buf.asFloatBuffer().get(a);
                return Tensor.ofFloats(shape, a);
            }
            case FLOAT64: {
                double[] a = new double[count];
                buf.asDoubleBuffer().get(a);
                return Tensor.ofDoubles(shape, a);
            }
            case INT64: {
                long[] a = new long[count];
                buf.asLongBuffer().get(a);
                return Tensor.ofLongs(shape, a);
            }
            case INT32: {
                int[] a = new int[count];
                buf.asIntBuffer().get(a);
                return Tensor.ofInts(shape, a);
            }
            default:
                return Tensor.ofBytes(dtype, shape, raw);
        }
    }

    private static DType dtypeOf(String descr) throws IOException {
        if (descr.length() < 2 || descr.charAt(0) == '>') {
            throw new IOException("unsupported .npy dtype '" + descr + "' (little-endian numeric types only)");
        }
        switch (descr.substring(1)) {
            case "f4": return DType.FLOAT32;
            case "f8": return DType.FLOAT64;
            case "i8": return DType.INT64;
            case "i4": return DType.INT32;
            case "i1": return DType.INT8;
            case "u1": return DType.UINT8;
            case "b1": return DType.BOOL;
            default:
                throw new IOException("unsupported .npy dtype '" + descr + "'");
        }
    }

    private static String descrOf(DType t) {
        switch (t) {
            case FLOAT32: return "<f4";
            case FLOAT64: return "<f8";
            case INT64: return "<i8";
            case INT32: return "<i4";
            case INT8: return "|i1";
            case UINT8: return "|u1";
            default: return "|b1";
        }
    }

    public static void write(Tensor t, OutputStream out) throws IOException {
        long[] shape = t.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        } else if (shape.length == 1) {
            dims.setLength(dims.length() - 1);
        }
        String header = "{'descr': '" + descrOf(t.dtype()) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) (header.length() & 0xff), (byte) (header.length() >>> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer buf = ByteBuffer.allocate(t.size() * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        t.writeTo(buf);
        out.write(buf.array());
    }

    /** Reads every {@code NAME.npy} entry of an .npz archive, in archive order. */
    public static Map<String, Tensor> readNpz(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                try {
                    out.put(name.substring(0, name.length() - 4), read(zin));
                } catch (IOException | RuntimeException ex) {
                    throw new IOException("entry " + name + ": " + ex.getMessage(), ex);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no .npy arrays found (not an .npz archive?)");
        }
        return out;
    }

    public static void writeNpz(Map<String, Tensor> arrays, Path file) throws IOException {
        try (ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                zout.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                write(e.getValue(), bytes);
                bytes.writeTo(zout);
                zout.closeEntry();
            }
        }
    }
}
