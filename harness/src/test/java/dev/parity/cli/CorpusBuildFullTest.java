package dev.parity.cli;

import static dev.parity.cli.CheckCommandTest.parity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parity corpus build --full} in a stand-in repository: the torchvision part's script is a stub
 * (nothing is built), the torch-2.13 wrapper is the real one and finds no venv there.
 */
class CorpusBuildFullTest {
    private static CheckCommandTest.Run buildFullIn(Path home, int torchvisionExit) throws Exception {
        Path converters = home.resolve("model-corpus/converters");
        Files.createDirectories(converters.resolve("torch-1.13.1"));
        Files.writeString(converters.resolve("torch-1.13.1/build_full.sh"), "exit " + torchvisionExit + "\n");
        Files.copy(Corpus.root().resolve("model-corpus/converters/torch-2.13-venv.sh"),
                converters.resolve("torch-2.13-venv.sh"), StandardCopyOption.REPLACE_EXISTING);
        String before = System.getProperty("parity.home");
        System.setProperty("parity.home", home.toString());
        try {
            return parity("corpus", "build", "--full");
        } finally {
            if (before == null) {
                System.clearProperty("parity.home");
            } else {
                System.setProperty("parity.home", before);
            }
        }
    }

    @Test
    void withoutTheTorch213VenvTheTorchvisionPartStandsAndOneLineSaysHowToProvisionIt(@TempDir Path home)
            throws Exception {
        // a venv named in the environment would be found and the real transformers/timm part built
        assumeTrue(System.getenv("PARITY_TORCH213_VENV") == null, "PARITY_TORCH213_VENV is set");
        CheckCommandTest.Run r = buildFullIn(home, 0);
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("no torch-2.13 venv") && r.err().contains("torch-2.13-dynamo/setup.sh"), r.err());
    }

    @Test
    void withNeitherConverterBothAreNamedAndTheExitIsBadInput(@TempDir Path home) throws Exception {
        assumeTrue(System.getenv("PARITY_TORCH213_VENV") == null, "PARITY_TORCH213_VENV is set");
        CheckCommandTest.Run r = buildFullIn(home, 2);
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("torch-2.13-dynamo/setup.sh"), r.err());
        assertTrue(r.err().contains("torch-1.13.1/setup.sh"), r.err());
    }

    @Test
    void aFailedTorchvisionBuildIsAnEngineFailure(@TempDir Path home) throws Exception {
        assumeTrue(System.getenv("PARITY_TORCH213_VENV") == null, "PARITY_TORCH213_VENV is set");
        assertEquals(ExitCodes.ENGINE_FAILED, buildFullIn(home, 1).code());
    }
}
