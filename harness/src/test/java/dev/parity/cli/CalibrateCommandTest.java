package dev.parity.cli;

import static dev.parity.cli.CheckCommandTest.parity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parity calibrate} as a user runs it, on three small synthetic run folders: models m2 and m3
 * fall in the tuning half, m0 and m1 in the held-out half (SHA-256 of the name).
 */
class CalibrateCommandTest {
    private static String output(String verdict, String evidence) {
        return "{\"name\":\"y\",\"verdict\":\"" + verdict + "\",\"dtype_torch\":\"float32\",\"dtype_onnx\":\"float32\","
                + "\"stats\":" + evidence + "}";
    }

    private static String record(String model, String expected, String mode, String out) {
        return "{\"key\":\"" + model + "/opset13\",\"model\":\"" + model + "\",\"config\":\"opset13\",\"generation\":\"g\","
                + "\"outcome\":\"faithful\",\"mode\":\"" + mode + "\",\"expected\":\"" + expected + "\",\"seconds\":1,"
                + "\"check\":{\"verdict\":\"faithful\",\"mode\":\"" + mode + "\",\"seed\":0,\"cases\":[{\"index\":0,"
                + "\"regime\":\"normal\",\"verdict\":\"faithful\",\"outputs\":[" + out + "]}]}}\n";
    }

    private static String attributed(String model, String expected, double onnxErr, double torchErr) {
        double ratio = onnxErr / Math.max(torchErr, 0x1p-24);
        String v = ratio > 16 && onnxErr > 1e-4 ? "discrepant" : "faithful";
        String o = output(v, "{\"elements\":4}").replaceFirst("}$", String.format(Locale.ROOT,
                ",\"attribution\":{\"onnx_err\":%s,\"torch_err\":%s,\"ratio\":%s,\"discrepant\":%s}}", onnxErr, torchErr,
                ratio, v.equals("discrepant")));
        return record(model, expected, "attribution", o);
    }

    private static String noisy(String model, String expected, double needed, double movement) {
        String v = needed > Math.max(1e-5, 8 * movement) ? "discrepant" : "faithful";
        String o = output(v, "{\"elements\":4,\"needed_atol\":" + needed + "}").replaceFirst("}$", String.format(
                Locale.ROOT, ",\"noise\":{\"movement\":%s,\"factor\":8.0,\"base_atol\":1.0E-5}}", movement));
        return record(model, expected, "tolerance", o);
    }

    private static Path folder(Path dir, String lines) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.jsonl"), lines);
        return dir;
    }

    @Test
    void calibratePrintsTheTableAndTheCommandAndWritesTheMarkdown(@TempDir Path dir) throws IOException {
        Path att = folder(dir.resolve("att"), attributed("m2", "faithful", 2e-6, 1e-6)
                + attributed("m3", "numeric-discrepancy", 0.1, 1e-5)
                + attributed("m0", "faithful", 1.5e-3, 5e-5)
                + attributed("m1", "accuracy-discrepancy", 0.7, 2e-7)
                + "{\"key\":\"m1/opset11\",\"model\":\"m1\",\"config\":\"opset11\",\"outcome\":\"export-crash\","
                + "\"expected\":\"export-crash\",\"seconds\":0}\n");
        Path tol = folder(dir.resolve("tol"), noisy("m2", "faithful", 2e-5, 1e-5)
                + noisy("m3", "numeric-discrepancy", 0.1, 1e-5)
                + noisy("m0", "faithful", 1.5e-4, 1e-5)
                + noisy("m1", "accuracy-discrepancy", 0.3, 1e-6));
        Path fixed = folder(dir.resolve("fixed"), record("m2", "faithful", "tolerance", output("faithful", "{}"))
                + record("m3", "numeric-discrepancy", "tolerance", output("discrepant", "{}"))
                + record("m0", "faithful", "tolerance", output("discrepant", "{}"))
                + record("m1", "accuracy-discrepancy", "tolerance", output("discrepant", "{}")));
        Path md = dir.resolve("out/calibration.md");
        CheckCommandTest.Run r = parity("calibrate", att.toString(), tol.toString(), fixed.toString(), "--markdown",
                md.toString());
        assertEquals(ExitCodes.FAITHFUL, r.code(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.contains("| mode | parameters | false alarms (held-out) | misses (held-out) |"), out);
        // held out: m0 is a false alarm at R = 16 and at K = 8 and with fixed tolerances, not at the chosen values
        assertTrue(out.contains("| attribution | R = 16, F = 1e-04 (shipped) | 1 of 1 faithful | 0 of 1 problem |"), out);
        assertTrue(out.contains("| noise-aware tolerance | K = 8 (shipped) | 1 of 1 faithful | 0 of 1 problem |"), out);
        assertTrue(out.contains("| fixed tolerance | atol/rtol as recorded (torch.testing defaults unless overridden) "
                + "| 1 of 1 faithful | 0 of 1 problem |"), out);
        assertTrue(out.contains("(chosen on the tuning half) | 0 of 1 faithful | 0 of 1 problem | 0 of 2 |"), out);
        assertTrue(out.contains("Tuning half: 2 models (m2, m3)") && out.contains("Held-out half: 2 models (m0, m1)"), out);
        assertTrue(out.contains("expected export-crash=1"), out);
        assertTrue(out.contains("Reproduce: `./parity calibrate " + att + " " + tol + " " + fixed + " --markdown " + md
                + "`"), out);
        String file = Files.readString(md);
        assertTrue(file.startsWith("| mode | parameters |"), file);
        assertTrue(file.contains("| m0/opset13 | held-out | faithful | 30 | 0.0015 |"), file);
    }

    @Test
    void aFolderThatIsNotARunIsABadInput(@TempDir Path dir) throws IOException {
        Path tol = folder(dir.resolve("tol"), noisy("m2", "faithful", 2e-5, 1e-5));
        CheckCommandTest.Run r = parity("calibrate", dir.resolve("nope").toString(), tol.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("parity: not a run folder"), r.err());
        CheckCommandTest.Run swapped = parity("calibrate", tol.toString(), tol.toString());
        assertEquals(ExitCodes.BAD_INPUT, swapped.code());
        assertTrue(swapped.err().contains("ATTRIBUTION_RUN"), swapped.err());
    }
}
