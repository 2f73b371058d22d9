package dev.parity.reports;

import dev.parity.oracles.AccuracyFinding;
import dev.parity.oracles.ErrorStats;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.oracles.WorstElement;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.InputDescription;
import dev.parity.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The compact plain-text rendering of a {@link CheckResult}: a header, one table row per case and
 * output, and a closing verdict line. Pure: result in, text out.
 */
public final class ConsoleReport {
    private ConsoleReport() {}

    public static String render(CheckResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("torch ").append(r.torch().path()).append("  (sha256 ").append(shortHash(r.torch().sha256())).append(")\n");
        sb.append("onnx  ").append(r.onnx().path()).append("  (sha256 ").append(shortHash(r.onnx().sha256())).append(")\n");
        sb.append("mode  ").append(modeText(r)).append("   seed ").append(r.seed()).append("   engines ")
                .append(r.engines().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")))
                .append("\n\n");
        String roles = rolesLine(r);
        if (roles != null) {
            sb.append(roles).append("\n\n");
        }
        if (!r.cases().isEmpty()) {
            TextTable t = new TextTable("case", "regime", "inputs", "output", "verdict", "max_abs", "p99_abs",
                    "max_rel", "cosine", "mismatch", "ratio", "top1", "torch_ms", "onnx_ms");
            for (CaseResult c : r.cases()) {
                String inputs = c.inputs().stream().map(ConsoleReport::inputText).collect(Collectors.joining(" "));
                if (c.verdict() == Verdict.FAILED) {
                    t.row(Integer.toString(c.index()), c.regimeText(), inputs, "-", "failed", "", "", "", "", "", "", "",
                            ms(c.torchMs()), ms(c.onnxMs()));
                    continue;
                }
                boolean first = true;
                for (OutputFinding f : c.outputs()) {
                    ErrorStats s = f.stats();
                    t.row(first ? Integer.toString(c.index()) : "", first ? c.regimeText() : "", first ? inputs : "",
                            f.name(), f.verdict().label(),
                            s == null ? "-" : num(s.maxAbs()), s == null ? "-" : num(s.p99Abs()),
                            s == null ? "-" : num(s.maxRel()), s == null ? "-" : String.format(Locale.ROOT, "%.6f", s.cosine()),
                            s == null ? "-" : s.mismatches() + "/" + s.elements(),
                            f.attribution() == null ? "-" : num(f.attribution().ratio()),
                            f.classification() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                                    f.classification().top1Agreement()),
                            first ? ms(c.torchMs()) : "", first ? ms(c.onnxMs()) : "");
                    first = false;
                }
            }
            sb.append(t.render()).append('\n');
        }
        if (r.latency() != null) {
            var l = r.latency();
            sb.append(String.format(Locale.ROOT, "latency (median of %d warm runs, min..max): torch %.3f ms (%.3f..%.3f), "
                    + "onnx %.3f ms (%.3f..%.3f); onnx/torch %.2fx%n%n", l.runs(), l.torchMedianMs(), l.torchMinMs(),
                    l.torchMaxMs(), l.onnxMedianMs(), l.onnxMinMs(), l.onnxMaxMs(), l.ratio()));
        }
        if (r.accuracy() != null && r.accuracy().unjudged() != null) {
            if (r.message() == null || !r.message().contains(r.accuracy().unjudged())) {
                sb.append("accuracy could not be judged: ").append(r.accuracy().unjudged()).append("\n\n");
            }
        } else if (r.accuracy() != null) {
            AccuracyFinding a = r.accuracy();
            sb.append(String.format(Locale.ROOT,
                    "accuracy on %d labelled samples: torch %.4f, onnx %.4f, delta %+.4f (95%% CI %+.4f..%+.4f); "
                            + "discordant: torch-only correct %d, onnx-only correct %d; exact McNemar p = %.3g%n%n",
                    a.samples(), a.torchAccuracy(), a.onnxAccuracy(), a.delta(), a.deltaLow(), a.deltaHigh(),
                    a.torchOnlyCorrect(), a.onnxOnlyCorrect(), a.pValue()));
        }
        if (r.localization() != null) {
            var l = r.localization();
            sb.append("localization (case ").append(l.caseIndex()).append("): ").append(l.message());
            if (l.module() != null) {
                sb.append(String.format(Locale.ROOT, "; attribution ratio %s before it, %s at it",
                        num(l.ratioBefore() == null ? 0 : l.ratioBefore()), num(l.ratioAfter() == null ? 0 : l.ratioAfter())));
            }
            if (!l.unmapped().isEmpty()) {
                sb.append("; unmapped: ").append(String.join(", ", l.unmapped()));
            }
            sb.append("\n\n");
        }
        for (String w : r.warnings()) {
            sb.append("warning: ").append(w).append('\n');
        }
        if (!r.warnings().isEmpty()) {
            sb.append('\n');
        }
        sb.append(verdictLine(r)).append('\n');
        return sb.toString();
    }

