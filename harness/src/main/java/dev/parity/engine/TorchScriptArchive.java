package dev.parity.engine;

import dev.parity.check.BadInputException;
import dev.parity.safety.ArchivePolicy;
import dev.parity.safety.TorchScriptCodeCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks, before libtorch sees a file, that it is a TorchScript archive: a zip holding
 * {@code <root>/data.pkl}, {@code <root>/constants.pkl} and compiled code under
 * {@code <root>/code/}. A plain {@code torch.save} file (a state_dict, a pickled nn.Module) is
 * refused with a message that says how to make TorchScript instead. Before that, the archive must
 * pass {@link ArchivePolicy}: safe entry names, bounded size, and pickles that import nothing but
 * what TorchScript needs; after it, {@link TorchScriptCodeCheck}: code that calls nothing reaching
 * files, processes or the network.
 */
public final class TorchScriptArchive {
    /** Zip local-file-header magic. */
    private static final int ZIP_MAGIC = 0x504b0304;

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
        boolean data = false;
        boolean code = false;
        boolean constants = false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ArchivePolicy.check(zip, file);
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                int slash = name.indexOf('/');
                String rest = slash < 0 ? name : name.substring(slash + 1);
                data |= rest.equals("data.pkl");
                constants |= rest.equals("constants.pkl");
                code |= rest.startsWith("code/");
            }
        } catch (ZipException e) {
            throw new BadInputException(file + " is not a TorchScript archive (corrupt zip: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (data && !code) {
            throw new BadInputException(file + " is a torch.save archive (e.g. a state_dict), not TorchScript: save "
                    + "the model with torch.jit.save(torch.jit.trace(model, example_inputs), path)");
        }
        if (!data || !constants) {
            throw new BadInputException(file + " is a zip file but not a TorchScript archive (no data.pkl, "
                    + "constants.pkl and code/)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ArchivePolicy.scanPickles(zip, file);
            TorchScriptCodeCheck.check(zip, file);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
