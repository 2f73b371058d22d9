package dev.parity.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.parity.oracles.Verdict;
import java.util.List;

/**
 * A discrepant export run again with ONNX Runtime's graph optimisations off, on the inputs of the cases
 * that were discrepant, and judged by the same oracles against the same reference outputs. It tells
 * whether ONNX Runtime's optimisations cause the discrepancy ({@link #CAUSE_OPTIMIZATIONS}) or the export
 * disagrees without them ({@link #CAUSE_GRAPH_OR_KERNELS}). The second cannot tell a wrong graph from a
 * wrong ONNX Runtime kernel: only another runtime can.
 *
 * @param level the optimisation level of the second run ({@code disabled})
 * @param checkedLevel the level the check ran at ({@code all}, {@code extended} or {@code basic})
 * @param verdict {@code discrepant} when any re-run case is, {@code faithful} when none is, {@code failed}
 *     when the export could not be loaded or run at {@code level}
 * @param cause {@value #CAUSE_GRAPH_OR_KERNELS}, {@value #CAUSE_OPTIMIZATIONS}, or null when failed
 * @param cases indices of the cases run again (the discrepant ones)
 * @param discrepantCases how many of them are discrepant at {@code level}
 * @param worstRatio the largest attribution ratio at {@code level} (attribution mode), else null
 * @param message one line: what was found and what it means
 */
public record OptimizationProbe(String level, String checkedLevel, Verdict verdict, String cause, List<Integer> cases,
        int discrepantCases, Double worstRatio, String message) {
    /** Discrepant without optimisations: the exported graph, or ONNX Runtime's kernels, disagree. */
    public static final String CAUSE_GRAPH_OR_KERNELS = "graph-or-kernels";
    /** Faithful without optimisations: ONNX Runtime's graph optimisations cause the discrepancy. */
    public static final String CAUSE_OPTIMIZATIONS = "runtime-optimizations";

    @JsonCreator
    public OptimizationProbe {
        cases = cases == null ? List.of() : List.copyOf(cases);
    }
}