    private static String modeText(CheckResult r) {
        if (r.attribution() != null) {
            return r.mode() + " (float64 twin; discrepant when ratio > " + num(r.attribution().ratio())
                    + " and scaled error > " + num(r.attribution().floor()) + ")";
        }
        return r.mode() + " mode";
    }

    /**
     * Why a check is not faithful, in one sentence: the verdict line without its verdict word
     * ("4 of 4 cases discrepant; worst: output y, ..."), or null for a faithful check.
     */
    public static String reason(CheckResult r) {
        if (r.verdict() == Verdict.FAITHFUL) {
            return r.message();
        }
        String line = verdictLine(r);
        int dash = line.indexOf(" - ");
        return dash < 0 ? line : line.substring(dash + 3);
    }

    /** The one-line verdict with the most telling evidence. */
    public static String verdictLine(CheckResult r) {
        long total = r.cases().size();
        long bad = r.cases().stream().filter(c -> c.verdict() == r.verdict()).count();
        boolean discrepantOutput = r.cases().stream().flatMap(c -> c.outputs().stream())
                .anyMatch(f -> f.verdict() == Verdict.DISCREPANT);
        if (r.verdict() == Verdict.DISCREPANT && !discrepantOutput && r.message() != null) {
            return "verdict: DISCREPANT - " + r.message(); // e.g. fewer rows than the batch on labelled data
        }
        switch (r.verdict()) {
            case NONDETERMINISTIC_REFERENCE:
                return "verdict: NONDETERMINISTIC-REFERENCE - " + r.message();
            case FAITHFUL:
                return "verdict: FAITHFUL - " + total + " of " + total + " cases agree (" + r.mode() + " mode)";
            case ACCURACY_DISCREPANT:
                if (r.accuracy() == null || r.accuracy().unjudged() != null) {
                    return "verdict: ACCURACY-DISCREPANT - " + r.message();
                }
                return String.format(Locale.ROOT, "verdict: ACCURACY-DISCREPANT - accuracy %.4f -> %.4f, McNemar p = %.3g",
                        r.accuracy().torchAccuracy(), r.accuracy().onnxAccuracy(), r.accuracy().pValue());
            case FAILED:
                return "verdict: FAILED - " + (r.message() == null ? "an engine failed" : r.message());
            default: {
                List<String> reasons = new ArrayList<>();
                reasons.add(bad + " of " + total + " cases discrepant");
                WorstOutput worst = WorstOutput.discrepant(r);
                if (worst != null) {
                    StringBuilder w = new StringBuilder("worst: output ").append(worst.finding().name()).append(", case ")
                            .append(worst.caseResult().index()).append(" (").append(worst.caseResult().regimeText()).append("): ")
                            .append(worst.finding().reason());
                    WorstElement e = worst.finding().worst();
                    if (e != null) {
                        w.append("; at ").append(Arrays.toString(e.index())).append(" torch ").append(num(e.torch()))
                                .append(" onnx ").append(num(e.onnx()));
                    }
                    reasons.add(w.toString());
                }
                return "verdict: DISCREPANT - " + String.join("; ", reasons);
            }
        }
    }

    /**
     * The inputs' roles as the first case gives them, without its padding pattern (the table's regime
     * column shows each case's): {@code roles: ids token-ids [0, 100) inferred: ...; mask attention-mask ...};
     * null when no input has a role.
     */
    static String rolesLine(CheckResult r) {
        if (r.cases().isEmpty()) {
            return null;
        }
        CaseResult c = r.cases().get(0);
        List<String> parts = new ArrayList<>();
        for (InputDescription d : c.inputs()) {
            if (d.role() != null) {
                String role = c.padding() == null ? d.role() : d.role().replace(", " + c.padding(), "");
                parts.add(d.name() + " " + role);
            }
        }
        return parts.isEmpty() ? null : "roles: " + String.join("; ", parts);
    }

    private static String inputText(InputDescription d) {
        return d.name() + ":" + Tensor.shapeText(d.shape());
    }

    private static String shortHash(String h) {
        return h == null || h.length() < 12 ? String.valueOf(h) : h.substring(0, 12);
    }

    static String num(double v) {
        if (v == 0) {
            return "0";
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
