package dev.parity.safety;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * libtorch's TorchScript registry as {@code tools/torchscript_registry.py} dumped it
 * ({@code torchscript-operators.txt}: operator namespaces, TorchBind classes, resolvable builtins)
 * and the calls derived from it that Parity refuses ({@code torchscript-denied.txt}, with the rule
 * in its header). Loaded once; immutable.
 */
final class TorchScriptRegistry {
    /** Why a call is refused: the rule that matched ({@code file}, {@code name}, {@code net}, ...) and the detail. */
    record Denial(String rule, String why) {
        @Override
        public String toString() {
            return why;
        }
    }

    static final TorchScriptRegistry LIBTORCH = load();

    /** Namespaces libtorch registers operators in ({@code aten}, {@code prim}, {@code quantized}, ...). */
    final Set<String> namespaces;
    /** Qualified TorchBind class names ({@code __torch__.torch.classes.quantized.LinearPackedParamsBase}). */
    final Set<String> classes;
    /** Denied operators by qualified name ({@code aten::save}). */
    final Map<String, Denial> operators;
    /** Denied aten operators that TorchScript also binds as methods, by short name ({@code to_here}). */
    final Map<String, Denial> methods;
    /** Denied TorchBind classes by qualified name. */
    final Map<String, Denial> deniedClasses;
    /** Denied builtins by name (none today; see the denylist's header). */
    final Map<String, Denial> builtins;

    private TorchScriptRegistry(Set<String> namespaces, Set<String> classes, Map<String, Denial> operators,
            Map<String, Denial> methods, Map<String, Denial> deniedClasses, Map<String, Denial> builtins) {
        this.namespaces = Set.copyOf(namespaces);
        this.classes = Set.copyOf(classes);
        this.operators = Map.copyOf(operators);
        this.methods = Map.copyOf(methods);
        this.deniedClasses = Map.copyOf(deniedClasses);
        this.builtins = Map.copyOf(builtins);
    }

    private static TorchScriptRegistry load() {
        Set<String> namespaces = new HashSet<>();
        Set<String> classes = new HashSet<>();
        for (String line : lines("torchscript-operators.txt")) {
            if (line.startsWith("class ")) {
                classes.add(line.substring(6).trim());
            } else if (line.contains("::")) {
                namespaces.add(line.substring(0, line.indexOf("::")));
            }
        }
        Map<String, Denial> operators = new HashMap<>();
        Map<String, Denial> methods = new HashMap<>();
        Map<String, Denial> deniedClasses = new HashMap<>();
        Map<String, Denial> builtins = new HashMap<>();
        for (String line : lines("torchscript-denied.txt")) {
            String[] f = line.split("\t", 4);
            if (f.length != 4) {
                throw new IllegalStateException("malformed line in torchscript-denied.txt: " + line);
            }
            Denial d = new Denial(f[1], f[3]);
            if (f[0].startsWith("class ")) {
                deniedClasses.put(f[0].substring(6), d);
            } else if (f[0].startsWith("builtin ")) {
                builtins.put(f[0].substring(8), d);
            } else {
                operators.put(f[0], d);
                if (f[2].equals("method")) {
                    methods.put(f[0].substring(f[0].indexOf("::") + 2), d);
                }
            }
        }
        if (!operators.containsKey("aten::save") || !operators.containsKey("aten::from_file")
                || !namespaces.contains("aten")) {
            throw new IllegalStateException("torchscript-denied.txt / torchscript-operators.txt are incomplete");
        }
        return new TorchScriptRegistry(namespaces, classes, operators, methods, deniedClasses, builtins);
    }

    private static java.util.List<String> lines(String resource) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (InputStream in = TorchScriptRegistry.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the build");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    out.add(l);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
