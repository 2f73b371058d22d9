package dev.parity.reports;

import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run console summary: one row per pair, then counts per outcome. Pure. */
public final class RunTable {
    private RunTable() {}

    public static String render(List<RunRecord> records) {
        boolean matrix = records.stream().anyMatch(r -> r.key().contains("#"));
        TextTable t = new TextTable("model", "config", "outcome", "worst_ratio", "acc_delta", "torch_ms", "onnx_ms",
                "expected");
        for (RunRecord r : records) {
            t.row(r.model(), matrix && r.placement() != null ? r.config() + "#" + r.placement() : r.config(), r.outcome().label(), r.worstRatio() == null ? "-" : ConsoleReport.num(r.worstRatio()),
                    r.accuracyDelta() == null ? "-" : String.format(Locale.ROOT, "%+.4f", r.accuracyDelta()),
                    ms(r.torchMs()), ms(r.onnxMs()), r.expected() == null ? "" : r.expected());
        }
        return t.render() + "\n" + counts(records);
    }

    /** One line per outcome class that occurred, in taxonomy order. */
    public static String counts(List<RunRecord> records) {
        Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
        records.forEach(r -> m.merge(r.outcome(), 1, Integer::sum));
        StringBuilder sb = new StringBuilder("outcomes:");
        m.forEach((k, v) -> sb.append(' ').append(k.label()).append('=').append(v));
        return sb.append("  (").append(records.size()).append(" pairs)\n").toString();
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
