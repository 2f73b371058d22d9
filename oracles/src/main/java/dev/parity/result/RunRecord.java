package dev.parity.result;


/**
 * One line of {@code results.jsonl}: what happened to one model under one converter
 * configuration of one generation. {@code check} is the full check result (null when the export
 * never produced a file); the other numbers are its headline, so tables need no digging.
 *
 * @param key {@code model/config}, unique within a run
 * @param worstRatio the largest attribution ratio over all cases and outputs, or null
 * @param accuracyDelta onnx accuracy minus torch accuracy on the model's labelled data, or null
 * @param torchMs median TorchScript inference time over the cases, milliseconds
 * @param onnxMs median ONNX Runtime inference time over the cases, milliseconds
 * @param expected the verdict the manifest records as known for this configuration, or null
 * @param repro folder (relative to the run folder) holding the inputs of non-faithful cases
 * @param seconds wall time of this pair
 * @param placement the ONNX placement ({@code cpu}, {@code cuda:0}, {@code cpu:opt=disabled});
 *     matrix runs suffix the key with {@code #placement}
 */
public record RunRecord(String key, String model, String config, String generation, String family, String task,
        Outcome outcome, String verdict, String mode, String message, Double worstRatio, Double accuracyDelta,
        Double accuracyP, Double torchMs, Double onnxMs, String expected, String repro, double seconds,
        ExportRecord export, CheckResult check, String placement) {}
