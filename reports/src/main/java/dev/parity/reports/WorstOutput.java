package dev.parity.reports;

import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.oracles.WorstElement;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import java.util.Arrays;

/**
 * The worst output of a check and the case it occurred in: the one rule every report uses to pick
 * the evidence it shows first. Worst is: a shape or type difference (no statistics), then a
 * non-finite disagreement, then the largest attribution ratio (the statistic of the verdict), else
 * the largest absolute error. Discrepant outputs outrank agreeing ones.
 */
public record WorstOutput(CaseResult caseResult, OutputFinding finding) {

    /** The worst discrepant output, or null when no output is discrepant (or nothing was compared). */
    public static WorstOutput discrepant(CheckResult c) {
        return pick(c, true);
    }

    /**
     * The worst discrepant output, else the worst of all compared outputs (an accuracy discrepancy
     * whose elements all agree still has a largest difference), or null when no output was compared.
     */
    public static WorstOutput of(CheckResult c) {
        WorstOutput w = pick(c, true);
        return w != null ? w : pick(c, false);
    }

    private static WorstOutput pick(CheckResult c, boolean discrepantOnly) {
        if (c == null) {
            return null;
        }
        WorstOutput best = null;
        for (CaseResult k : c.cases()) {
            for (OutputFinding f : k.outputs()) {
                if (discrepantOnly && f.verdict() != Verdict.DISCREPANT) {
                    continue;
                }
                if (best == null || score(f) > score(best.finding())) {
                    best = new WorstOutput(k, f);
                }
            }
        }
        return best;
    }

    static double score(OutputFinding f) {
        if (f.stats() == null) {
            return Double.MAX_VALUE;
        }
        if (f.stats().nonfiniteMismatches() > 0) {
            return Double.MAX_VALUE / 2;
        }
        return f.attribution() != null ? f.attribution().ratio() : f.stats().maxAbs();
    }

    /**
     * The worst element in one line: {@code output y, case 0 (normal): at [0, 0, 5, 3] torch 0.505,
     * onnx 0.337}; an output without an aligned element (shapes differ) says so.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("output ").append(finding.name()).append(", case ").append(caseResult.index())
                .append(" (").append(caseResult.regimeText()).append("): ");
        WorstElement e = finding.worst();
        if (e == null) {
            return sb.append(finding.reason() != null ? finding.reason() : "no element to compare").toString();
        }
        return sb.append("at ").append(Arrays.toString(e.index())).append(" torch ").append(ConsoleReport.num(e.torch()))
                .append(", onnx ").append(ConsoleReport.num(e.onnx())).toString();
    }

    /** {@link #describe()} of the check's worst output, or {@code null} when it compared no output. */
    public static String describe(CheckResult c) {
        WorstOutput w = of(c);
        return w == null ? null : w.describe();
    }
}
