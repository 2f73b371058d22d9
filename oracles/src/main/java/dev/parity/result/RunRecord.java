package dev.parity.result;

import java.util.Comparator;

/**
 * One line of {@code results.jsonl}: what happened to one model under one converter
 * configuration of one generation. {@code check} is the full check result (null when the export
 * never produced a file); the other numbers are its headline, so tables need no digging.
 *
 * @param key {@code model/config}, unique within a run
 * @param message the reason sentence: why the pair is not faithful (the worst evidence of a
 *     discrepancy, the accuracy test, the engine's error), null for a faithful pair
 * @param worstRatio the largest attribution ratio over all cases and outputs, or null
 * @param accuracyDelta onnx accuracy minus torch accuracy on the model's labelled data, or null
 * @param torchMs median TorchScript inference time over the cases, milliseconds
 * @param onnxMs median ONNX Runtime inference time over the cases, milliseconds
 * @param expected the expected outcome's label ({@link Expectation}), or null before the pair was judged
 *     against one (runs before expectations existed recorded a verdict label here)
 * @param repro folder (relative to the run folder) holding the inputs of non-faithful cases
 * @param seconds wall time of this pair
 * @param placement the ONNX placement ({@code cpu}, {@code cuda:0}, {@code cpu:opt=disabled});
 *     matrix runs suffix the key with {@code #placement}
 * @param cause the expectation's cause sentence (why the expected outcome happens), or null
 * @param status the outcome against the expectation, or null when none was applied
 * @param expectedFrom where the expectation came from ({@code manifest}, {@code baseline DIR}), or null
 * @param note the model's own note from the corpus manifest ({@code notes}: what the model is built to
 *     exercise, e.g. "border divisor differs"), or null; records written before the field existed lack it
 */
public record RunRecord(String key, String model, String config, String generation, String family, String task,
        Outcome outcome, String verdict, String mode, String message, Double worstRatio, Double accuracyDelta,
        Double accuracyP, Double torchMs, Double onnxMs, String expected, String repro, double seconds,
        ExportRecord export, CheckResult check, String placement, String cause, ExpectationStatus status,
        String expectedFrom, String note) {

    /** A record without the model's note. */
    public RunRecord(String key, String model, String config, String generation, String family, String task,
            Outcome outcome, String verdict, String mode, String message, Double worstRatio, Double accuracyDelta,
            Double accuracyP, Double torchMs, Double onnxMs, String expected, String repro, double seconds,
            ExportRecord export, CheckResult check, String placement, String cause, ExpectationStatus status,
            String expectedFrom) {
        this(key, model, config, generation, family, task, outcome, verdict, mode, message, worstRatio, accuracyDelta,
                accuracyP, torchMs, onnxMs, expected, repro, seconds, export, check, placement, cause, status,
                expectedFrom, null);
    }

    /** A record not yet judged against an expectation. */
    public RunRecord(String key, String model, String config, String generation, String family, String task,
            Outcome outcome, String verdict, String mode, String message, Double worstRatio, Double accuracyDelta,
            Double accuracyP, Double torchMs, Double onnxMs, String expected, String repro, double seconds,
            ExportRecord export, CheckResult check, String placement) {
        this(key, model, config, generation, family, task, outcome, verdict, mode, message, worstRatio, accuracyDelta,
                accuracyP, torchMs, onnxMs, expected, repro, seconds, export, check, placement, null, null, null);
    }

    /** This record judged against {@code e}. */
    public RunRecord expecting(Expectation e) {
        return new RunRecord(key, model, config, generation, family, task, outcome, verdict, mode, message, worstRatio,
                accuracyDelta, accuracyP, torchMs, onnxMs, e.outcome().label(), repro, seconds, export, check, placement,
                e.cause(), e.judge(outcome), e.source(), note);
    }

    /** This record with another outcome and message (a placement's reclassification). */
    public RunRecord withOutcome(Outcome o, String why) {
        return new RunRecord(key, model, config, generation, family, task, o, verdict, mode, why, worstRatio,
                accuracyDelta, accuracyP, torchMs, onnxMs, expected, repro, seconds, export, check, placement, cause,
                status, expectedFrom, note);
    }

    /** This record with the model's note ({@code null} for none). */
    public RunRecord withNote(String modelNote) {
        return new RunRecord(key, model, config, generation, family, task, outcome, verdict, mode, message, worstRatio,
                accuracyDelta, accuracyP, torchMs, onnxMs, expected, repro, seconds, export, check, placement, cause,
                status, expectedFrom, modelNote);
    }

    /**
     * Whether a regression gate fails on this record: its status says so, or, for a record never
     * judged against an expectation, it is not faithful.
     */
    public boolean failsGate() {
        return status != null ? status.failsGate() : outcome.isProblem();
    }

    /** 0: unexpected or fixed, 1: an expected problem, 2: faithful as expected. */
    public int reportRank() {
        if (failsGate()) {
            return 0;
        }
        return outcome.isProblem() ? 1 : 2;
    }

    /**
     * The order every report lists pairs in: what fails the gate first, then expected problems, then
     * faithful pairs, each group in run order (the sort is stable).
     */
    public static final Comparator<RunRecord> REPORT_ORDER = Comparator.comparingInt(RunRecord::reportRank);
}
