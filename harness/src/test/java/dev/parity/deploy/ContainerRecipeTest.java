package dev.parity.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container recipe's build steps (deploy/container/build-steps.sh, what both Containerfiles RUN),
 * run here as a script: no image can be built on these machines (no base-image registry is reachable),
 * so the test installs into a folder what the image would hold and smoke-tests it there.
 */
class ContainerRecipeTest {
    @Test
    void theBuildStepsInstallAParityThatFindsTheKnownDiscrepancy(@TempDir Path dir) throws Exception {
        Path dest = dir.resolve("opt/parity");
        Process p = new ProcessBuilder("bash", Corpus.root().resolve("deploy/container/build-steps.sh").toString(),
                Corpus.root().toString(), dest.toString(), "cpu").redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile()).start();
        assertTrue(p.waitFor(900, TimeUnit.SECONDS), "build steps ended");
        String log = Files.readString(dir.resolve("log"));
        assertEquals(0, p.exitValue(), log);
        assertTrue(Files.isRegularFile(dest.resolve("harness/target/parity-harness.jar")));
        assertTrue(Files.isDirectory(dest.resolve(".djl.ai")), "libtorch unpacked into the image's engine cache: " + log);
        assertTrue(log.contains("ready for CPU runs"), "doctor ran in the installed copy: " + log);
        assertTrue(Files.readString(dest.resolve("smoke-check.txt")).contains("verdict: DISCREPANT"));
        assertTrue(Files.readString(Corpus.root().resolve("deploy/container/Containerfile"))
                .contains("RUN /src/deploy/container/build-steps.sh /src /opt/parity cpu"), "the recipe runs these steps");
    }
}
