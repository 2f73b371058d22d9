package dev.parity.result;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * Provenance of one export, as the generation's exporter wrote it to
 * {@code exports/<generation>/provenance.json}.
 *
 * @param status {@code ok}, {@code export-crash} or {@code checker-failure}
 * @param opset the configuration's opset (as requested)
 * @param dynamo whether torch.onnx's torch.export-based exporter wrote it (null: an exporter without that choice)
 * @param opsetRequested the opset asked of the exporter; null in records written before it was recorded
 * @param opsetWritten the default-domain opset the file declares (the dynamo exporter may raise a request below 18)
 * @param externalData every external-data file the ONNX file reads, pinned by sha256 (empty or null: none)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportRecord(String status, String message, String converter, String torchVersion, String onnxVersion,
        int opset, boolean doConstantFolding, Map<String, Object> dynamicAxes, double exportSeconds,
        List<String> warnings, String file, String sha256, Long bytes, Boolean dynamo, String onnxscriptVersion,
        Integer opsetRequested, Integer opsetWritten, Map<String, Object> dynamicShapes, String captureStrategy,
        List<ExternalData> externalData) {

    /** A legacy-exporter record, without the dynamo exporter's fields. */
    public ExportRecord(String status, String message, String converter, String torchVersion, String onnxVersion,
            int opset, boolean doConstantFolding, Map<String, Object> dynamicAxes, double exportSeconds,
            List<String> warnings, String file, String sha256, Long bytes) {
        this(status, message, converter, torchVersion, onnxVersion, opset, doConstantFolding, dynamicAxes, exportSeconds,
                warnings, file, sha256, bytes, null, null, null, null, null, null, null);
    }

    /** One external-data file beside the ONNX file, named relative to its folder. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ExternalData(String file, String sha256, Long bytes) {}

    /** The file of provenance records of one generation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Provenance(String generation, Map<String, ExportRecord> exports) {}
}
