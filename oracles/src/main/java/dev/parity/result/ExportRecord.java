package dev.parity.result;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * Provenance of one export, as the generation's exporter wrote it to
 * {@code exports/<generation>/provenance.json}.
 *
 * @param status {@code ok}, {@code export-crash} or {@code checker-failure}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExportRecord(String status, String message, String converter, String torchVersion, String onnxVersion,
        int opset, boolean doConstantFolding, Map<String, Object> dynamicAxes, double exportSeconds,
        List<String> warnings, String file, String sha256, Long bytes) {

    /** The file of provenance records of one generation. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Provenance(String generation, Map<String, ExportRecord> exports) {}
}
