package dev.parity.junit;

import dev.parity.errors.BadInputException;
import dev.parity.check.CheckRequest;
import dev.parity.check.ParityCheck;
import dev.parity.oracles.OutputFinding;
import dev.parity.oracles.Verdict;
import dev.parity.oracles.WorstElement;
import dev.parity.result.CaseResult;
import dev.parity.result.CheckResult;
import java.nio.file.Path;
import java.util.Arrays;
import org.opentest4j.AssertionFailedError;

/**
 * JUnit 5 assertions over a Parity check of a TorchScript reference against its ONNX export.
 *
 * <pre>{@code
 * @Test
 * void exportIsFaithful() {
 *     ParityAssertions.assertFaithful(CheckRequest.builder(Path.of("model.pt"), Path.of("model.onnx"))
 *             .optReference64(Path.of("model64.pt")).build());
 * }
 * }</pre>
 *
 * <p>A failure's message carries the verdict, the reason, the worst element (output, case, index, both
 * values) and, where the caller knows it, the cause. Bad input (a missing file, a model that is not
 * TorchScript, an unsafe archive) fails the test with that one-line message as well.
 */
public final class ParityAssertions {
    private ParityAssertions() {}

    /** Checks the pair and fails unless it is faithful; returns the result for further assertions. */
    public static CheckResult assertFaithful(CheckRequest request) {
        return assertFaithful(request, null);
    }

    /** The pair at these paths, with a float64 twin (attribution mode, the recommended one). */
    public static CheckResult assertFaithful(Path torch, Path torch64, Path onnx) {
        return assertFaithful(CheckRequest.builder(torch, onnx).optReference64(torch64).build(), null);
    }

    /**
     * Checks the pair and fails unless it is faithful.
     *
     * @param cause what the caller knows about why the pair might not be faithful, added to the message, or null
     */
    public static CheckResult assertFaithful(CheckRequest request, String cause) {
        CheckResult r = run(request);
        if (r.verdict() != Verdict.FAITHFUL) {
            throw new AssertionFailedError(describe(r, cause));
        }
        return r;
    }

    /** Checks the pair and fails unless its verdict is {@code expected} (a known problem stays known). */
    public static CheckResult assertVerdict(Verdict expected, CheckRequest request, String cause) {
        CheckResult r = run(request);
        if (r.verdict() != expected) {
            throw new AssertionFailedError("expected " + expected.label() + " but was " + describe(r, cause),
                    expected.label(), r.verdict().label());
        }
        return r;
    }

    private static CheckResult run(CheckRequest request) {
        try {
            return ParityCheck.run(request);
        } catch (BadInputException e) {
            throw new AssertionFailedError("parity check could not run: " + e.getMessage(), e);
        }
    }

    /**
     * One paragraph: {@code numeric-discrepancy: 4 of 4 cases discrepant; worst: output y, case 0
     * (normal) at [0, 0, 5, 3]: torch 0.505, onnx 0.337 ... cause: ...}.
     */
    public static String describe(CheckResult r, String cause) {
        StringBuilder sb = new StringBuilder(r.verdict().label());
        String reason = dev.parity.reports.ConsoleReport.reason(r);
        if (reason != null) {
            sb.append(": ").append(reason);
        }
        CaseResult worstCase = null;
        OutputFinding worst = null;
        for (CaseResult c : r.cases()) {
            for (OutputFinding f : c.outputs()) {
                if (f.verdict() == Verdict.DISCREPANT && f.worst() != null
                        && (worst == null || ratio(f) > ratio(worst))) {
                    worst = f;
                    worstCase = c;
                }
            }
        }
        if (worst != null && (reason == null || !reason.contains("; at "))) {
            WorstElement e = worst.worst();
            sb.append("; worst element: output ").append(worst.name()).append(", case ").append(worstCase.index())
                    .append(" (").append(worstCase.regime()).append(") at ").append(Arrays.toString(e.index()))
                    .append(": torch ").append(e.torch()).append(", onnx ").append(e.onnx());
        }
        if (cause != null) {
            sb.append("; cause: ").append(cause);
        }
        sb.append(" [torch ").append(r.torch().path()).append(", onnx ").append(r.onnx().path()).append(", mode ")
                .append(r.mode()).append(", seed ").append(r.seed()).append(']');
        return sb.toString();
    }

    private static double ratio(OutputFinding f) {
        return f.attribution() != null ? f.attribution().ratio() : f.stats() != null ? f.stats().maxAbs() : 0;
    }
}
