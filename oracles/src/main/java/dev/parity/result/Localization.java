package dev.parity.result;

import java.util.List;

/**
 * Where the export first diverges from the reference: the first module, in the order modules finish,
 * whose output the attribution oracle calls discrepant while every earlier mapped boundary agrees.
 *
 * @param module the culprit's module path (e.g. {@code layer1.0.conv1}), or null when none was found
 * @param onnxNodes the ONNX nodes inside it, {@code OpType name}
 * @param ratioBefore the largest attribution ratio among the boundaries before it
 * @param ratioAfter the culprit's attribution ratio
 * @param caseIndex the input case that shows it
 * @param boundaries every boundary in order, with its ratio (null where unmapped)
 * @param unmapped module paths with no ONNX value (fused away, renamed, or outside any scope)
 * @param sessions ONNX Runtime sessions used (each exposes at most a bounded number of extra outputs)
 * @param message what was found, in one line
 */
public record Localization(String module, List<String> onnxNodes, Double ratioBefore, Double ratioAfter, int caseIndex,
        List<Boundary> boundaries, List<String> unmapped, int sessions, String message) {

    /** One module boundary: its path, whether an ONNX value was mapped to it, its attribution ratio. */
    public record Boundary(String module, boolean mapped, Double ratio, boolean discrepant) {}
}
