package dev.parity.result;

import dev.parity.oracles.Verdict;
import java.util.List;
import java.util.Map;

/**
 * The whole result of checking one TorchScript/ONNX pair; its JSON form is Parity's contract
 * for scripts (fields are added, never renamed).
 *
 * @param verdict overall verdict: discrepant if any case is, else failed if any case failed or a
 *     model could not be loaded, else faithful
 * @param mode how verdicts were decided ({@code tolerance})
 * @param engines engine names to versions
 * @param message why the check failed, when it did
 */
public record CheckResult(
        Verdict verdict,
        String mode,
        ModelFile torch,
        ModelFile onnx,
        Map<String, String> engines,
        long seed,
        String message,
        List<CaseResult> cases) {}
