package dev.parity.result;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param stages where this pair's wall time went: seconds per stage, in the order the stages ran
 *     ({@code worker_start}, {@code load_torch}, {@code infer_onnx}, {@code judge}, ...; wall clock, each
 *     at most {@link #seconds}, together at most {@code seconds}); null in records written before stages
 *     were timed, and in records of pairs that were never checked (a merge's missing pair)
 */
public record RunRecord(String key, String model, String config, String generation, String family, String task,
        Outcome outcome, String verdict, String mode, String message, Double worstRatio, Double accuracyDelta,
        Double accuracyP, Double torchMs, Double onnxMs, String expected, String repro, double seconds,
        ExportRecord export, CheckResult check, String placement, String cause, ExpectationStatus status,
        String expectedFrom, String note, Map<String, Double> stages) {

    public RunRecord {
        stages = stages == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /** A record without stage timings. */
    public RunRecord(String key, String model, String config, String generation, String family, String task,
            Outcome outcome, String verdict, String mode, String message, Double worstRatio, Double accuracyDelta,
            Double accuracyP, Double torchMs, Double onnxMs, String expected, String repro, double seconds,
            ExportRecord export, CheckResult check, String placement, String cause, ExpectationStatus status,
            String expectedFrom, String note) {
        this(key, model, config, generation, family, task, outcome, verdict, mode, message, worstRatio, accuracyDelta,
                accuracyP, torchMs, onnxMs, expected, repro, seconds, export, check, placement, cause, status,
                expectedFrom, note, null);
    }

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
                e.cause(), e.judge(outcome), e.source(), note, stages);
    }

    /** This record with another outcome and message (a placement's reclassification). */
    public RunRecord withOutcome(Outcome o, String why) {
        return new RunRecord(key, model, config, generation, family, task, o, verdict, mode, why, worstRatio,
                accuracyDelta, accuracyP, torchMs, onnxMs, expected, repro, seconds, export, check, placement, cause,
                status, expectedFrom, note, stages);
    }

    /** This record with the model's note ({@code null} for none). */
    public RunRecord withNote(String modelNote) {
        return new RunRecord(key, model, config, generation, family, task, outcome, verdict, mode, message, worstRatio,
                accuracyDelta, accuracyP, torchMs, onnxMs, expected, repro, seconds, export, check, placement, cause,
                status, expectedFrom, modelNote, stages);
    }

    /** This record with another wall time and stage timings (a worker's record, timed again by the run). */
    public RunRecord withTiming(double wallSeconds, Map<String, Double> stageSeconds) {
        return new RunRecord(key, model, config, generation, family, task, outcome, verdict, mode, message, worstRatio,
                accuracyDelta, accuracyP, torchMs, onnxMs, expected, repro, wallSeconds, export, check, placement, cause,
                status, expectedFrom, note, stageSeconds);
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
