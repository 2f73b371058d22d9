package dev.parity.cli;

import dev.parity.errors.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code parity} command line: a thin layer that parses flags into library requests and
 * prints results. Exit codes are in {@link ExitCodes}.
 */
@Command(name = "parity", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Checks that an ONNX export computes what its PyTorch (TorchScript) model computes.",
        subcommands = {CheckCommand.class, RunCommand.class, ReportCommand.class, CompareCommand.class, HistoryCommand.class,
            MergeCommand.class, DoctorCommand.class, CorpusCommand.class, CalibrateCommand.class, CommandLine.HelpCommand.class})
public final class ParityMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static {
        // Before any logger exists: DJL's info chatter off unless --verbose; never download.
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        // DJL probes for CUDA even on CPU runs and warns when a driver is absent or too old.
        setDefault("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        setDefault("ai.djl.offline", "true");
        setDefault("java.awt.headless", "true");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new ParityMain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            String msg = ex.getMessage() == null ? "bad arguments" : ex.getMessage().strip().lines().findFirst().orElse("");
            err.println("parity: " + msg + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose");
            if (ex instanceof dev.parity.engine.DeviceUnavailableException) {
                err.println("parity: " + ex.getMessage());
                return ExitCodes.DEVICE_UNAVAILABLE;
            }
            if (ex instanceof BadInputException) {
                boolean unsafe = ex instanceof dev.parity.safety.UnsafeModelException;
                String msg = ex.getMessage() == null ? "" : ex.getMessage().strip().lines().findFirst().orElse("");
                err.println("parity: " + (unsafe ? "refused: " : "") + msg);
                if (verbose) {
                    ex.printStackTrace(err);
                }
                return unsafe ? ExitCodes.UNSAFE_MODEL : ExitCodes.BAD_INPUT;
            }
            err.println("parity: internal error: " + ex + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
            if (verbose) {
                ex.printStackTrace(err);
            }
            return ExitCodes.INTERNAL_ERROR;
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'parity check --help')");
    }
}
