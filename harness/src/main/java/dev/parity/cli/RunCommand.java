package dev.parity.cli;

import dev.parity.errors.BadInputException;
import dev.parity.corpus.CorpusRun;
import dev.parity.corpus.RunListener;
import dev.parity.corpus.RunRequest;
import dev.parity.reports.RunTable;
import dev.parity.reports.StageSummary;
import dev.parity.result.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parity run}: every model x configuration of a corpus generation. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check every model of the corpus under every converter configuration of one generation.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every pair met its expectation (expectations.json, or --baseline)",
            "1:some pair did not: a new discrepancy or failure, or a known problem fixed (see the summary)",
            "2:usage error or bad corpus", "4:internal error"})
public final class RunCommand implements Callable<Integer> {
    /** Where a run's time went, written into its folder ({@link StageSummary}). */
    public static final String STAGES = "stages.md";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    CommonOptions common;

    @Option(names = "--corpus", paramLabel = "DIR|full",
            description = "Corpus folder, or 'full' for the full-size corpus built by 'parity corpus build --full' (default: the built-in model-corpus/).")
    Path corpus;

    @Option(names = "--generation", paramLabel = "G", description = "Converter generation whose exports to check (default: the manifest's, torch-1.13.1).")
    String generation;

    @Option(names = "--models", paramLabel = "GLOB", defaultValue = "*", description = "Models to run (globs, comma-separated; default: all).")
    String models;

