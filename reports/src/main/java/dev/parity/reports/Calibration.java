package dev.parity.reports;

import dev.parity.oracles.Attribution;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.AttributionOracle;
import dev.parity.oracles.NoiseAllowance;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.OutputJudge;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.RunRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Calibration of the numeric verdict rules against ground truth: thresholds are chosen on one half
 * of a corpus run's models and scored on the other half, against each pair's expected outcome from
 * the manifest (never a verdict of Parity). Pure Java over results.jsonl records: every decision is
 * re-derived from the per-case, per-output evidence the records carry, with the oracles' own rules
 * ({@link AttributionOracle#decide}, {@link NoiseAllowance#discrepantAt}).
 *
 * <p>A pair counts when its expected outcome is {@value #FAITHFUL} (a negative) or one of
 * {@link #PROBLEMS} (a positive) and it has numbers (some output was compared). Only numeric
 * evidence decides: the accuracy test is not part of these rules.
 */
public final class Calibration {
    public static final String FAITHFUL = "faithful";
    public static final List<String> PROBLEMS = List.of("numeric-discrepancy", "accuracy-discrepancy");

    /** The two halves of the models, by the first byte of SHA-256 of the model name. */
    public enum Half {
        TUNING("tuning"), HELD_OUT("held-out");

        private final String label;

        Half(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Which rule a run's evidence feeds. */
    enum Mode {
        ATTRIBUTION("ATTRIBUTION_RUN"), NOISE_AWARE("TOLERANCE_RUN"), FIXED("FIXED_RUN");

        final String argument;

        Mode(String argument) {
            this.argument = argument;
        }
    }

    /**
     * A pair that counts, with the evidence its rule needs. {@code fixed}: some output is discrepant
     * whatever the thresholds (shape, element type, NaN/Inf placement, integers, or a recorded verdict
     * of a rule with nothing to choose).
     */
    public record Pair(String key, String model, String expected, boolean fixed, List<Attribution> attributions,
            List<NoiseEvidence> noise) {
        public boolean positive() {
            return PROBLEMS.contains(expected);
        }

        public Half half() {
            return Calibration.half(model);
        }

        /** The attribution rule at (R, F): some output with ratio > R and scaled error > F. */
        public boolean discrepantByAttribution(AttributionConfig cfg) {
            return fixed || attributions.stream().anyMatch(a -> AttributionOracle.decide(a.onnxErr(), a.torchErr(), cfg)
                    .discrepant());
        }

        /** Tolerance mode at noise factor K: some output needs more than max(atol, K * J). */
        public boolean discrepantAtNoiseFactor(double k) {
            return fixed || noise.stream().anyMatch(n -> n.discrepantAt(k));
        }

        /** The largest noise factor at which this pair is still discrepant (see {@link NoiseEvidence#edge}). */
        double noiseEdge() {
            return fixed ? Double.POSITIVE_INFINITY : noise.stream().mapToDouble(NoiseEvidence::edge).max().orElse(0);
        }

        /** The largest needed atol / J over the outputs (see {@link NoiseEvidence#spread}); NaN when fixed. */
        double noiseSpread() {
            return fixed ? Double.NaN : noise.stream().mapToDouble(NoiseEvidence::spread).max().orElse(0);
        }

        /** The output with the largest attribution ratio, or null. */
        Attribution worstAttribution() {
            Attribution w = null;
            for (Attribution a : attributions) {
                if (w == null || AttributionOracle.ratio(a.onnxErr(), a.torchErr())
                        > AttributionOracle.ratio(w.onnxErr(), w.torchErr())) {
                    w = a;
                }
            }
            return w;
        }
    }

    /** One output of a tolerance-mode run: the atol it needed and how its atol was widened. */
    public record NoiseEvidence(double neededAtol, NoiseAllowance allowance) {
        public boolean discrepantAt(double k) {
            return allowance.discrepantAt(neededAtol, k);
        }

        /**
         * Where K * J meets the needed atol: discrepant for K below it (0: at no K, the plain atol
         * suffices; infinite: at every K, the reference did not move). The choice of K searches over
         * these; decisions always use {@link #discrepantAt}.
         */
        double edge() {
            if (!allowance.discrepantAt(neededAtol, 0)) {
                return 0;
            }
            return allowance.movement() > 0 ? neededAtol / allowance.movement() : Double.POSITIVE_INFINITY;
        }

        /** needed atol / J: how many times its own noise the output needs, whatever the plain atol. */
        double spread() {
            if (neededAtol == 0) {
                return 0;
            }
            return allowance.movement() > 0 ? neededAtol / allowance.movement() : Double.POSITIVE_INFINITY;
        }
    }

    /** The pairs of one run that count, and how many records were left out, by reason. */
    public record Selection(List<Pair> pairs, Map<String, Integer> leftOut) {
        List<Pair> in(Half h) {
            return pairs.stream().filter(p -> p.half() == h).toList();
        }
    }

    /** False alarms (expected faithful, judged discrepant) and misses (expected problem, judged faithful). */
    public record Errors(List<String> falseAlarms, long negatives, List<String> misses, long positives) {
        static Errors of(List<Pair> pairs, Predicate<Pair> discrepant) {
            List<String> fa = new ArrayList<>();
            List<String> miss = new ArrayList<>();
            for (Pair p : pairs) {
                boolean d = discrepant.test(p);
                if (d && !p.positive()) {
                    fa.add(p.key());
                } else if (!d && p.positive()) {
                    miss.add(p.key());
                }
            }
            long pos = pairs.stream().filter(Pair::positive).count();
            return new Errors(List.copyOf(fa), pairs.size() - pos, List.copyOf(miss), pos);
        }

        public int count() {
            return falseAlarms.size() + misses.size();
        }
    }

    /** One row of the table: a rule at some parameters, scored on both halves. */
    public record Row(String mode, String parameters, boolean chosen, Errors tuning, Errors heldOut) {}

    /** A threshold chosen on the tuning half, and the range [lo, hi) over which its errors were minimal. */
    public record Choice(String name, double value, double lo, double hi) {
        public boolean unbounded() {
            return hi == Double.POSITIVE_INFINITY;
        }
    }

    private final Selection attribution;
    private final Selection noise;
    private final Selection fixed;
    private final List<Choice> choices;
    private final List<Row> rows;

    private Calibration(Selection attribution, Selection noise, Selection fixed, List<Choice> choices, List<Row> rows) {
        this.attribution = attribution;
        this.noise = noise;
        this.fixed = fixed;
        this.choices = choices;
        this.rows = rows;
    }

    public Selection attribution() {
        return attribution;
    }

    public Selection noise() {
        return noise;
    }

    /** The fixed-tolerance run's pairs, or null when none was given. */
    public Selection fixed() {
        return fixed;
    }

    public List<Choice> choices() {
        return choices;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The half a model's pairs fall in: tuning when the first byte of SHA-256(name, UTF-8) is below 0x80. */
    public static Half half(String model) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(model.getBytes(StandardCharsets.UTF_8));
            return (h[0] & 0x80) == 0 ? Half.TUNING : Half.HELD_OUT;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Chooses R and F of attribution on the attribution run's tuning half and K of noise-aware
     * tolerance on the tolerance run's, and scores them, the shipped defaults and (when given) the
     * fixed-tolerance run on both halves.
     *
     * @param fixedRun a run with fixed tolerances ({@code --noise-factor 0}), or null
     * @throws IllegalArgumentException when a run is not of its kind or lacks the evidence
     */
    public static Calibration of(RunData attributionRun, RunData toleranceRun, RunData fixedRun) {
        Selection att = select(attributionRun, Mode.ATTRIBUTION);
        Selection tol = select(toleranceRun, Mode.NOISE_AWARE);
        Selection fix = fixedRun == null ? null : select(fixedRun, Mode.FIXED);

        List<Thresholds.AttributionPair> attTuning = new ArrayList<>();
        for (Pair p : att.in(Half.TUNING)) {
            double[] ratios = p.attributions().stream().mapToDouble(a -> AttributionOracle.ratio(a.onnxErr(), a.torchErr()))
                    .toArray();
            double[] errs = p.attributions().stream().mapToDouble(Attribution::onnxErr).toArray();
            attTuning.add(Thresholds.AttributionPair.of(p.positive(), p.fixed(), ratios, errs));
        }
        Thresholds.Choice[] rf = Thresholds.attribution(attTuning);
        List<Pair> tolTuning = tol.in(Half.TUNING);
        boolean[] positive = new boolean[tolTuning.size()];
        double[] edge = new double[tolTuning.size()];
        double[] spread = new double[tolTuning.size()];
        for (int i = 0; i < positive.length; i++) {
            positive[i] = tolTuning.get(i).positive();
            edge[i] = tolTuning.get(i).noiseEdge();
            spread[i] = tolTuning.get(i).noiseSpread();
        }
        Thresholds.Choice k = Thresholds.belowEdge(positive, edge, spread);
        List<Choice> choices = List.of(new Choice("R", rf[0].value(), rf[0].lo(), rf[0].hi()),
                new Choice("F", rf[1].value(), rf[1].lo(), rf[1].hi()), new Choice("K", k.value(), k.lo(), k.hi()));

        AttributionConfig chosen = new AttributionConfig(rf[0].value(), rf[1].value());
        AttributionConfig shipped = AttributionConfig.defaults();
        List<Row> rows = new ArrayList<>();
        rows.add(row(att, "attribution", "R = " + num(chosen.ratio()) + ", F = " + num(chosen.floor()), true,
                p -> p.discrepantByAttribution(chosen)));
        rows.add(row(att, "attribution", "R = " + num(shipped.ratio()) + ", F = " + num(shipped.floor()), false,
                p -> p.discrepantByAttribution(shipped)));
        rows.add(row(tol, "noise-aware tolerance", "K = " + num(k.value()), true,
                p -> p.discrepantAtNoiseFactor(k.value())));
        rows.add(row(tol, "noise-aware tolerance", "K = " + num(OutputJudge.DEFAULT_NOISE_FACTOR), false,
                p -> p.discrepantAtNoiseFactor(OutputJudge.DEFAULT_NOISE_FACTOR)));
        if (fix != null) {
            rows.add(row(fix, "fixed tolerance", "atol/rtol as recorded (torch.testing defaults unless overridden)", false,
                    Pair::fixed));
        }
        return new Calibration(att, tol, fix, choices, List.copyOf(rows));
    }

    private static Row row(Selection s, String mode, String parameters, boolean chosen, Predicate<Pair> rule) {
        return new Row(mode, parameters, chosen, Errors.of(s.in(Half.TUNING), rule), Errors.of(s.in(Half.HELD_OUT), rule));
    }

    /** The pairs of a run that count, with the evidence of {@code mode}; the rest counted by reason. */
    static Selection select(RunData run, Mode mode) {
        Map<String, Pair> pairs = new LinkedHashMap<>();
        Map<String, Integer> leftOut = new TreeMap<>();
        boolean anyNoise = false;
        boolean anyAttribution = false;
        for (RunRecord r : run.records()) {
            String expected = r.expected();
            String why = null;
            CheckResult check = r.check();
            if (expected == null || expected.isBlank()) {
                why = "no expected outcome";
            } else if (!expected.equals(FAITHFUL) && !PROBLEMS.contains(expected)) {
                why = "expected " + expected;
            } else if (findings(check).stream().noneMatch(f -> f.stats() != null)) {
                why = "no numbers";
            } else if (mode == Mode.ATTRIBUTION && !"attribution".equals(check.mode())) {
                why = "judged in tolerance mode (no float64 twin)";
            }
            if (check != null && mode != Mode.ATTRIBUTION && "attribution".equals(check.mode())) {
                throw new IllegalArgumentException(mode.argument + " " + run.folder() + ": " + r.key()
                        + " was judged by attribution; pass a run of 'parity run --tolerance-mode'"
                        + (mode == Mode.FIXED ? " --noise-factor 0" : ""));
            }
            if (why != null) {
                leftOut.merge(why, 1, Integer::sum);
                continue;
            }
            boolean fixed = false;
            List<Attribution> atts = new ArrayList<>();
            List<NoiseEvidence> noise = new ArrayList<>();
            for (OutputFinding f : findings(check)) {
                if (mode == Mode.ATTRIBUTION && f.attribution() != null) {
                    atts.add(f.attribution());
                } else if (mode != Mode.ATTRIBUTION && f.noise() != null) {
                    if (mode == Mode.FIXED) {
                        throw new IllegalArgumentException(mode.argument + " " + run.folder() + ": " + r.key()
                                + " was judged with noise-aware tolerance (noise factor " + num(f.noise().factor())
                                + "); pass a run of 'parity run --tolerance-mode --noise-factor 0'");
                    }
                    if (f.stats() == null || f.stats().neededAtol() == null) {
                        throw new IllegalArgumentException(mode.argument + " " + run.folder() + ": " + r.key()
                                + " has no needed_atol (written by an older Parity); rerun it");
                    }
                    noise.add(new NoiseEvidence(f.stats().neededAtol(), f.noise()));
                } else {
                    fixed |= f.verdict() == Verdict.DISCREPANT;
                }
            }
            anyAttribution |= !atts.isEmpty();
            anyNoise |= !noise.isEmpty();
            pairs.put(r.key(), new Pair(r.key(), r.model(), expected, fixed, List.copyOf(atts), List.copyOf(noise)));
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(mode.argument + " " + run.folder() + ": no pair counts (expected "
                    + FAITHFUL + ", " + String.join(" or ", PROBLEMS) + ", with numbers); left out: " + leftOut);
        }
        if (mode == Mode.ATTRIBUTION && !anyAttribution) {
            throw new IllegalArgumentException(mode.argument + " " + run.folder()
                    + ": no output carries attribution evidence; pass a run of 'parity run' (float64 twins)");
        }
        if (mode == Mode.NOISE_AWARE && !anyNoise) {
            throw new IllegalArgumentException(mode.argument + " " + run.folder() + ": no output carries the noise "
                    + "movement; pass a run of 'parity run --tolerance-mode' with a noise factor above 0");
        }
        return new Selection(List.copyOf(pairs.values()), leftOut);
    }

    /** Every output finding of every case of a check (none for a missing check). */
    private static List<OutputFinding> findings(CheckResult check) {
        List<OutputFinding> out = new ArrayList<>();
        if (check != null && check.cases() != null) {
            for (CaseResult c : check.cases()) {
                if (c.outputs() != null) {
                    out.addAll(c.outputs());
                }
            }
        }
        return out;
    }

    /** The models of the counted pairs of every run, per half. */
    public Map<Half, TreeSet<String>> models() {
        Map<Half, TreeSet<String>> m = new TreeMap<>();
        for (Half h : Half.values()) {
            m.put(h, new TreeSet<>());
        }
        for (Selection s : fixed == null ? List.of(attribution, noise) : List.of(attribution, noise, fixed)) {
            for (Pair p : s.pairs()) {
                m.get(p.half()).add(p.model());
            }
        }
        return m;
    }

    /** Three significant digits (1e-04, 0.0125, 632, 3.17e+06); integers below a million in full. */
    static String num(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        if (x == Math.rint(x) && Math.abs(x) < 1e6) {
            return Long.toString((long) x);
        }
        double a = Math.abs(x);
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(x).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        }
        String s = String.format(java.util.Locale.ROOT, "%.2e", x);
        int e = s.indexOf('e');
        return s.substring(0, e).replaceAll("\\.?0+$", "") + s.substring(e);
    }
}
