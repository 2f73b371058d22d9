package dev.parity.reports;

import dev.parity.result.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pairs of one model that went wrong the same way under several configurations: the same
 * outcome, expectation and cause, and the same reason once each configuration's own name and opset
 * are set aside ({@code opset version 13} and {@code opset version 17} read alike). A report shows
 * such a finding once, listing its configurations, instead of once per configuration.
 *
 * @param pairs the records of the group, in report order; never empty
 */
public record FindingGroup(List<RunRecord> pairs) {
    private static final Pattern OPSET_IN_CONFIG = Pattern.compile("opset[ _-]?(\\d+)");

    public FindingGroup {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a finding group holds at least one pair");
        }
        pairs = List.copyOf(pairs);
    }

    /** Whether the reports explain this pair: it is not faithful, or not as expected (a fixed pair). */
    public static boolean explained(RunRecord r) {
        return r.outcome().isProblem() || r.failsGate();
    }

    /**
     * The findings among {@code records}, in report order ({@link RunRecord#REPORT_ORDER}: what
     * fails the gate first); each group keeps its pairs in that order too.
     */
    public static List<FindingGroup> of(List<RunRecord> records) {
        Map<String, List<RunRecord>> groups = new LinkedHashMap<>();
        records.stream().sorted(RunRecord.REPORT_ORDER).filter(FindingGroup::explained)
                .forEach(r -> groups.computeIfAbsent(sameness(r), k -> new ArrayList<>()).add(r));
        return groups.values().stream().map(FindingGroup::new).toList();
    }

    /** The pair whose evidence the group shows first. */
    public RunRecord first() {
        return pairs.get(0);
    }

    /** The configurations of the group, each with its placement in a matrix run ({@code opset13#cuda:0}). */
    public List<String> configs() {
        return pairs.stream().map(FindingGroup::configLabel).toList();
    }

    static String configLabel(RunRecord r) {
        return r.key().contains("#") && r.placement() != null ? r.config() + "#" + r.placement() : r.config();
    }

    /** What two pairs of one group share; pairs with equal keys are the same finding. */
    static String sameness(RunRecord r) {
        return String.join("\u0000", r.model(), r.outcome().label(), String.valueOf(r.status()),
                String.valueOf(r.expected()), String.valueOf(r.cause()), String.valueOf(withoutConfig(r.message(), r)));
    }

    /** {@code text} with the pair's configuration name and its opset number replaced by placeholders. */
    static String withoutConfig(String text, RunRecord r) {
        if (text == null) {
            return null;
        }
        String t = text.replace(r.config(), "{config}");
        Integer opset = r.export() != null ? Integer.valueOf(r.export().opset()) : null;
        Matcher m = OPSET_IN_CONFIG.matcher(r.config());
        if (opset == null && m.find()) {
            opset = Integer.valueOf(m.group(1));
        }
        if (opset != null) {
            t = t.replaceAll("(?i)(opset[ _-]?(?:version[ _-]?)?)" + opset + "(?!\\d)", "$1{opset}");
        }
        return t;
    }
}
