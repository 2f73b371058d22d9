package dev.parity.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parity.check.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The harness's packages form no cycle: what each package's sources name of another package (imports
 * and qualified names, comments and Javadoc excluded) is a graph without a loop, so the engines,
 * inputs and safety checks stand without the check, and the CLI sits on top.
 */
class PackageCyclesTest {
    private static final Pattern REF = Pattern.compile("dev\\.parity\\.([a-z]+)\\.[A-Z]");

    static Map<String, Set<String>> graph() throws Exception {
        Path root = Corpus.root().resolve("harness/src/main/java/dev/parity");
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = root.relativize(f).getName(0).toString();
                String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
                Matcher m = REF.matcher(code);
                Set<String> out = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                while (m.find()) {
                    if (!m.group(1).equals(pkg) && Files.isDirectory(root.resolve(m.group(1)))) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return g;
    }

    @Test
    void theHarnessPackagesHaveNoCycle() throws Exception {
        Map<String, Set<String>> g = graph();
        assertTrue(g.size() >= 8, "packages found: " + g.keySet());
        List<String> cycles = new ArrayList<>();
        for (String start : g.keySet()) {
            find(g, start, start, new ArrayList<>(List.of(start)), cycles);
        }
        assertEquals(List.of(), cycles, "package graph: " + g);
    }

    @Test
    void theEnginesAndChecksDoNotDependOnTheCli() throws Exception {
        Map<String, Set<String>> g = graph();
        for (String p : List.of("check", "engine", "inputs", "safety", "localize", "isolation", "errors", "corpus")) {
            assertTrue(!g.getOrDefault(p, Set.of()).contains("cli"), p + " -> cli");
        }
    }

    private static void find(Map<String, Set<String>> g, String start, String at, List<String> path, List<String> cycles) {
        for (String next : g.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + start);
            } else if (!path.contains(next) && next.compareTo(start) > 0) {
                path.add(next);
                find(g, start, next, path, cycles);
                path.remove(path.size() - 1);
            }
        }
    }
}
