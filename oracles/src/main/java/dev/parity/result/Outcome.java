package dev.parity.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import java.util.Locale;

/**
 * The one taxonomy of what happened to a model/export pair, shared by {@code check}, {@code run}
 * and the reports. Ordered from the earliest stage that can fail to the best outcome.
 */
public enum Outcome {
    /** A file's sha256 differs from the one the manifest or provenance pins: not loaded. */
    INTEGRITY_FAILURE,
    /** A model file refused as unsafe before any engine saw it. */
    UNSAFE_MODEL,
    /** The converter raised an error: no ONNX file. */
    EXPORT_CRASH,
    /** The converter wrote a file that the ONNX checker rejects. */
    CHECKER_FAILURE,
    /** ONNX Runtime (or libtorch) refused to load the model. */
    LOAD_FAILURE,
    /** An engine failed on some inputs. */
    RUNTIME_FAILURE,
    /** The worker process checking the pair died (a native crash, an abort, out of memory). */
    CRASH,
    /** The pair did not finish within the per-pair time limit; its worker was killed. */
    TIMEOUT,
    /** The reference's outputs differ between two runs on the same inputs: nothing was compared. */
    NONDETERMINISTIC_REFERENCE,
    /** An output's shape or element type differs (or a model returns another number of rows than it was fed). */
    SHAPE_MISMATCH,
    /** Output values differ beyond floating-point noise (or NaN/Inf placement differs). */
    NUMERIC_DISCREPANCY,
    /** On labelled data the accuracy differs beyond chance. */
    ACCURACY_DISCREPANCY,
    /** Faithful on the matrix's baseline placement, discrepant on another device (e.g. CUDA vs CPU). */
    DEVICE_DISCREPANCY,
    /** Faithful on the baseline placement, discrepant at another ONNX Runtime optimisation level. */
    OPTIMIZATION_DISCREPANCY,
    /** No record: the shard that owned the pair did not finish ({@code parity merge --allow-partial}). */
    MISSING,
    /** Everything agrees. */
    FAITHFUL;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static Outcome parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Whether this outcome should fail a CI job. */
    public boolean isProblem() {
        return this != FAITHFUL;
    }

    /** The outcome of a finished check. */
    public static Outcome of(CheckResult r) {
        switch (r.verdict()) {
            case FAITHFUL:
                return FAITHFUL;
            case ACCURACY_DISCREPANT:
                return ACCURACY_DISCREPANCY;
            case FAILED:
                return r.cases().isEmpty() ? LOAD_FAILURE : RUNTIME_FAILURE;
            case NONDETERMINISTIC_REFERENCE:
                return NONDETERMINISTIC_REFERENCE;
            default:
                for (CaseResult c : r.cases()) {
                    for (OutputFinding f : c.outputs()) {
                        if (f.verdict() == Verdict.DISCREPANT && (f.stats() == null || f.dtypeTorch() != f.dtypeOnnx())) {
                            return SHAPE_MISMATCH;
                        }
                    }
                }
                boolean outputDiscrepant = r.cases().stream().flatMap(c -> c.outputs().stream())
                        .anyMatch(f -> f.verdict() == Verdict.DISCREPANT);
                if (!outputDiscrepant && r.accuracy() != null && r.accuracy().unjudged() != null) {
                    return SHAPE_MISMATCH; // labelled batches came back with another number of rows
                }
                return NUMERIC_DISCREPANCY;
        }
    }
}
