package dev.parity.engine;

import dev.parity.errors.BadInputException;
import dev.parity.safety.ArchivePolicy;
import dev.parity.safety.FileIdentity;
import dev.parity.safety.TorchScriptCodeCheck;
import dev.parity.safety.ZipDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import java.util.zip.ZipException;

/**
 * Checks, before libtorch sees a file, that it is a TorchScript archive: a zip holding
 * {@code <root>/data.pkl}, {@code <root>/constants.pkl} and compiled code under
 * {@code <root>/code/}. A plain {@code torch.save} file (a state_dict, a pickled nn.Module) is
 * refused with a message that says how to make TorchScript instead. Before that, the archive must
 * pass {@link ArchivePolicy} on the members libtorch's own zip reader sees ({@link ZipDirectory}):
 * safe entry names, bounded size, and pickles that import nothing but what TorchScript needs; then
 * {@link TorchScriptCodeCheck}: code that calls nothing reaching files, other processes or the network.
 *
 * <p><b>One scan per load.</b> A file that passed is remembered by its identity (real path, file
 * key, size, modification and change time, a CRC of its central directory) until the next
 * {@code check} of that file, which consumes the entry: {@code ParityCheck} checks
 * both references up front and {@link TorchScriptEngine#load} checks again just before libtorch
 * reads the file, and only the first of the two scans. A file rewritten in between is scanned
 * again. (A file swapped after the last check and before libtorch opens it is not seen; no check
 * that runs before the engine can close that window.)
 */
public final class TorchScriptArchive {
    /** Zip local-file-header magic. */
    private static final int ZIP_MAGIC = 0x504b0304;
    private static final int REMEMBERED = 64;
    /** Files that passed and whose next check may skip the scan; keys are {@link Identity}. */
    private static final Map<Identity, Boolean> PASSED = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Identity, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** Full scans done by this JVM (tests read it to pin "one scan per load"). */
    static final AtomicInteger SCANS = new AtomicInteger();

    private TorchScriptArchive() {}

    public static void check(Path file) throws BadInputException {
        if (Files.isDirectory(file)) {
            throw new BadInputException(file + " is a directory; expected a TorchScript file (torch.jit.save)");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("TorchScript model not found: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException("TorchScript model not readable: " + file);
        }
        int head;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(4);
            head = b.length < 4 ? 0 : ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (b.length >= 1 && (b[0] & 0xff) == 0x80) {
                throw new BadInputException(file + " is a legacy torch.save pickle, not TorchScript: save the model "
                        + "with torch.jit.save(torch.jit.trace(model, example_inputs), path)");
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (head != ZIP_MAGIC) {
            throw new BadInputException(file + " is not a TorchScript archive (not a zip file)");
        }
        Identity before = Identity.of(file);
        synchronized (PASSED) {
            if (before != null && PASSED.remove(before) != null) {
                return;
            }
        }
        scan(file);
        Identity after = Identity.of(file);
        if (after != null && after.equals(before)) {
            synchronized (PASSED) {
                PASSED.put(after, Boolean.TRUE);
            }
        }
    }

    private static void scan(Path file) throws BadInputException {
        SCANS.incrementAndGet();
        try (ZipDirectory zip = ZipDirectory.read(file, ArchivePolicy.MAX_ENTRIES)) {
            ArchivePolicy.check(zip, file);
            structure(zip.members(), file);
            ArchivePolicy.scanPickles(zip, file);
            TorchScriptCodeCheck.check(zip, file);
        } catch (ZipException e) {
            throw new BadInputException(file + " is not a TorchScript archive (corrupt zip: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * libtorch takes the archive's folder from the first central-directory entry and looks records
     * up as {@code folder/name}, case-insensitively (PyTorchStreamReader::init, getRecordID).
     */
    private static void structure(List<ZipDirectory.Member> members, Path file) throws BadInputException {
        if (members.isEmpty()) {
            throw new BadInputException(file + " is a zip file but not a TorchScript archive (no entries)");
        }
        String first = members.get(0).name();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            throw new BadInputException(file + " is a zip file but not a TorchScript archive (entry '" + first
                    + "' is not in a folder)");
        }
        String root = first.substring(0, slash + 1);
        String folded = ZipDirectory.asciiLower(root);
        boolean data = false;
        boolean code = false;
        boolean constants = false;
        for (ZipDirectory.Member m : members) {
            if (!m.name().startsWith(root)) {
                // PyTorchStreamReader::getAllRecords refuses such an archive; so does Parity, before any scan
                throw new BadInputException(file + " is a zip file but not a TorchScript archive (entry '" + m.name()
                        + "' is outside its folder '" + root + "')");
            }
            String rest = ZipDirectory.asciiLower(m.name()).substring(folded.length());
            data |= rest.equals("data.pkl");
            constants |= rest.equals("constants.pkl");
            code |= rest.startsWith("code/");
        }
        if (data && !code) {
            throw new BadInputException(file + " is a torch.save archive (e.g. a state_dict), not TorchScript: save "
                    + "the model with torch.jit.save(torch.jit.trace(model, example_inputs), path)");
        }
        if (!data || !constants) {
            throw new BadInputException(file + " is a zip file but not a TorchScript archive (no data.pkl, "
                    + "constants.pkl and code/)");
        }
    }

    /**
     * What makes two looks at a file "the same file, unchanged": its {@link FileIdentity} and a CRC-32C
     * of its last MiB, where the central directory lists every member's CRC-32 (a rewrite that keeps size and timestamps, possible within one
     * coarse timestamp tick, still has to keep every member's CRC). Null when the platform cannot
     * say, and then nothing is remembered.
     */
    private record Identity(FileIdentity file, long tail) {
        private static final int TAIL = 1 << 20;

        static Identity of(Path file) {
            FileIdentity id = FileIdentity.of(file);
            if (id == null) {
                return null;
            }
            CRC32C crc = new CRC32C();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long from = Math.max(0, ch.size() - TAIL);
                ByteBuffer b = ByteBuffer.allocate((int) (ch.size() - from));
                while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
                    // read the whole tail
                }
                crc.update(b.flip());
            } catch (IOException e) {
                return null;
            }
            return new Identity(id, crc.getValue());
        }
    }
}
