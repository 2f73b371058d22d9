package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parity.errors.BadInputException;
import dev.parity.inputs.CasePlanner;
import dev.parity.inputs.InputRole;
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
                if (in.role() != null) {
                    role(in, where);
                }
            }
            validateSweep(e, where);
            if (e.lastPosition() != null) {
                for (String o : e.lastPosition()) {
                    if (o == null || e.outputs() == null || !e.outputs().contains(o)) {
                        throw new BadInputException(where + "last_position names '" + o + "', which is not one of its "
                                + "outputs " + e.outputs());
                    }
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

    /**
     * The role of a manifest input: {@code token-ids} and {@code token-type-ids} over its [low, high)
     * (whole numbers, 0 <= low < high), {@code attention-mask}.
     *
     * @throws BadInputException naming the model, the input and the accepted roles
     */
    public static InputRole role(Manifest.InputEntry in, String where) throws BadInputException {
        InputRole.Kind k = InputRole.Kind.byLabel(in.role());
        if (k == null || k == InputRole.Kind.NONE) {
            throw new BadInputException(where + "input '" + in.name() + "' has role '" + in.role() + "', expected one of "
                    + "token-ids, attention-mask, token-type-ids, position-ids");
        }
        if (k == InputRole.Kind.ATTENTION_MASK) {
            return InputRole.attentionMask();
        }
        Double lo = in.low();
        Double hi = in.high();
        if (lo == null || hi == null || lo != Math.floor(lo) || hi != Math.floor(hi) || !(lo >= 0 && hi > lo)) {
            throw new BadInputException(where + "input '" + in.name() + "' has role " + k.label() + ", which takes its "
                    + "range from low and high: whole numbers with 0 <= low < high, got low " + lo + ", high " + hi);
        }
        return new InputRole(k, lo.longValue(), hi.longValue());
    }

    /** A sweep names symbolic dims of the model's inputs, each with sizes in 1..65536. */
    static void validateSweep(Manifest.ModelEntry e, String where) throws BadInputException {
        if (e.sweep() == null) {
            return;
        }
        Set<String> symbols = new java.util.LinkedHashSet<>();
        for (Manifest.InputEntry in : e.inputs()) {
            if (in.symbolic() != null) {
                symbols.addAll(in.symbolic().values());
            }
        }
        for (var s : e.sweep().entrySet()) {
            if (!symbols.contains(s.getKey())) {
                throw new BadInputException(where + "sweep names '" + s.getKey() + "', which is no symbolic dim of its "
                        + "inputs (symbols: " + symbols + ")");
            }
            if (s.getValue() == null || s.getValue().isEmpty() || s.getValue().stream()
                    .anyMatch(n -> n == null || n < 1 || n > CasePlanner.MAX_SYMBOLIC_SIZE)) {
                throw new BadInputException(where + "sweep '" + s.getKey() + "' has sizes " + s.getValue()
                        + ": a non-empty list, each in 1.." + CasePlanner.MAX_SYMBOLIC_SIZE);
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
