package dev.parity.engine;

import dev.parity.errors.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a TorchScript archive says about how its reference behaves, read without running it: the
 * modules saved in training mode ({@code training = True} in {@code data.pkl}) and the random ops
 * in its compiled code. Read after {@link TorchScriptArchive#check} passed.
 *
 * <p>Why both: libtorch as Parity loads it (DJL calls {@code eval()} on load) runs scripted code
 * with {@code self.training} false, but a graph traced in training mode keeps what tracing recorded,
 * e.g. {@code torch.dropout(x, 0.5, True)}: such a reference is nondeterministic, and a module saved
 * in training mode is worth a warning even when its outputs agree.
 *
 * @param trainingModules modules saved with {@code training = True}, root first
 * @param randomOps random ops found in the code ({@code dropout(train=True)}, {@code randn}, ...), each once
 */
public record ReferenceTraits(List<ModuleTree.Module> trainingModules, List<String> randomOps) {
    /** Ops that draw random numbers whenever they run. */
    private static final Pattern RANDOM = Pattern.compile("\\btorch\\.(rand|randn|randint|rand_like|randn_like"
            + "|randint_like|randperm|bernoulli_?|multinomial|normal_?|poisson|uniform_|exponential_|random_|cauchy_"
            + "|log_normal_|geometric_)\\(");
    /** Ops that are random only when their last argument ({@code train}/{@code training}) is true. */
    private static final Pattern TRAIN_RANDOM = Pattern.compile(
            "\\btorch\\.(native_dropout|dropout_?|feature_dropout_?|alpha_dropout_?|feature_alpha_dropout_?|rrelu_?)\\(");
    /** torch.nn modules whose training mode changes what they compute. */
    private static final Pattern MODE_SENSITIVE = Pattern.compile("(Alpha|FeatureAlpha)?Dropout([123]d)?"
            + "|(Sync|Lazy)?BatchNorm([123]d)?|(Lazy)?InstanceNorm[123]d|RReLU");
    private static final long MAX_CODE_BYTES = 8L << 20;
    private static final int NAMED = 3;

    public ReferenceTraits {
        trainingModules = List.copyOf(trainingModules);
        randomOps = List.copyOf(randomOps);
    }

    /** Reads {@code file}'s module state and code. */
    public static ReferenceTraits read(Path file) throws BadInputException {
        List<ModuleTree.Module> training = List.of();
        Set<String> ops = new LinkedHashSet<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String rest = e.getName().substring(e.getName().indexOf('/') + 1);
                if (rest.equals("data.pkl")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        training = ModuleTree.read(in, file.getFileName() + "!" + e.getName()).inTrainingMode();
                    }
                } else if (rest.startsWith("code/") && rest.endsWith(".py") && e.getSize() <= MAX_CODE_BYTES) {
                    try (InputStream in = zip.getInputStream(e)) {
                        ops.addAll(randomOps(new String(in.readNBytes((int) MAX_CODE_BYTES), StandardCharsets.UTF_8)));
                    }
                }
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read the module state of " + file + ": " + e.getMessage(), e);
        }
        return new ReferenceTraits(training, new ArrayList<>(ops));
    }

    /** The random ops in one file of TorchScript code, in order of first appearance. */
    static List<String> randomOps(String code) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = RANDOM.matcher(code);
        while (m.find()) {
            out.add(m.group(1));
        }
        Matcher t = TRAIN_RANDOM.matcher(code);
        while (t.find()) {
            if (lastArgument(code, t.end()).equals("True")) {
                out.add(t.group(1) + "(train=True)");
            }
        }
        return new ArrayList<>(out);
    }

    /** The last top-level argument of the call whose argument list starts at {@code from}. */
    private static String lastArgument(String code, int from) {
        int depth = 0;
        int start = from;
        for (int i = from; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                if (depth == 0) {
                    return code.substring(start, i).strip();
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                start = i + 1;
            }
        }
        return "";
    }

    /**
     * One line for {@code CheckResult.warnings} when modules were saved in training mode, else null.
     *
     * @param name how to call the file in the line
     */
    public String trainingWarning(String name) {
        if (trainingModules.isEmpty()) {
            return null;
        }
        return name + " was saved in training mode (training = True on " + trainingModules.size() + " module"
                + (trainingModules.size() == 1 ? "" : "s") + ": " + named() + "); scripted code runs in eval mode here, "
                + "but a traced graph keeps what tracing recorded (active dropout, batch statistics): trace and save "
                + "the model after model.eval() unless training behaviour is intended";
    }

    /** The likely cause of run-to-run differences, as a phrase. */
    public String likelyCause() {
        List<String> causes = new ArrayList<>();
        if (!randomOps.isEmpty()) {
            causes.add("random ops in its code: " + String.join(", ", randomOps));
        }
        if (!trainingModules.isEmpty()) {
            causes.add("modules saved in training mode: " + named());
        }
        if (causes.isEmpty()) {
            return "neither a random op nor a module in training mode is in the archive, so a nondeterministic "
                    + "kernel is likely (e.g. a scatter or index_add with repeated indices)";
        }
        boolean dropout = randomOps.stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).contains("dropout"))
                || trainingModules.stream().anyMatch(m -> MODE_SENSITIVE.matcher(m.type()).matches()
                        && m.type().contains("Dropout"));
        return String.join("; ", causes) + (dropout ? " (dropout left active: trace and save after model.eval())" : "");
    }

    /** Up to three modules, those whose mode changes what they compute first. */
    private String named() {
        List<ModuleTree.Module> order = new ArrayList<>();
        trainingModules.stream().filter(m -> MODE_SENSITIVE.matcher(m.type()).matches()).forEach(order::add);
        trainingModules.stream().filter(m -> !MODE_SENSITIVE.matcher(m.type()).matches()).forEach(order::add);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(NAMED, order.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(order.get(i).describe());
        }
        if (order.size() > NAMED) {
            sb.append(" and ").append(order.size() - NAMED).append(" more");
        }
        return sb.toString();
    }
}
