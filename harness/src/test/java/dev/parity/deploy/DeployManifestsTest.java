package dev.parity.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.parity.check.Corpus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The nightly's Kubernetes manifests and CI example wire shards the way parity run expects. */
class DeployManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode read(String rel) throws Exception {
        return YAML.readTree(Corpus.root().resolve(rel).toFile());
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText(null);
            }
        }
        return null;
    }

    @Test
    void indexedJobMapsTheCompletionIndexToTheShard() throws Exception {
        JsonNode job = read("deploy/k8s/nightly-shards.yaml");
        assertEquals("Job", job.path("kind").asText());
        JsonNode spec = job.path("spec");
        assertEquals("Indexed", spec.path("completionMode").asText());
        int n = spec.path("completions").asInt();
        assertTrue(n >= 2);
        assertEquals(n, spec.path("parallelism").asInt(), "all shards at once");
        JsonNode c = spec.at("/template/spec/containers/0");
        assertEquals(Integer.toString(n), env(c, "SHARDS"), "SHARDS must equal completions");
        String cmd = c.path("args").get(0).asText();
        assertTrue(cmd.contains("--shard \"${JOB_COMPLETION_INDEX}/${SHARDS}\""), cmd);
        assertTrue(cmd.contains("shard-${JOB_COMPLETION_INDEX}"), "each shard its own run folder: " + cmd);
        assertEquals(1, c.at("/resources/limits/nvidia.com~1gpu").asInt(), "one GPU per pod");
        assertEquals("/results", c.at("/volumeMounts/0/mountPath").asText());
        assertEquals("parity-results", spec.at("/template/spec/volumes/0/persistentVolumeClaim/claimName").asText());
        assertEquals("Never", spec.at("/template/spec/restartPolicy").asText());
    }

    @Test
    void mergeJobReadsEveryShardFromTheSameVolume() throws Exception {
        JsonNode merge = read("deploy/k8s/nightly-merge.yaml");
        JsonNode c = merge.at("/spec/template/spec/containers/0");
        String cmd = c.path("args").get(0).asText();
        assertTrue(cmd.contains("parity merge /results/${RUN_ID}/shard-*"), cmd);
        assertEquals("parity-results", merge.at("/spec/template/spec/volumes/0/persistentVolumeClaim/claimName").asText());
        assertEquals("parity-results", read("deploy/k8s/results-pvc.yaml").at("/metadata/name").asText());
        assertEquals("ReadWriteMany", read("deploy/k8s/results-pvc.yaml").at("/spec/accessModes/0").asText());
    }

    @Test
    void githubMatrixCoversEveryShardOnce() throws Exception {
        JsonNode wf = read("deploy/ci/github-actions-nightly.yml");
        JsonNode shard = wf.at("/jobs/shard");
        int n = shard.at("/env/SHARDS").asInt();
        JsonNode list = shard.at("/strategy/matrix/shard");
        assertEquals(n, list.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, list.get(i).asInt(), "shards 0..N-1");
        }
        assertTrue(shard.toString().contains("--shard \\\"${{ matrix.shard }}/${SHARDS}\\\""), shard.toString());
        assertEquals("shard", wf.at("/jobs/merge/needs").asText());
    }
}
