package dev.parity.cli;

import dev.parity.errors.BadInputException;
import java.io.IOException;
import java.io.PrintWriter;
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
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--generation", paramLabel = "G",
                description = "e.g. torch-1.13.1, torch-2.6.0, torch-2.13-legacy, torch-2.13-dynamo")
        String generation;

        @Option(names = "--full", description = "Build the full-size corpus into .cache/full-corpus/: torchvision "
                + "(torch-1.13.1 exports), then transformers and timm (torch-2.13-legacy and -dynamo exports) "
                + "when the torch-2.13 venv exists.")
        boolean full;

        @Option(names = "--models", paramLabel = "NAME", split = ",", description = "Only these models.")
        List<String> models = new ArrayList<>();

        @Override
        public Integer call() throws BadInputException, IOException, InterruptedException {
            Path converters = RunCommand.home().resolve("model-corpus/converters");
            if (full) {
                return buildFull(converters);
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
            int rc = runScript(cmd);
            if (rc == 2) {
                throw new BadInputException("the " + generation + " converter is not installed: run "
                        + converters.resolve(generation).resolve("setup.sh") + " (it says whether it needs root)");
            }
            return rc == 0 ? ExitCodes.FAITHFUL : ExitCodes.ENGINE_FAILED;
        }

        /**
         * The full-size corpus in two parts, each with its own converter: torchvision with
         * torch-1.13.1 ({@code torch-1.13.1/build_full.sh}), then transformers and timm with the
         * torch-2.13 venv ({@code torch-2.13-venv.sh full}). Both merge into one manifest, so either
         * part is kept when the other's converter is missing. A missing torch-2.13 venv is one line
         * on stderr, not an error (the torchvision part is the documented minimum); a missing
         * torch-1.13.1 converter is exit 2 after the other part ran; a failed build of either part
         * is exit 3.
         */
        private int buildFull(Path converters) throws BadInputException, IOException, InterruptedException {
            int torchvision = runScript(List.of("bash", converters.resolve("torch-1.13.1/build_full.sh").toString()));
            int hf = runScript(List.of("bash", converters.resolve("torch-2.13-venv.sh").toString(), "full"));
            if (hf == 2) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("parity: full-size transformers/timm models not built: no torch-2.13 venv; provision it with "
                        + converters.resolve("torch-2.13-dynamo/setup.sh") + " (no root needed), then rerun");
                err.flush();
            }
            if ((torchvision != 0 && torchvision != 2) || (hf != 0 && hf != 2)) {
                return ExitCodes.ENGINE_FAILED;
            }
            if (torchvision == 2) {
                throw new BadInputException("the full-size corpus's torchvision part needs the torch-1.13.1 converter: run "
                        + converters.resolve("torch-1.13.1/setup.sh") + " (as root)");
            }
            return ExitCodes.FAITHFUL;
        }

        /** Runs one script of the repository's converters folder, its output on Parity's own. */
        private static int runScript(List<String> cmd) throws IOException, InterruptedException {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        }
    }
}