    @Option(names = "--configs", paramLabel = "GLOB", defaultValue = "*", description = "Configurations to run (default: all).")
    String configs;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<time>-<generation>).")
    Path out;

    @Option(names = "--threads", defaultValue = "1", description = "Intra-op threads of both engines (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--tolerance-mode", description = "Ignore float64 twins: judge every pair in tolerance mode.")
    boolean toleranceMode;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Worker processes that check pairs, so a native crash or hang costs one pair; 0: in this process (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "Per-pair limit in worker mode; the worker is killed and the pair recorded as timeout (default: ${DEFAULT-VALUE}).")
    int timeout;

    @CommandLine.Mixin
    WorkerOptions workerOptions;

    @Option(names = "--matrix", split = ",", paramLabel = "PLACEMENT",
            description = "ONNX placements to check every pair at, the first being the baseline: onnx:cpu, onnx:cuda[:N], "
                    + "onnx:cpu:opt=disabled|basic|extended|all (default: onnx:cpu).")
    List<String> matrix = new ArrayList<>();

    @Option(names = "--device", paramLabel = "cpu|cuda[:N]", description = "Shorthand for --matrix onnx:DEVICE.")
    String device;

    @Option(names = "--shard", paramLabel = "K/N",
            description = "Only this deterministic share of the pairs (0 <= K < N; assignment by a hash of model/config).")
    String shard;

    @Option(names = "--localize", description = "Name the first divergent module of every discrepant pair whose model has a probe.")
    boolean localize;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Finish an interrupted run: finished pairs are kept, the rest run with the run's own settings.")
    Path resume;

    @Option(names = "--baseline", paramLabel = "RUN_DIR",
            description = "Expect every pair to do what it did in this previous run (gate a converter upgrade against it) "
                    + "instead of the corpus's expectations.json; pairs the baseline lacks keep the corpus's expectation.")
    Path baseline;

    @Option(names = "--history", paramLabel = "DB", description = "Also store the run in this history database (the report plots its trend).")
    Path history;

    /** The corpus folder: the built-in one, the full-size cache ('full'), or a folder given by path. */
    static Path corpusDir(Path corpus) throws BadInputException {
        if (corpus == null) {
            return home().resolve("model-corpus");
        }
        if (corpus.toString().equals("full") && !java.nio.file.Files.isDirectory(corpus)) {
            Path full = home().resolve(".cache/full-corpus");
            if (!java.nio.file.Files.isRegularFile(full.resolve("manifest.json"))) {
                throw new BadInputException("the full-size corpus is not built: run ./parity corpus build --full "
                        + "(needs Debian's python3-torch, python3-torchvision and python3-onnx for its torchvision part, "
                        + "0.7 GB, and the torch-2.13 venv for its transformers/timm part, 11 GB, in .cache/)");
            }
            return full;
        }
        return corpus;
    }

    static Path home() {
        String h = System.getProperty("parity.home");
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }

    @Override
    public Integer call() throws BadInputException, IOException {
        long called = System.nanoTime();
        // the JVM's start up to here (milliseconds; the launcher script before it is not counted)
        double jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
        Path corpusDir = corpusDir(corpus);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String gen = generation;
        if (gen == null && out == null && resume == null) {
            gen = dev.parity.corpus.ManifestLoader.load(corpusDir).referenceGeneration();
        }
        Path folder = out != null ? out : home().resolve("runs").resolve(stamp + "-" + gen);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        if (workers < 0 || timeout < 0 || threads < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workers, --timeout and --threads must be >= 0");
        }
        List<String> placements = new ArrayList<>(matrix);
        if (device != null) {
            if (!placements.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--device and --matrix exclude each other");
            }
            placements.add("onnx:" + device);
        }
        if (shard != null) {
            dev.parity.corpus.Shard.parse(shard);
        }
        RunRequest req = new RunRequest(corpusDir, generation, models, configs, folder, common.seed, !toleranceMode, threads,
                common.noiseFactor, workers, timeout, placements, shard, common.torchDevice, localize, baseline,
                workerOptions.limits(spec, timeout).maxMemoryBytes(), !workerOptions.noSandbox);
        if (workers > 0 && resume == null) {
            err.println("parity: " + dev.parity.isolation.WorkerProcess.describe(req.limits()));
            err.flush();
        }
        if (resume != null && baseline != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resume finishes a run with its own settings; "
                    + "drop --baseline");
        }
        ProgressBar[] bar = new ProgressBar[1];
        boolean terminal = System.console() != null;
        int[] count = new int[2];
        RunListener progress = new RunListener() {
            @Override
            public void started(int total) {
                count[1] = total;
                if (!terminal) {
                    return; // logs get one line per pair instead of a redrawn bar
                }
                bar[0] = new ProgressBarBuilder().setTaskName("parity run").setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
            }

            @Override
            public void pairStarted(int index, String key) {
                if (bar[0] != null) {
                    bar[0].setExtraMessage(key);
                }
            }

            @Override
            public void pairFinished(RunRecord r) {
                count[0]++;
                if (bar[0] != null) {
                    bar[0].step();
                }
                if (common.verbose || !terminal) {
                    err.printf("[%d/%d] %s: %s (%.1f s)%n", count[0], count[1], r.key(), r.outcome().label(), r.seconds());
                    err.flush();
                }
            }
        };
        CorpusRun.RunSummary s;
        try {
            s = resume != null ? CorpusRun.resume(resume, progress) : CorpusRun.run(req, progress);
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        long reported = System.nanoTime();
        if (history != null) {
            HistoryCommand.add(s.folder(), history);
        }
        ReportCommand.render(s.folder(), history);
        long end = System.nanoTime();
        String timeLine = writeStages(s, jvmStart, (reported - called) / 1e9 - s.stages().values().stream()
                .mapToDouble(Double::doubleValue).sum() + s.stages().getOrDefault(CorpusRun.RunStage.RECORD_WRITE, 0.0),
                (end - reported) / 1e9, jvmStart + (end - called) / 1e9, resume != null ? -1 : workers, err);
        o.println();
        o.print(RunTable.render(s.records()));
        o.println("generation " + s.generation() + "; run folder: " + s.folder());
        o.println("report: " + s.folder().resolve(dev.parity.reports.ReportWriter.HTML));
        if (timeLine != null) {
            o.println(timeLine);
        }
        o.println(RunTable.gate(s.records()));
        o.flush();
        return s.records().stream().noneMatch(RunRecord::failsGate) ? ExitCodes.FAITHFUL : ExitCodes.DISCREPANT;
    }

    /**
     * Writes {@code stages.md} into the run folder: the run's wall time (JVM start, the command's own
     * preparation, the run's stages, the report) and the pairs' time by stage; returns the console
     * line, or null when the file could not be written (a timing summary never fails a run).
     */
    private static String writeStages(CorpusRun.RunSummary s, double jvmStart, double command, double report, double wall,
            int workers, PrintWriter err) {
        java.util.Map<String, Double> run = new java.util.LinkedHashMap<>();
        run.put("jvm_start", jvmStart);
        run.put("command", Math.max(0, command));
        run.putAll(s.stages());
        run.put("report", report);
        try {
            java.nio.file.Files.writeString(s.folder().resolve(STAGES), StageSummary.markdown(s.records(), run,
                    List.of(CorpusRun.RunStage.RECORD_WRITE), wall, workers));
        } catch (IOException e) {
            err.println("parity: cannot write " + s.folder().resolve(STAGES) + ": " + e.getMessage());
            return null;
        }
        return StageSummary.line(s.records(), wall);
    }
}
