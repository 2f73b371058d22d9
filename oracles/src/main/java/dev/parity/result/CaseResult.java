package dev.parity.result;

import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import java.util.List;

/**
 * The outcome of one input case: which inputs were fed, what each output's oracle found, and how
 * long each engine took.
 *
 * @param index case number within the check
 * @param regime value regime of the generated inputs ({@code normal}, {@code large}, ...) or
 *     {@code data} for user-supplied inputs
 * @param message for a failed case, which engine failed and why
 * @param torchMs wall time of the TorchScript inference, milliseconds (null if it did not run)
 * @param onnxMs wall time of the ONNX Runtime inference, milliseconds (null if it did not run)
 * @param padding the padding pattern of the attention masks ({@code no-padding}, {@code trailing-padding},
 *     {@code padded-row}); null when no input is a mask (and in results written before the field existed)
 */
public record CaseResult(
        int index,
        String regime,
        List<InputDescription> inputs,
        Verdict verdict,
        String message,
        List<OutputFinding> outputs,
        Double torchMs,
        Double onnxMs,
        String padding) {

    /** A case without a padding pattern. */
    public CaseResult(int index, String regime, List<InputDescription> inputs, Verdict verdict, String message,
            List<OutputFinding> outputs, Double torchMs, Double onnxMs) {
        this(index, regime, inputs, verdict, message, outputs, torchMs, onnxMs, null);
    }

    /** The regime and, when there is one, the padding pattern, e.g. {@code discrete padded-row}. */
    public String regimeText() {
        return padding == null ? regime : regime + " " + padding;
    }
}
