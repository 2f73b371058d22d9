package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The corpus manifest ({@code model-corpus/manifest.json}, written by
 * {@code builders/build_references.py}): every model, its inputs, references and converter
 * configurations. Read with {@link ManifestLoader}, which validates it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(int format, String referenceGeneration, Map<String, DatasetEntry> datasets,
        List<ModelEntry> models) {

    /** A labelled data set shipped with the corpus. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DatasetEntry(String path, String sha256, String source) {}

    /**
     * One input as the builder declares it; {@code symbolic} maps axis numbers to dim names. {@code role}
     * ({@code token-ids}, {@code attention-mask}, {@code token-type-ids}; null for none) makes the check
     * generate it as such; token ids and token-type ids take their range from {@code low}/{@code high}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record InputEntry(String name, String dtype, List<Long> shape, Map<String, String> symbolic, Double low,
            Double high, String role) {

        public InputEntry(String name, String dtype, List<Long> shape, Map<String, String> symbolic, Double low,
                Double high) {
            this(name, dtype, shape, symbolic, low, high, null);
        }
    }

    /** The reference's probe for localization, paths relative to the corpus. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ProbeEntry(String torch, String torch64, String spec, int boundaries) {}

    /**
     * One converter configuration; {@code sameOnnxAs} reuses another configuration's file.
     * {@code generations} names the converter generations that export it; a configuration without
     * that list belongs to every generation. The pairs of a generation are its model x configuration
     * pairs ({@link ModelEntry#configsFor}).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ConfigEntry(String name, int opset, boolean fold, boolean dynamic, String reference,
            String sameOnnxAs, List<String> generations) {

        public ConfigEntry(String name, int opset, boolean fold, boolean dynamic, String reference, String sameOnnxAs) {
            this(name, opset, fold, dynamic, reference, sameOnnxAs, null);
        }

        /** Whether generation {@code g} exports this configuration. */
        public boolean appliesTo(String g) {
            return generations == null || generations.contains(g);
        }
    }

    /**
     * One model. {@code references} maps {@code traced}, {@code traced64}, {@code scripted},
     * {@code scripted64} to paths relative to the corpus; {@code sha256} pins those files;
     * {@code expect} records known verdicts per configuration. {@code sweep} maps symbolic dim names to
     * the sizes they are checked at (the cases are their product); {@code lastPosition} names outputs of
     * shape [B, S, V] whose last position is also judged as class logits. Both may be null.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelEntry(String name, String family, String task, String notes, String builder, long seed,
            String mode, List<InputEntry> inputs, List<String> outputs, Map<String, String> references,
            List<ConfigEntry> configs, Map<String, String> expect, String dataset, List<String> problems,
            Map<String, String> sha256, ProbeEntry probe, Map<String, List<Long>> sweep, List<String> lastPosition) {

        public ModelEntry(String name, String family, String task, String notes, String builder, long seed,
                String mode, List<InputEntry> inputs, List<String> outputs, Map<String, String> references,
                List<ConfigEntry> configs, Map<String, String> expect, String dataset, List<String> problems,
                Map<String, String> sha256, ProbeEntry probe) {
            this(name, family, task, notes, builder, seed, mode, inputs, outputs, references, configs, expect, dataset,
                    problems, sha256, probe, null, null);
        }

        /** The configuration with this name, whichever generations export it; null if none. */
        public ConfigEntry config(String name) {
            return configs.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        }

        /** The configurations generation {@code g} exports, in manifest order. */
        public List<ConfigEntry> configsFor(String g) {
            return configs.stream().filter(c -> c.appliesTo(g)).toList();
        }
    }
}
