package dev.parity.cli;

import dev.parity.errors.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parity corpus build}: re-export the corpus with one converter generation. */
@Command(name = "corpus", mixinStandardHelpOptions = true, description = "Manage the model corpus.",
        subcommands = {CorpusCommand.Build.class})
public final class CorpusCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try 'parity corpus build --help')");
    }

    /**
     * Runs {@code model-corpus/converters/<generation>/export.sh}: the only commands Parity runs
     * come from that folder of the repository; no manifest string reaches a shell.
     */
    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Export every corpus model with a converter generation (see model-corpus/converters/).")
    public static final class Build implements Callable<Integer> {
        @Option(names = "--generation", paramLabel = "G",
                description = "e.g. torch-1.13.1, torch-2.6.0, torch-2.13-legacy, torch-2.13-dynamo")
        String generation;

        @Option(names = "--full", description = "Build the full-size corpus into .cache/full-corpus/ (torch-1.13.1 exports).")
        boolean full;

        @Option(names = "--models", paramLabel = "NAME", split = ",", description = "Only these models.")
        List<String> models = new ArrayList<>();

        @Override
        public Integer call() throws BadInputException, IOException, InterruptedException {
            Path converters = RunCommand.home().resolve("model-corpus/converters");
            if (full) {
                Process p = new ProcessBuilder("bash", converters.resolve("torch-1.13.1/build_full.sh").toString())
                        .inheritIO().start();
                int rc = p.waitFor();
                if (rc == 2) {
                    throw new BadInputException("the full-size corpus needs the torch-1.13.1 converter: run "
                            + converters.resolve("torch-1.13.1/setup.sh") + " (as root)");
                }
                return rc == 0 ? ExitCodes.FAITHFUL : ExitCodes.ENGINE_FAILED;
            }
            if (generation == null) {
                throw new BadInputException("corpus build needs --generation G or --full");
            }
            if (!generation.matches("[A-Za-z0-9_.+-]+")) {
                throw new BadInputException("--generation '" + generation + "' is not a generation name");
            }
            Path script = converters.resolve(generation).resolve("export.sh");
            if (!Files.isRegularFile(script)) {
                List<String> known = new ArrayList<>();
                try (var s = Files.list(converters)) {
                    s.filter(Files::isDirectory).forEach(d -> known.add(d.getFileName().toString()));
                }
                throw new BadInputException("no converter generation '" + generation + "', expected one of " + known);
            }
            List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
            for (String m : models) {
                if (!m.matches("[A-Za-z0-9_.-]+")) {
                    throw new BadInputException("--models '" + m + "' is not a model name");
                }
            }
            if (!models.isEmpty()) {
                cmd.add("--only");
                cmd.addAll(models);
            }
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            int rc = p.waitFor();
            if (rc == 2) {
                throw new BadInputException("the " + generation + " converter is not installed: run "
                        + converters.resolve(generation).resolve("setup.sh") + " (it says whether it needs root)");
            }
            return rc == 0 ? ExitCodes.FAITHFUL : ExitCodes.ENGINE_FAILED;
        }
    }
}
