package dev.parity.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.parity.errors.BadInputException;
import dev.parity.engine.Placement;
import dev.parity.reports.RunData;
import dev.parity.result.Expectation;
import dev.parity.result.Outcome;
import dev.parity.result.ResultJson;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expected outcome, with its cause, of every pair of a corpus: {@code expectations.json} beside
 * the manifest, written by a person from what each model is known to do, never copied from a run.
 *
 * <p>The file is a list of rules. A rule names a model and, optionally, a generation, a configuration
 * and an ONNX placement label ({@code cpu:opt=disabled}); the most specific matching rule wins
 * (placement over configuration over generation). A rule without a placement holds at every
 * placement: a pair is expected to behave on a GPU or at another optimisation level as on the default
 * placement, unless a rule says otherwise. Every outcome but {@code faithful} needs a cause; a cause
 * starting with {@code unexplained} marks a problem still to be explained. A pair no rule matches is
 * expected to be faithful.
 *
 * <p>{@link #againstBaseline} instead takes each pair's expectation from a previous run's record (a
 * converter upgrade gated against the run before it); pairs the baseline lacks fall back to the rules.
 */
public final class Expectations {
    public static final String FILE = "expectations.json";

    /** One rule of the file. */
    public record Rule(String model, String generation, String config, String placement, String outcome, String cause) {
        int specificity() {
            return (placement != null ? 4 : 0) + (config != null ? 2 : 0) + (generation != null ? 1 : 0);
        }

        boolean matches(String m, String g, String c, String p) {
            return model.equals(m) && (generation == null || generation.equals(g)) && (config == null || config.equals(c))
                    && (placement == null || placement.equals(p));
        }

        String describe() {
            return model + (generation != null ? " generation " + generation : "") + (config != null ? " config " + config : "")
                    + (placement != null ? " placement " + placement : "");
        }
    }

    /** The file's form. */
    public record File(int format, String about, List<Rule> rules) {}

    private final List<Rule> rules;
    private final String source;
    private final Map<String, RunRecord> baseline;

    private Expectations(List<Rule> rules, String source, Map<String, RunRecord> baseline) {
        this.rules = List.copyOf(rules);
        this.source = source;
        this.baseline = baseline;
    }

    /** No rules: every pair is expected to be faithful. */
    public static Expectations none() {
        return new Expectations(List.of(), "none", Map.of());
    }

    /** The corpus's {@code expectations.json}, validated; a corpus without one expects every pair faithful. */
    public static Expectations load(Path corpus) throws BadInputException {
        Path file = corpus.resolve(FILE);
        if (!Files.exists(file)) {
            return none();
        }
        File f;
        try {
            // a misspelt key ("confg") would silently widen a rule: refused
            f = ResultJson.mapper().readerFor(File.class)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile());
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + " is not a valid expectations file: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (f.format() != 1) {
            throw new BadInputException(file + ": unsupported expectations format " + f.format() + " (this Parity reads 1)");
        }
        List<Rule> rules = f.rules() == null ? List.of() : f.rules();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            String where = file.getFileName() + " rule " + (i + 1) + ": ";
            if (r.model() == null || r.model().isBlank()) {
                throw new BadInputException(where + "names no model");
            }
            Outcome o;
            try {
                o = r.outcome() == null ? null : Outcome.parse(r.outcome());
            } catch (IllegalArgumentException e) {
                o = null;
            }
            if (o == null) {
                throw new BadInputException(where + "outcome '" + r.outcome() + "' is not one of "
                        + java.util.Arrays.stream(Outcome.values()).map(Outcome::label).toList());
            }
            if (o.isProblem() && (r.cause() == null || r.cause().isBlank())) {
                throw new BadInputException(where + r.describe() + " expects " + o.label()
                        + " without a cause (write one, or 'unexplained: ...')");
            }
            if (r.placement() != null) {
                try {
                    Placement.parse("onnx:" + r.placement());
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(where + "placement '" + r.placement() + "': " + e.getMessage(), e);
                }
            }
            for (int j = 0; j < i; j++) {
                Rule q = rules.get(j);
                if (q.model().equals(r.model()) && java.util.Objects.equals(q.generation(), r.generation())
                        && java.util.Objects.equals(q.config(), r.config())
                        && java.util.Objects.equals(q.placement(), r.placement())) {
                    throw new BadInputException(where + r.describe() + " repeats rule " + (j + 1));
                }
            }
        }
        return new Expectations(rules, "manifest", Map.of());
    }

    /**
     * Expectations from a previous run: each pair is expected to do what it did there; pairs the
     * baseline does not hold keep {@code fallback}'s expectation.
     */
    public static Expectations againstBaseline(Path runDir, Expectations fallback) throws BadInputException {
        RunData data;
        try {
            data = RunData.load(runDir);
        } catch (IOException e) {
            throw new BadInputException("--baseline: " + e.getMessage(), e);
        }
        if (data.records().isEmpty()) {
            throw new BadInputException("--baseline " + runDir + " holds no records");
        }
        Map<String, RunRecord> byKey = new LinkedHashMap<>();
        for (RunRecord r : data.records()) {
            byKey.putIfAbsent(r.key(), r);
        }
        return new Expectations(fallback.rules, "baseline " + runDir, byKey);
    }

    /** The rules (empty for {@link #none()}). */
    public List<Rule> rules() {
        return rules;
    }

    /** Where the expectations come from: {@code manifest}, {@code baseline DIR} or {@code none}. */
    public String source() {
        return source;
    }

    /** The expectation of one record: the baseline's record with its key, else the most specific rule. */
    public Expectation of(RunRecord r) {
        RunRecord b = baseline.get(r.key());
        if (b != null) {
            String cause = b.cause() != null ? b.cause()
                    : b.outcome().isProblem() ? "as in the baseline run" + (b.message() != null ? ": " + b.message() : "") : null;
            return new Expectation(b.outcome(), cause, source);
        }
        return of(r.model(), r.generation(), r.config(), r.placement() == null ? Placement.CPU.label() : r.placement());
    }

    /** The expectation of a pair at a placement label ({@code cpu}, {@code cpu:opt=disabled}, {@code cuda:0}). */
    public Expectation of(String model, String generation, String config, String placement) {
        Rule best = null;
        for (Rule r : rules) {
            if (r.matches(model, generation, config, placement) && (best == null || r.specificity() > best.specificity())) {
                best = r;
            }
        }
        String from = baseline.isEmpty() ? source : "manifest";
        return best == null ? Expectation.faithfulByDefault(from) : new Expectation(Outcome.parse(best.outcome()), best.cause(), from);
    }

    /**
     * Rules that name a model, or a model's configuration, that the manifest lacks, or a
     * configuration together with a generation that does not export it: a stale rule would silently
     * expect nothing.
     */
    public List<String> staleRules(Manifest m) {
        List<String> out = new ArrayList<>();
        for (Rule r : rules) {
            Manifest.ModelEntry e = m.models().stream().filter(x -> x.name().equals(r.model())).findFirst().orElse(null);
            if (e == null) {
                out.add(r.describe() + ": no such model");
            } else if (r.config() != null && e.config(r.config()) == null) {
                out.add(r.describe() + ": no such configuration");
            } else if (r.config() != null && r.generation() != null && !e.config(r.config()).appliesTo(r.generation())) {
                out.add(r.describe() + ": generation " + r.generation() + " does not export that configuration");
            }
        }
        return out;
    }
}
