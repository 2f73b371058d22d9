package dev.parity.reports;

import static dev.parity.reports.Html.esc;
import static dev.parity.reports.Html.num;

import dev.parity.oracles.AccuracyFinding;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import dev.parity.result.ExportRecord;
import dev.parity.result.Outcome;
import dev.parity.result.RunRecord;
import dev.parity.tensor.Tensor;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code report.html}: one self-contained page (inline CSS, inline SVG charts, a few lines of inline
 * script for sorting and filtering; the page's CSP forbids any network load). Pure: data in, HTML out.
 *
 * <p>The page says why before it says what: after the counts and the gate come the findings, what
 * fails the gate first, each the pairs of one model that went wrong the same way
 * ({@link FindingGroup}) with the model's note, the reason, the cause and the worst element, and
 * its evidence (statistics, charts, provenance) behind a {@code <details>}; then the table of every
 * pair, the accuracy table and the trend of earlier runs of the same generation and selection.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** One point of the history trend: a run's label and its faithful and problem counts. */
    public record TrendPoint(String label, int faithful, int problems) {}

    /**
     * The runs a trend chart shows, oldest first: all of one converter generation and one selection
     * (models, configurations, placements, shard; {@link History#selection}), so the counts compare.
     */
    public record Trend(String generation, String selection, List<TrendPoint> points) {
        public Trend {
            points = List.copyOf(points);
        }

        /** No trend (no history). */
        public static Trend none() {
            return new Trend(null, null, List.of());
        }
    }

    /** The report with the trend of {@code points}, taken to be of this run's generation and selection. */
    public static String render(RunData data, List<TrendPoint> points) {
        return render(data, new Trend(data.generation(), History.selection(data.run()), points));
    }

    public static String render(RunData data, Trend trend) {
        List<RunRecord> recs = data.records().stream().sorted(RunRecord.REPORT_ORDER).toList();
        StringBuilder sb = Html.page("Parity run - " + data.generation());
        sb.append("<main>\n<h1>Parity run <small>converter generation ").append(esc(data.generation()))
                .append("</small></h1>\n");
        header(sb, data);
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        recs.forEach(r -> counts.merge(r.outcome(), 1, Integer::sum));
        List<FindingGroup> findings = FindingGroup.of(recs);
        sb.append("<section id=\"summary\"><div class=\"tiles\">\n");
        sb.append("<div class=\"tile\"><b data-count=\"pairs\">").append(recs.size()).append("</b><span>pairs</span></div>\n");
        for (Map.Entry<Outcome, Integer> e : counts.entrySet()) {
            sb.append("<div class=\"tile o-").append(e.getKey().label()).append("\"><b data-count=\"")
                    .append(e.getKey().label()).append("\">").append(e.getValue()).append("</b><span>")
                    .append(e.getKey().label()).append("</span></div>\n");
        }
        sb.append("</div>");
        boolean pass = recs.stream().noneMatch(RunRecord::failsGate);
        sb.append("<p class=\"gate ").append(pass ? "pass" : "fail").append("\"><b>").append(esc(RunTable.gate(recs)))
                .append("</b></p>");
        long explained = findings.stream().mapToLong(g -> g.pairs().size()).sum();
        if (data.tornLines() > 0) {
            sb.append("<p>").append(data.tornLines()).append(" torn last line of results.jsonl ignored (interrupted run).</p>");
        }
        sb.append("</section>\n");
        findings(sb, findings, explained);
        pairsTable(sb, recs, counts.keySet());
        accuracy(sb, recs);
        trend(sb, trend);
        sb.append("<footer>Made by Parity from ").append(esc(data.folder().resolve(RunData.RESULTS)))
                .append(". Ratios are attribution ratios (export error over the float32 reference's own error against its float64 twin).</footer>\n");
        sb.append("</main>\n<script>").append(Html.SCRIPT).append("</script>\n</body></html>\n");
        return sb.toString();
    }

    private static void trend(StringBuilder sb, Trend trend) {
        if (trend == null || trend.points().size() < 2) {
            return;
        }
        List<TrendPoint> pts = trend.points();
        sb.append("<section id=\"trend\"><h2>Trend of the last ").append(pts.size()).append(" runs of ")
                .append(esc(trend.generation() == null ? "every generation" : trend.generation())).append("</h2>\n")
                .append("<p class=\"sel\">Only runs of this generation and of this selection: ")
                .append(esc(trend.selection() == null ? "any" : trend.selection())).append(".</p>\n")
                .append(Charts.trend(pts.stream().map(TrendPoint::label).toList(), pts.stream().map(TrendPoint::faithful).toList(),
                        pts.stream().map(TrendPoint::problems).toList(), 900, 300)).append("</section>\n");
    }

    private static void header(StringBuilder sb, RunData data) {
        Map<String, Object> run = data.run();
        sb.append("<p class=\"runline\">");
        List<String> parts = new java.util.ArrayList<>();
        parts.add(esc(History.selection(run)));
        if (run.get("started") != null) {
            parts.add("started " + esc(instant(run.get("started"))));
        }
        String d = duration(run.get("started"), run.get("finished"));
        if (d != null) {
            parts.add("took " + esc(d));
        }
        sb.append(String.join(" &middot; ", parts)).append("</p>\n<details class=\"meta\"><summary>Engines, machine, corpus")
                .append("</summary><dl class=\"meta\">");
        meta(sb, "engines", run.get("engines"));
        meta(sb, "machine", run.get("machine"));
        meta(sb, "started", run.get("started"));
        meta(sb, "finished", run.get("finished"));
        meta(sb, "duration", d);
        meta(sb, "corpus", run.get("corpus"));
        meta(sb, "selection", History.selection(run));
        meta(sb, "verdicts", run.get("mode"));
        meta(sb, "seed", run.get("seed"));
        sb.append("</dl></details>\n");
    }

    private static void meta(StringBuilder sb, String k, Object v) {
        if (v == null) {
            return;
        }
        String text = v instanceof Map ? ((Map<?, ?>) v).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElse("") : v.toString();
        sb.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(text)).append("</dd>");
    }

    /** An ISO instant to the second, {@code 2026-11-27 22:36:04 UTC}; anything else as it is. */
    static String instant(Object iso) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.parse(iso.toString()));
        } catch (RuntimeException e) {
            return String.valueOf(iso);
        }
    }

    static String duration(Object start, Object end) {
        try {
            java.time.Duration d = java.time.Duration.between(java.time.Instant.parse(start.toString()),
                    java.time.Instant.parse(end.toString()));
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void pairsTable(StringBuilder sb, List<RunRecord> recs, Set<Outcome> present) {
        sb.append("<section id=\"pairs\"><h2>All pairs</h2>\n<div class=\"controls\"><input id=\"filter\" type=\"search\" ")
                .append("placeholder=\"filter: model, configuration, family, reason...\" aria-label=\"filter\">")
                .append("<select id=\"outcome-filter\" aria-label=\"outcome\"><option value=\"\">every outcome</option>");
        for (Outcome o : present) {
            sb.append("<option>").append(o.label()).append("</option>");
        }
        sb.append("</select><span id=\"shown\"></span></div>\n<table id=\"pairs-table\" class=\"sortable\"><thead><tr>")
                .append("<th>model</th><th>config</th><th>family</th><th>outcome</th><th>expectation</th><th>worst ratio</th>")
                .append("<th>acc. delta</th><th title=\"median (fastest..slowest) of the warm timed runs\">torch ms</th>")
                .append("<th title=\"median (fastest..slowest) of the warm timed runs\">onnx ms</th>")
                .append("<th title=\"ratio of the medians; 'spreads overlap': the runs show no difference\">onnx/torch</th>")
                .append("<th class=\"why\">reason</th>")
                .append("</tr></thead><tbody>\n");
        for (RunRecord r : recs) {
            sb.append("<tr data-outcome=\"").append(r.outcome().label()).append('"')
                    .append(r.failsGate() ? " class=\"fails\"" : "").append("><td>");
            if (FindingGroup.explained(r)) {
                sb.append("<a href=\"#").append(esc(anchor(r))).append("\">").append(esc(r.model())).append("</a>");
            } else {
                sb.append(esc(r.model()));
            }
            sb.append("</td><td>").append(esc(FindingGroup.configLabel(r))).append("</td><td>").append(esc(r.family()))
                    .append("</td><td>").append(badge(r.outcome())).append("</td><td>").append(esc(RunTable.expectation(r)))
                    .append("</td>");
            numCell(sb, r.worstRatio(), num(r.worstRatio()));
            numCell(sb, r.accuracyDelta(), r.accuracyDelta() == null ? "-" : String.format(Locale.ROOT, "%+.4f", r.accuracyDelta()));
            numCell(sb, r.torchMs(), RunTable.latency(r, true));
            numCell(sb, r.onnxMs(), RunTable.latency(r, false));
            Double lr = r.torchMs() != null && r.onnxMs() != null && r.torchMs() > 0 ? r.onnxMs() / r.torchMs() : null;
            numCell(sb, lr, RunTable.latencyRatio(r));
            String why = FindingGroup.explained(r) ? RunTable.reason(r) : "";
            sb.append("<td class=\"why\" title=\"").append(esc(why)).append("\">").append(esc(why)).append("</td></tr>\n");
        }
        sb.append("</tbody></table></section>\n");
    }

    private static void numCell(StringBuilder sb, Double v, String text) {
        sb.append("<td class=\"n\" data-v=\"").append(v == null ? "-1e300" : v.toString()).append("\">").append(esc(text))
                .append("</td>");
    }

    static String badge(Outcome o) {
        return "<span class=\"badge o-" + o.label() + "\">" + o.label() + "</span>";
    }

    /** The id of a pair's place in the findings (its configuration in its group's heading). */
    static String anchor(RunRecord r) {
        return "pair-" + r.model() + "__" + r.config() + (r.key().contains("#") ? "__" + r.placement() : "");
    }

    private static void findings(StringBuilder sb, List<FindingGroup> groups, long pairs) {
        sb.append("<section id=\"problems\"><h2>Why pairs are not faithful</h2>\n");
        if (groups.isEmpty()) {
            sb.append("<p>None: every pair is faithful and as expected.</p>\n</section>\n");
            return;
        }
        sb.append("<p class=\"sel\">").append(pairs).append(" pair(s) in ").append(groups.size())
                .append(" finding(s), what fails the gate first; a finding lists the configurations that went wrong "
                        + "the same way.</p>\n");
        // What fails the gate stays open; the known problems (as expected, each with its cause) are one
        // closed block below it, so the page a CI reader opens starts with what changed.
        List<FindingGroup> failing = groups.stream().filter(g -> g.first().failsGate()).toList();
        List<FindingGroup> known = groups.stream().filter(g -> !g.first().failsGate()).toList();
        int n = 0;
        for (FindingGroup g : failing) {
            n = finding(sb, g, n);
        }
        if (!known.isEmpty()) {
            long knownPairs = known.stream().mapToLong(g -> g.pairs().size()).sum();
            sb.append("<details class=\"known\"><summary>Known problems: ").append(knownPairs).append(" pair(s) in ")
                    .append(known.size()).append(" finding(s), as expected, each with its cause</summary>\n");
            for (FindingGroup g : known) {
                n = finding(sb, g, n);
            }
            sb.append("</details>\n");
        }
        sb.append("</section>\n");
    }

    /** One finding's card; returns the running finding number. */
    private static int finding(StringBuilder sb, FindingGroup g, int n) {
        RunRecord r = g.first();
        sb.append("<article class=\"finding").append(r.failsGate() ? " fails" : "").append("\" id=\"finding-").append(++n)
                .append("\" data-configs=\"").append(g.pairs().size()).append("\"><h3>").append(esc(r.model()))
                .append(' ').append(badge(r.outcome())).append(" <small class=\"exp\">").append(esc(RunTable.expectation(r)))
                .append("</small> <span class=\"configs\">");
        for (int i = 0; i < g.pairs().size(); i++) {
            RunRecord p = g.pairs().get(i);
            sb.append(i == 0 ? "" : ", ").append("<span class=\"cfg\" id=\"").append(esc(anchor(p))).append("\">")
                    .append(esc(FindingGroup.configLabel(p))).append("</span>");
        }
        sb.append("</span></h3>\n<dl class=\"why\">");
        if (r.note() != null) {
            sb.append("<dt>model</dt><dd class=\"note\">").append(esc(r.note())).append("</dd>");
        }
        sb.append("<dt>reason</dt><dd class=\"msg\">").append(esc(RunTable.reason(r))).append("</dd>");
        sb.append("<dt>cause</dt><dd class=\"cause\">").append(esc(RunTable.cause(r))).append("</dd>");
        sb.append("<dt>worst element</dt><dd class=\"worst\">").append(esc(RunTable.worstElement(r))).append("</dd>");
        sb.append("</dl>\n<div class=\"ev\"><details class=\"evidence\"><summary>Evidence of ").append(esc(FindingGroup.configLabel(r)))
                .append(esc(evidenceContents(r))).append("</summary>\n");
        pairEvidence(sb, r);
        sb.append("</details>\n");
        if (g.pairs().size() > 1) {
            List<String> others = g.configs().subList(1, g.pairs().size());
            sb.append("<details class=\"evidence others\"><summary>Evidence of ").append(esc(String.join(", ", others)))
                    .append("</summary>\n");
            for (RunRecord p : g.pairs().subList(1, g.pairs().size())) {
                sb.append("<h4>").append(esc(p.key())).append("</h4>\n");
                pairEvidence(sb, p);
            }
            sb.append("</details>\n");
        }
        sb.append("</div></article>\n");
        return n;
    }

    /** What a pair's evidence section holds, for its summary line: {@code : statistics, charts, provenance}. */
    static String evidenceContents(RunRecord r) {
        List<String> parts = new java.util.ArrayList<>();
        if (r.check() != null && WorstOutput.of(r.check()) != null) {
            parts.add("statistics, charts");
        }
        if (r.check() != null && r.check().cases().stream().anyMatch(c -> c.verdict() == Verdict.FAILED)) {
            parts.add("failed cases");
        }
        if (r.check() != null && r.check().localization() != null) {
            parts.add("localization");
        }
        if (r.export() != null) {
            parts.add("provenance");
        }
        if (r.repro() != null) {
            parts.add("inputs");
        }
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    private static void pairEvidence(StringBuilder sb, RunRecord r) {
        provenance(sb, r.export());
        if (r.check() != null) {
            evidence(sb, r.check());
        }
        if (r.repro() != null) {
            sb.append("<p>Inputs to reproduce: <code>").append(esc(r.repro())).append("/case&lt;i&gt;.npz</code> (use with <code>parity check --inputs</code>).</p>\n");
        }
    }

    private static void provenance(StringBuilder sb, ExportRecord e) {
        if (e == null) {
            return;
        }
        sb.append("<dl class=\"meta\">");
        meta(sb, "converter", e.converter() + (Boolean.TRUE.equals(e.dynamo()) ? " dynamo=True" : "") + " (torch "
                + e.torchVersion() + ", onnx " + e.onnxVersion()
                + (e.onnxscriptVersion() != null ? ", onnxscript " + e.onnxscriptVersion() : "") + ")");
        boolean raised = e.opsetWritten() != null && e.opsetWritten() != e.opset();
        meta(sb, "options", "opset " + e.opset() + (raised ? " (the file declares " + e.opsetWritten() + ")" : "")
                + (Boolean.TRUE.equals(e.dynamo()) ? ", onnxscript optimiser " : ", constant folding ")
                + (e.doConstantFolding() ? "on" : "off")
                + ", dynamic axes " + (e.dynamicAxes() == null || e.dynamicAxes().isEmpty() ? "none" : e.dynamicAxes())
                + (e.dynamicShapes() != null && !e.dynamicShapes().isEmpty() ? ", dynamic shapes " + e.dynamicShapes() : ""));
        meta(sb, "export time", String.format(Locale.ROOT, "%.3f s", e.exportSeconds()));
        meta(sb, "file", e.file() == null ? null : e.file() + " (sha256 " + e.sha256() + ")");
        if (e.externalData() != null && !e.externalData().isEmpty()) {
            meta(sb, "external data", String.join(", ", e.externalData().stream()
                    .map(d -> d.file() + " (sha256 " + d.sha256() + ")").toList()));
        }
        if (e.warnings() != null && !e.warnings().isEmpty()) {
            meta(sb, "exporter warnings", String.join(" | ", e.warnings()));
        }
        sb.append("</dl>\n");
    }

    private static void evidence(StringBuilder sb, CheckResult c) {
        Set<String> failures = new LinkedHashSet<>();
        for (CaseResult cr : c.cases()) {
            if (cr.verdict() == Verdict.FAILED && cr.message() != null) {
                failures.add(cr.message());
            }
        }
        WorstOutput w = WorstOutput.of(c);
        CaseResult worstCase = w == null ? null : w.caseResult();
        OutputFinding worst = w == null ? null : w.finding();
        if (!failures.isEmpty()) {
            sb.append("<p>Failed cases:</p><ul>");
            failures.forEach(m -> sb.append("<li><span class=\"msg\">").append(esc(m)).append("</span></li>"));
            sb.append("</ul>\n");
        }
        if (worstCase != null) {
            sb.append(worst.verdict() == Verdict.DISCREPANT ? "<p>Worst case: #"
                    : "<p>No output is discrepant; largest difference in case #").append(worstCase.index()).append(", input regime <b>").append(esc(worstCase.regimeText()))
                    .append("</b>, inputs ");
            worstCase.inputs().forEach(i -> sb.append("<code>").append(esc(i.name())).append(':').append(esc(i.dtype()))
                    .append(':').append(Tensor.shapeText(i.shape())).append("</code> ")
                    .append(i.role() == null ? "" : "(" + esc(i.role()) + ") "));
            sb.append("(verdicts in ").append(esc(c.mode())).append(" mode).</p>\n");
            outputsTable(sb, worstCase.outputs());
            if (worst.errorHistogram() != null || (worst.sample() != null && !worst.sample().isEmpty())) {
                sb.append("<div class=\"charts\">");
                if (worst.errorHistogram() != null) {
                    sb.append("<figure>").append(Charts.errorHistogram(worst.errorHistogram(), 460, 280))
                            .append("<figcaption>Absolute error of output ").append(esc(worst.name()))
                            .append(", elements per power of two</figcaption></figure>");
                }
                if (worst.sample() != null && !worst.sample().isEmpty()) {
                    sb.append("<figure>").append(Charts.scatter(worst.sample(), 460, 280))
                            .append("<figcaption>torch vs onnx, ").append(worst.sample().size())
                            .append(" sampled elements of ").append(esc(worst.name())).append("</figcaption></figure>");
                }
                sb.append("</div>\n");
            }
        }
        if (c.localization() != null) {
            var l = c.localization();
            sb.append("<p><b>Localization</b> (case #").append(l.caseIndex()).append("): ").append(esc(l.message()));
            if (l.module() != null) {
                sb.append("; attribution ratio ").append(esc(num(l.ratioBefore()))).append(" before it, ")
                        .append(esc(num(l.ratioAfter()))).append(" at it");
            }
            sb.append(".</p>\n");
            if (!l.boundaries().isEmpty()) {
                sb.append("<div class=\"charts\"><figure>").append(Charts.ratioAlongDepth(l.boundaries(), 900, 260))
                        .append("<figcaption>Attribution ratio at each module boundary, in the order modules finish "
                                + "(unmapped boundaries omitted)</figcaption></figure></div>\n");
            }
        }
        if (c.accuracy() != null) {
            AccuracyFinding a = c.accuracy();
            sb.append(String.format(Locale.ROOT, "<p>Accuracy on %d labelled samples: torch %.4f, onnx %.4f (delta %+.4f, "
                    + "95%% CI %+.4f..%+.4f), exact McNemar p = %.3g.</p>%n", a.samples(), a.torchAccuracy(),
                    a.onnxAccuracy(), a.delta(), a.deltaLow(), a.deltaHigh(), a.pValue()));
        }
    }

    private static void outputsTable(StringBuilder sb, List<OutputFinding> outs) {
        sb.append("<table><thead><tr><th>output</th><th>verdict</th><th>shape torch / onnx</th><th>max abs</th><th>p99 abs</th>")
                .append("<th>max rel</th><th>cosine</th><th>mismatch</th><th>ratio</th><th>onnx err</th><th>torch err</th>")
                .append("<th>worst element</th><th>top-1</th></tr></thead><tbody>\n");
        for (OutputFinding f : outs) {
            var s = f.stats();
            var a = f.attribution();
            sb.append("<tr><td>").append(esc(f.name())).append("</td><td>").append(esc(f.verdict().label())).append("</td><td>")
                    .append(f.shapeTorch() == null ? "-" : Tensor.shapeText(f.shapeTorch()) + " / " + Tensor.shapeText(f.shapeOnnx()))
                    .append("</td><td class=\"n\">").append(s == null ? "-" : num(s.maxAbs()))
                    .append("</td><td class=\"n\">").append(s == null ? "-" : num(s.p99Abs()))
                    .append("</td><td class=\"n\">").append(s == null ? "-" : num(s.maxRel()))
                    .append("</td><td class=\"n\">").append(s == null ? "-" : String.format(Locale.ROOT, "%.6f", s.cosine()))
                    .append("</td><td class=\"n\">").append(s == null ? "-" : s.mismatches() + "/" + s.elements())
                    .append("</td><td class=\"n\">").append(a == null ? "-" : num(a.ratio()))
                    .append("</td><td class=\"n\">").append(a == null ? "-" : num(a.onnxErr()))
                    .append("</td><td class=\"n\">").append(a == null ? "-" : num(a.torchErr()))
                    .append("</td><td>").append(f.worst() == null ? "-" : Arrays.toString(f.worst().index()) + " torch "
                            + num(f.worst().torch()) + ", onnx " + num(f.worst().onnx()))
                    .append("</td><td class=\"n\">").append(f.classification() == null ? "-"
                            : String.format(Locale.ROOT, "%.3f (%d flips)", f.classification().top1Agreement(),
                                    f.classification().labelFlips()))
                    .append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n");
        for (OutputFinding f : outs) {
            if (f.reason() != null) {
                sb.append("<p><b>").append(esc(f.name())).append("</b>: ").append(esc(f.reason())).append("</p>\n");
            }
        }
    }

    private static void accuracy(StringBuilder sb, List<RunRecord> recs) {
        List<RunRecord> acc = recs.stream().filter(r -> r.check() != null && r.check().accuracy() != null).toList();
        if (acc.isEmpty()) {
            return;
        }
        sb.append("<section id=\"accuracy\"><h2>Accuracy on labelled data</h2><table><thead><tr><th>pair</th><th>samples</th>")
                .append("<th>torch acc.</th><th>onnx acc.</th><th>delta (95% CI)</th><th>torch-only / onnx-only correct</th>")
                .append("<th>McNemar p</th><th>verdict</th></tr></thead><tbody>\n");
        for (RunRecord r : acc) {
            AccuracyFinding a = r.check().accuracy();
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=\"n\">%d</td><td class=\"n\">%.4f</td>"
                    + "<td class=\"n\">%.4f</td><td class=\"n\">%+.4f (%+.4f..%+.4f)</td><td class=\"n\">%d / %d</td>"
                    + "<td class=\"n\">%.3g</td><td>%s</td></tr>%n", esc(r.key()), a.samples(), a.torchAccuracy(),
                    a.onnxAccuracy(), a.delta(), a.deltaLow(), a.deltaHigh(), a.torchOnlyCorrect(), a.onnxOnlyCorrect(),
                    a.pValue(), a.discrepant() ? "accuracy-discrepant" : "no accuracy change"));
        }
        sb.append("</tbody></table></section>\n");
    }
}
