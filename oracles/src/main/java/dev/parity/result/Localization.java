package dev.parity.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * Where the export first diverges from the reference: the first module, in the order modules finish,
 * whose output the attribution oracle calls discrepant while every earlier judged boundary agrees.
 *
 * <p>A localization that judged no boundary at all ({@link Status#FAILED}) says why and never
 * claims that no boundary diverges; one that judged some but not all mapped boundaries says how many
 * of each in its message and in {@code failure}.
 *
 * @param module the culprit's module path (e.g. {@code layer1.0.conv1}), or null when none was found
 * @param onnxNodes the ONNX nodes inside it, {@code OpType name}
 * @param ratioBefore the largest attribution ratio among the boundaries before it
 * @param ratioAfter the culprit's attribution ratio
 * @param caseIndex the input case that shows it
 * @param boundaries every boundary in order, with its ratio (null where not judged)
 * @param unmapped module paths with no ONNX value (fused away, renamed, or outside any scope)
 * @param sessions ONNX Runtime sessions used (each exposes at most a bounded number of extra outputs)
 * @param message what was found, in one line; {@code localization failed: REASON} when nothing was judged
 * @param status whether a culprit was named, none diverged, or nothing could be judged (added later:
 *     derived from the other fields when reading results written before it)
 * @param judged how many boundaries were judged (compared by the attribution oracle)
 * @param failure why nothing, or not everything mapped, was judged; null when every mapped boundary was
 */
public record Localization(String module, List<String> onnxNodes, Double ratioBefore, Double ratioAfter, int caseIndex,
        List<Boundary> boundaries, List<String> unmapped, int sessions, String message, Status status, int judged,
        String failure) {

    /** The outcome of a localization. */
    public enum Status {
        /** A first divergent module was named. */
        CULPRIT,
        /** Boundaries were judged and none diverges. */
        NO_CULPRIT,
        /** Nothing was judged (the probe or the ONNX side failed, or no boundary could be compared). */
        FAILED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static Status parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** Prefix of the message of a localization that judged nothing. */
    public static final String FAILED_PREFIX = "localization failed: ";

    @JsonCreator
    public Localization {
        onnxNodes = onnxNodes == null ? List.of() : List.copyOf(onnxNodes);
        boundaries = boundaries == null ? List.of() : List.copyOf(boundaries);
        unmapped = unmapped == null ? List.of() : List.copyOf(unmapped);
        if (status == null) {
            // written before status existed: a boundary was then marked mapped only once judged
            judged = (int) boundaries.stream().filter(Boundary::judged).count();
            status = module != null ? Status.CULPRIT : judged > 0 ? Status.NO_CULPRIT : Status.FAILED;
        }
    }

    /** The form before status, judged and failure: they are derived from the boundaries. */
    public Localization(String module, List<String> onnxNodes, Double ratioBefore, Double ratioAfter, int caseIndex,
            List<Boundary> boundaries, List<String> unmapped, int sessions, String message) {
        this(module, onnxNodes, ratioBefore, ratioAfter, caseIndex, boundaries, unmapped, sessions, message, null, 0,
                null);
    }

    /** A localization that judged nothing, with the reason: its message is {@code localization failed: REASON}. */
    public static Localization failed(int caseIndex, List<Boundary> boundaries, List<String> unmapped, int sessions,
            String reason) {
        return new Localization(null, List.of(), null, null, caseIndex, boundaries, unmapped, sessions,
                FAILED_PREFIX + reason, Status.FAILED, 0, reason);
    }

    /**
     * One module boundary: its path, whether an ONNX value was mapped to it, its attribution ratio,
     * and why it was not judged ({@code failure}, null when it was or when it is unmapped).
     */
    public record Boundary(String module, boolean mapped, Double ratio, boolean discrepant, String failure) {
        public Boundary(String module, boolean mapped, Double ratio, boolean discrepant) {
            this(module, mapped, ratio, discrepant, null);
        }

        @JsonCreator
        public Boundary {
        }

        /** Whether the attribution oracle compared this boundary. */
        public boolean judged() {
            return mapped && failure == null;
        }
    }
}
