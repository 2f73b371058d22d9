package dev.parity.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s/launch.sh run against a stand-in kubectl that records what is applied and reports the
 * shard Job Complete or Failed: the merge Job gets the shard Job's run id, and a failed index still
 * leads to a merge (with --allow-partial) instead of a wait that never ends.
 */
class ClusterLaunchTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A kubectl that saves each applied manifest and answers 'wait' and 'get' for the given shard state. */
    private static Path fakeKubectl(Path dir, String shardState) throws Exception {
        Path k = dir.resolve("kubectl");
        Files.writeString(k, String.join("\n", "#!/bin/bash",
                "echo \"$*\" >> '" + dir.resolve("calls") + "'",
                "case \"$1\" in",
                "  apply) n=$(ls '" + dir + "' | grep -c '^applied-' || true); cat > '" + dir + "'/applied-$n.yaml;;",
                "  wait) job=\"${3#job/}\"; want=\"${2#--for=condition=}\"; state=Complete;",
                "        case \"$job\" in parity-nightly-shards-*) state=" + shardState + ";; esac;",
                "        if [ \"$want\" = \"$state\" ]; then exit 0; else sleep 30; exit 1; fi;;",
                "  get) job=\"${2#job/}\"; case \"$job\" in parity-nightly-shards-*) echo -n " + shardState
                        + ";; *) echo -n Complete;; esac;;",
                "esac", ""));
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rwxr-xr-x"));
        return k;
    }

    private static int launch(Path dir, String state) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", Corpus.root().resolve("deploy/k8s/launch.sh").toString(), "n42")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
        pb.environment().put("KUBECTL", fakeKubectl(dir, state).toString());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launch ended");
        return p.exitValue();
    }

    @Test
    void theMergeJobGetsTheShardJobsRunId(@TempDir Path dir) throws Exception {
        assertEquals(0, launch(dir, "Complete"), Files.readString(dir.resolve("log")));
        JsonNode shards = YAML.readTree(dir.resolve("applied-0.yaml").toFile());
        JsonNode merge = YAML.readTree(dir.resolve("applied-1.yaml").toFile());
        assertEquals("parity-nightly-shards-n42", shards.at("/metadata/name").asText());
        assertEquals("n42", shards.at("/spec/template/metadata/labels/parity~1run-id").asText());
        assertEquals("parity-nightly-merge-n42", merge.at("/metadata/name").asText());
        assertEquals("n42", merge.at("/spec/template/metadata/labels/parity~1run-id").asText());
        assertEquals("", merge.at("/spec/template/spec/containers/0/env/1/value").asText(), "no --allow-partial");
        assertTrue(merge.at("/spec/template/spec/containers/0/args/0").asText()
                .contains("parity merge /results/${RUN_ID}/shard-*"));
    }

    @Test
    void aFailedShardIndexStillLeadsToAPartialMerge(@TempDir Path dir) throws Exception {
        assertEquals(0, launch(dir, "Failed"), Files.readString(dir.resolve("log")));
        JsonNode merge = YAML.readTree(dir.resolve("applied-1.yaml").toFile());
        assertEquals("--allow-partial", merge.at("/spec/template/spec/containers/0/env/1/value").asText());
    }
}
