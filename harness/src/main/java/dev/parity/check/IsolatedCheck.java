package dev.parity.check;

import dev.parity.errors.BadInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.parity.isolation.Limits;
import dev.parity.isolation.WorkerProcess;
import dev.parity.oracles.Verdict;
import dev.parity.result.CheckResult;
import dev.parity.result.ModelFile;
import dev.parity.result.ResultJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ParityCheck#run} in a worker process ({@link WorkerProcess}): the engines load the models
 * inside the OS sandbox, under the memory cap and the wall-clock limit, and nothing a model prints
 * reaches the result. Bad input, unsafe models and unavailable devices come back as the same
 * exceptions; a worker that dies or runs out of time yields a {@code failed} result that says so.
 */
public final class IsolatedCheck {
    static final String BAD_INPUT = "bad-input";
    static final String UNSAFE = "unsafe-model";
    static final String DEVICE = "device-unavailable";

    private IsolatedCheck() {}

    public static CheckResult run(CheckRequest req, Limits limits, CheckListener listener) throws BadInputException {
        ObjectMapper json = ResultJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);
        List<Path> readOnly = new ArrayList<>();
        // each model's folder: ONNX external data lies beside the model, a probe's twin and spec beside the probe
        for (Path p : new Path[] {req.torch(), req.onnx(), req.reference64(), req.dataset(), req.localize(),
                req.referenceOutputs(), req.reference64Outputs()}) {
            if (p != null) {
                readOnly.add(p.toAbsolutePath().getParent());
            }
        }
        if (req.inputsFile() != null) {
            Path in = req.inputsFile().toAbsolutePath();
            readOnly.add(Files.isDirectory(in) ? in : in.getParent());
        }
        readOnly.removeIf(p -> p == null || !Files.exists(p));
        List<Path> writable = new ArrayList<>();
        Path crashDir;
        try {
            if (req.saveInputsDir() != null) {
                writable.add(Files.createDirectories(req.saveInputsDir()));
            }
            crashDir = Files.createTempDirectory("parity-check-crash");
        } catch (IOException e) {
            throw new BadInputException("cannot create " + req.saveInputsDir() + ": " + e.getMessage(), e);
        }
        String task;
        try {
            task = json.writeValueAsString(req);
        } catch (IOException e) {
            throw new IllegalStateException("a check request must encode as JSON", e);
        }
        WorkerProcess.Answer a;
        dev.parity.engine.NativeCache.unpackLibtorch(); // the sandboxed worker reads the engine cache, read-only
        try (WorkerProcess w = WorkerProcess.start(new WorkerProcess.Spec(limits, readOnly, writable, crashDir))) {
            a = w.call(CheckTaskHandler.KIND, task, line -> {
                String[] f = line.split(" ", 3);
                try {
                    listener.caseStarted(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f.length > 2 ? f[2] : "");
                } catch (RuntimeException e) {
                    // a malformed progress line only costs the progress display
                }
            });
        } catch (IOException e) {
            return failed(req, "could not start the worker process: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(req, "interrupted");
        } finally {
            deleteIfEmpty(crashDir);
        }
        if (a instanceof WorkerProcess.Result r) {
            try {
                return json.readValue(r.json(), CheckResult.class);
            } catch (IOException e) {
                return failed(req, "unreadable result from the worker: " + e.getMessage());
            }
        }
        if (a instanceof WorkerProcess.Failure f) {
            switch (f.type()) {
                case UNSAFE:
                    throw new dev.parity.safety.UnsafeModelException(f.message());
                case DEVICE:
                    throw new dev.parity.engine.DeviceUnavailableException(f.message());
                case BAD_INPUT:
                    throw new BadInputException(f.message());
                default:
                    throw new IllegalStateException("worker: " + f.message());
            }
        }
        if (a instanceof WorkerProcess.TimedOut t) {
            return failed(req, "no result within " + t.seconds() + " s (--timeout); the worker was killed");
        }
        String how = ((WorkerProcess.Died) a).how();
        return failed(req, how + (Files.isDirectory(crashDir) ? " (JVM report in " + crashDir + ")" : ""));
    }

    private static CheckResult failed(CheckRequest req, String message) throws BadInputException {
        boolean twin = req.reference64() != null || req.reference64Outputs() != null;
        return new CheckResult(Verdict.FAILED, twin ? ParityCheck.MODE_ATTRIBUTION
                : ParityCheck.MODE_TOLERANCE, new ModelFile(req.referenceFile().toString(),
                        ParityCheck.sha256(req.referenceFile())),
                new ModelFile(req.onnx().toString(), ParityCheck.sha256(req.onnx())), EngineVersions.all(), req.seed(),
                message, List.of());
    }

    private static void deleteIfEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // a crash report stays for the user
        }
    }
}
