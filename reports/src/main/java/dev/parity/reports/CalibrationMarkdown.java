package dev.parity.reports;

import dev.parity.oracles.Attribution;
import dev.parity.oracles.AttributionConfig;
import dev.parity.oracles.AttributionOracle;
import dev.parity.oracles.OutputJudge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Renders a {@link Calibration} as Markdown: the table the README pastes, the held-out false alarms
 * and misses by pair, how each threshold was chosen, the split, and the command that reproduces it;
 * optionally the per-pair evidence table that docs/calibration.md holds.
 */
public final class CalibrationMarkdown {
    private CalibrationMarkdown() {}

    /** The summary: table, errors by pair, choices, split, and {@code command} to reproduce it. */
    public static String summary(Calibration c, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("| mode | parameters | false alarms (held-out) | misses (held-out) | errors on the tuning half |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Calibration.Row r : c.rows()) {
            sb.append("| ").append(r.mode()).append(" | ").append(r.parameters())
                    .append(r.chosen() ? " (chosen on the tuning half)" : r.mode().startsWith("fixed") ? "" : " (shipped)")
                    .append(" | ").append(r.heldOut().falseAlarms().size()).append(" of ").append(r.heldOut().negatives())
                    .append(" faithful | ").append(r.heldOut().misses().size()).append(" of ")
                    .append(r.heldOut().positives()).append(" problem | ").append(r.tuning().count()).append(" of ")
                    .append(r.tuning().negatives() + r.tuning().positives()).append(" |\n");
        }
        sb.append("\nHeld-out false alarms and misses:\n\n");
        for (Calibration.Row r : c.rows()) {
            sb.append("- ").append(r.mode()).append(", ").append(r.parameters()).append(": ");
            Calibration.Errors e = r.heldOut();
            if (e.count() == 0) {
                sb.append("none\n");
            } else {
                sb.append("false alarms ").append(keys(e.falseAlarms())).append("; misses ").append(keys(e.misses()))
                        .append('\n');
            }
        }
        sb.append("\nChosen on the tuning half (fewest errors; among ties the geometric middle of the range between the "
                + "largest negative and the smallest positive that bound it):\n\n");
        for (Calibration.Choice ch : c.choices()) {
            sb.append("- ").append(ch.name()).append(" = ").append(ch.value()).append(": errors minimal for ")
                    .append(ch.name()).append(" in [").append(Calibration.num(ch.lo())).append(", ")
                    .append(ch.unbounded() ? "infinity" : Calibration.num(ch.hi())).append(')');
            if (ch.unbounded()) {
                sb.append(ch.lo() == 0 ? ", nothing bounds it: 0" : ", no positive bounds it: twice the lower end");
            } else if (ch.lo() == 0) {
                sb.append(", no negative needs more than 0: 0");
            }
            sb.append('\n');
        }
        Map<Calibration.Half, TreeSet<String>> models = c.models();
        sb.append("\nGround truth: each pair's `expected` outcome (`").append(Calibration.FAITHFUL)
                .append("`: negative; `").append(String.join("`, `", Calibration.PROBLEMS))
                .append("`: positive), never a verdict; pairs with other outcomes or without numbers are left out. ")
                .append("Decisions are re-derived from every case's per-output evidence (the accuracy test is not part "
                        + "of them). Split by model, so that one model's configurations stay together: a model is in the "
                        + "tuning half when the first byte of SHA-256 of its name (UTF-8) is below 0x80, else held out. ");
        for (Calibration.Half h : Calibration.Half.values()) {
            sb.append(cap(h.label())).append(" half: ").append(models.get(h).size()).append(" models (")
                    .append(String.join(", ", models.get(h))).append("). ");
        }
        sb.append("Left out: attribution run ").append(c.attribution().leftOut()).append(", tolerance run ")
                .append(c.noise().leftOut());
        if (c.fixed() != null) {
            sb.append(", fixed-tolerance run ").append(c.fixed().leftOut());
        }
        sb.append(".\n\nReproduce: `").append(command).append("`\n");
        return sb.toString();
    }

    /** The summary followed by one row per pair: its half, expectation, evidence and every decision. */
    public static String full(Calibration c, String command) {
        StringBuilder sb = new StringBuilder(summary(c, command));
        AttributionConfig chosen = new AttributionConfig(c.choices().get(0).value(), c.choices().get(1).value());
        double k = c.choices().get(2).value();
        Map<String, Calibration.Pair[]> byKey = new LinkedHashMap<>();
        List<Calibration.Selection> runs = new ArrayList<>(List.of(c.attribution(), c.noise()));
        if (c.fixed() != null) {
            runs.add(c.fixed());
        }
        for (int i = 0; i < runs.size(); i++) {
            for (Calibration.Pair p : runs.get(i).pairs()) {
                byKey.computeIfAbsent(p.key(), x -> new Calibration.Pair[3])[i] = p;
            }
        }
        sb.append("\n| pair | half | expected | worst ratio | its onnx_err | discrepant below K | attribution (chosen) "
                + "| attribution (shipped) | noise-aware (chosen) | noise-aware (shipped) | fixed tolerance |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Calibration.Pair[]> e : byKey.entrySet()) {
            Calibration.Pair[] p = e.getValue();
            Calibration.Pair any = p[0] != null ? p[0] : p[1] != null ? p[1] : p[2];
            Attribution w = p[0] == null ? null : p[0].worstAttribution();
            sb.append("| ").append(e.getKey()).append(" | ").append(any.half().label()).append(" | ")
                    .append(any.expected()).append(" | ")
                    .append(w == null ? "-" : Calibration.num(AttributionOracle.ratio(w.onnxErr(), w.torchErr())))
                    .append(" | ").append(w == null ? "-" : Calibration.num(w.onnxErr())).append(" | ")
                    .append(p[1] == null ? "-" : Calibration.num(p[1].noiseEdge())).append(" | ")
                    .append(decision(p[0], x -> x.discrepantByAttribution(chosen))).append(" | ")
                    .append(decision(p[0], x -> x.discrepantByAttribution(AttributionConfig.defaults()))).append(" | ")
                    .append(decision(p[1], x -> x.discrepantAtNoiseFactor(k))).append(" | ")
                    .append(decision(p[1], x -> x.discrepantAtNoiseFactor(OutputJudge.DEFAULT_NOISE_FACTOR)))
                    .append(" | ").append(decision(p[2], Calibration.Pair::fixed)).append(" |\n");
        }
        return sb.toString();
    }

    private static String decision(Calibration.Pair p, Predicate<Calibration.Pair> rule) {
        if (p == null) {
            return "-";
        }
        boolean d = rule.test(p);
        String v = d ? "discrepant" : "faithful";
        if (d != p.positive()) {
            return "**" + v + "** (" + (d ? "false alarm" : "miss") + ")";
        }
        return v;
    }

    private static String keys(List<String> keys) {
        return keys.isEmpty() ? "none" : "`" + String.join("`, `", keys) + "`";
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
