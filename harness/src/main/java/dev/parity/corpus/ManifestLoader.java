package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parity.errors.BadInputException;
import dev.parity.result.ResultJson;
import dev.parity.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Reads and validates a corpus manifest; every problem is a one-line {@link BadInputException}. */
public final class ManifestLoader {
    public static final String FILE = "manifest.json";
    private static final Set<String> REFERENCE_KINDS = Set.of("traced", "scripted");
    /** What a generation name may hold: it becomes a folder name and a command argument. */
    public static final String GENERATION_NAME = "[A-Za-z0-9_.+-]+";

    private ManifestLoader() {}

    public static Manifest load(Path corpus) throws BadInputException {
        Path file = corpus.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("corpus manifest not found: " + file);
        }
        ObjectMapper mapper = ResultJson.mapper();
        Manifest m;
        try {
            m = mapper.readValue(file.toFile(), Manifest.class);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + " is not a valid manifest: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        validate(m, corpus, file);
        return m;
    }

    static void validate(Manifest m, Path corpus, Path file) throws BadInputException {
        if (m.format() != 1) {
            throw new BadInputException(file + ": unsupported manifest format " + m.format() + " (this Parity reads 1)");
        }
        if (m.models() == null || m.models().isEmpty()) {
            throw new BadInputException(file + ": no models");
        }
        Set<String> names = new HashSet<>();
        for (Manifest.ModelEntry e : m.models()) {
            String where = file.getFileName() + ": model '" + e.name() + "': ";
            if (e.name() == null || !e.name().matches("[A-Za-z0-9_.-]+")) {
                throw new BadInputException(file.getFileName() + ": model name '" + e.name()
                        + "' must be letters, digits, '.', '_' or '-'");
            }
            if (!names.add(e.name())) {
                throw new BadInputException(where + "listed twice");
            }
            if (e.references() == null || !e.references().containsKey("traced")) {
                throw new BadInputException(where + "no traced reference");
            }
            for (var r : e.references().entrySet()) {
                checkInside(corpus, r.getValue(), where + "reference '" + r.getKey() + "'");
            }
            if (e.inputs() == null || e.inputs().isEmpty()) {
                throw new BadInputException(where + "no inputs");
            }
            for (Manifest.InputEntry in : e.inputs()) {
                try {
                    DType.parse(in.dtype());
                } catch (IllegalArgumentException ex) {
                    throw new BadInputException(where + "input '" + in.name() + "': " + ex.getMessage(), ex);
                }
            }
            if (e.configs() == null || e.configs().isEmpty()) {
                throw new BadInputException(where + "no converter configurations");
            }
            Set<String> configNames = new HashSet<>();
            for (Manifest.ConfigEntry c : e.configs()) {
                if (c.name() == null || !c.name().matches("[A-Za-z0-9_.-]+") || !configNames.add(c.name())) {
                    throw new BadInputException(where + "configuration name '" + c.name() + "' is invalid or repeated");
                }
                if (!REFERENCE_KINDS.contains(c.reference())) {
                    throw new BadInputException(where + "configuration '" + c.name() + "' has reference '" + c.reference()
                            + "', expected one of " + REFERENCE_KINDS);
                }
                if (c.generations() != null && (c.generations().isEmpty()
                        || c.generations().stream().anyMatch(g -> g == null || !g.matches(GENERATION_NAME)))) {
                    throw new BadInputException(where + "configuration '" + c.name() + "' has generations "
                            + c.generations() + ": a non-empty list of generation names (" + GENERATION_NAME + ")");
                }
                if (c.sameOnnxAs() != null) {
                    Manifest.ConfigEntry base = e.config(c.sameOnnxAs());
                    if (base == null || (c.generations() != null && (base.generations() != null
                            && !base.generations().containsAll(c.generations())))) {
                        throw new BadInputException(where + "configuration '" + c.name() + "' reuses the file of '"
                                + c.sameOnnxAs() + "', which is missing or not exported by all of its generations");
                    }
                }
                if (!e.references().containsKey(c.reference())) {
                    throw new BadInputException(where + "configuration '" + c.name() + "' needs the " + c.reference()
                            + " reference, which the model lacks");
                }
            }
            if (e.dataset() != null) {
                checkInside(corpus, e.dataset(), where + "dataset");
            }
        }
    }

    /** A manifest path must stay inside the corpus folder: relative, no '..'. */
    static void checkInside(Path corpus, String rel, String what) throws BadInputException {
        if (rel == null || rel.isEmpty()) {
            throw new BadInputException(what + ": empty path");
        }
        Path p = Path.of(rel);
        if (p.isAbsolute() || p.normalize().startsWith("..") || rel.contains("..")) {
            throw new BadInputException(what + ": path '" + rel + "' leaves the corpus folder");
        }
        if (!Files.isRegularFile(corpus.resolve(p))) {
            throw new BadInputException(what + ": file missing: " + corpus.resolve(p));
        }
    }
}
