package dev.parity.safety;

import dev.parity.safety.TorchScriptRegistry.Denial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Refuses a TorchScript archive whose code reaches files, other processes or the network, before
 * libtorch compiles any of it. TorchScript code runs inside libtorch unsandboxed, and
 * {@code __setstate__} runs while the archive loads, before any input:
 * {@code torch.save(x, path)} or {@code torch.from_file(path, shared=True)} there writes files
 * anywhere the process may.
 *
 * <p>Every {@code *.py} member that libtorch's zip reader sees ({@link ZipDirectory}) is lexed
 * (libtorch reads {@code <root>/code/<qualified name>.py}, matching names case-insensitively;
 * checking every {@code .py} needs no guess about which) as libtorch lexes it ({@link TorchScriptLexer}), and every
 * name that can reach an operator is resolved the way libtorch's importer resolves it
 * ({@code import_source.cpp}, {@code sugared_value.h}):
 * <ul>
 *   <li>{@code torch.X} and {@code torch.autograd.X} are {@code aten::X}; {@code ops.NS.X} is
 *       {@code NS::X} ({@code .autograd} anywhere switches to {@code aten}). A denied operator
 *       ({@link TorchScriptRegistry}) is refused, and so is a namespace libtorch does not
 *       register itself;</li>
 *   <li>{@code torch}, {@code ops}, {@code ops.NS}, {@code __torch__.torch.classes[.NS]} used as
 *       a value rather than called through are refused: TorchScript lets code alias them
 *       ({@code t = torch; t.save(...)}, {@code getattr(torch, "save")}), and generated code never
 *       does;</li>
 *   <li>{@code __torch__.torch.classes.NS.C} must be a TorchBind class libtorch registers and not
 *       a denied one (process groups, remote-call workers);</li>
 *   <li>builtins that compile to denied operators (none today) are refused wherever the bare
 *       name is used, and {@code .name} is refused on any receiver for denied aten operators that
 *       TorchScript binds as methods ({@code rref.to_here()}).</li>
 * </ul>
 * A name is exempt only where it is declared ({@code ops : __torch__.Sub} at the start of a line
 * in a class body). Printing is not refused: what a model prints stays in its worker's log. Members
 * that are not code ({@code *.pkl}, {@code *.debug_pkl}) are
 * {@link PickleScanner}'s.
 */
public final class TorchScriptCodeCheck {
    /** Largest code member read (ZipDirectory holds members to their declared sizes). */
    public static final int MAX_MEMBER_BYTES = 64 << 20;
    /** Largest total of code read from one archive. */
    public static final long MAX_TOTAL_BYTES = 256L << 20;

    private final TorchScriptRegistry registry;
    private final TorchScriptLexer tokens;
    private final String where;
    private int consumed;

    private TorchScriptCodeCheck(TorchScriptRegistry registry, String source, String where) {
        this.registry = registry;
        this.tokens = TorchScriptLexer.lex(source);
        this.where = where;
    }

    /**
     * Checks every code member of a TorchScript archive, as libtorch's zip reader sees the members.
     *
     * @throws UnsafeModelException naming the first refused call and where it is
     *     ({@code torch.save in model.pt!archive/code/__torch__.py:9 (...)})
     * @throws IOException when a member cannot be read (a CRC or size mismatch is a ZipException)
     */
    public static void check(ZipDirectory zip, Path file) throws IOException, UnsafeModelException {
        long total = 0;
        for (ZipDirectory.Member m : zip.members()) {
            // miniz matches names case-insensitively: Code/X.PY is read as code/X.py (ZipDirectory
            // refuses two members that differ only by case)
            if (!ZipDirectory.asciiLower(m.name()).endsWith(".py")) {
                continue;
            }
            total += m.size();
            if (m.size() > MAX_MEMBER_BYTES || total > MAX_TOTAL_BYTES) {
                throw new UnsafeModelException(printable(file + ": TorchScript code '" + m.name()
                        + "' exceeds Parity's size limits (" + MAX_MEMBER_BYTES + " bytes a member, " + MAX_TOTAL_BYTES
                        + " in all)"));
            }
            byte[] b;
            try (InputStream in = zip.open(m)) {
                b = in.readNBytes((int) m.size());
                in.skip(Long.MAX_VALUE); // to the end, so the size and CRC are checked as miniz checks them
            }
            checkSource(new String(b, StandardCharsets.ISO_8859_1), file.getFileName() + "!" + m.name());
        }
    }

    /**
     * Checks one member's source.
     *
     * @param where the file and member, for messages
     */
    static void checkSource(String source, String where) throws UnsafeModelException {
        new TorchScriptCodeCheck(TorchScriptRegistry.LIBTORCH, source, where).run();
    }

    private void run() throws UnsafeModelException {
        int n = tokens.count();
        for (int i = 0; i < n; i++) {
            if (tokens.kind(i) != TorchScriptLexer.NAME || i < consumed) {
                continue;
            }
            String name = tokens.text(i);
            if (tokens.kind(i - 1) == TorchScriptLexer.DOT) {
                Denial d = registry.methods.get(name);
                if (d != null) {
                    refuse("." + name, i, "aten::" + name + " as a method: " + d);
                }
                continue;
            }
            if (declaration(i)) {
                continue;
            }
            switch (name) {
                case "torch" -> operatorChain(i, "aten");
                case "ops" -> operatorChain(i, null);
                case "__torch__" -> classChain(i);
                default -> {
                    Denial d = registry.builtins.get(name);
                    if (d != null) {
                        refuse(name, i, d.toString());
                    }
                }
            }
        }
    }

    /** {@code NAME :} opening a logical line: an attribute or variable declared, not a value used. */
    private boolean declaration(int i) {
        return (i == 0 || tokens.kind(i - 1) == TorchScriptLexer.NEWLINE) && tokens.kind(i + 1) == TorchScriptLexer.COLON;
    }

    /** Follows {@code torch.a.b} / {@code ops.ns.a} from token {@code i}; {@code ns} null means at {@code ops}. */
    private void operatorChain(int i, String ns) throws UnsafeModelException {
        StringBuilder written = new StringBuilder(tokens.text(i));
        String op = null;
        int j = i;
        while (tokens.kind(j + 1) == TorchScriptLexer.DOT) {
            if (tokens.kind(j + 2) != TorchScriptLexer.NAME) {
                refuse(written + ".", i, "an operator namespace followed by something other than a name");
            }
            String part = tokens.text(j + 2);
            written.append('.').append(part);
            j += 2;
            if (op != null) {
                refuse(written.toString(), i, "an attribute of operator " + op);
            } else if (ns == null) {
                if (!registry.namespaces.contains(part)) {
                    refuse(written.toString(), i, "operator namespace '" + part + "' is not one libtorch registers");
                }
                ns = part;
            } else if (part.equals("autograd")) {
                ns = "aten"; // BuiltinModule::attr: X.autograd is aten, whatever X was
            } else {
                op = ns + "::" + part;
                Denial d = registry.operators.get(op);
                if (d != null) {
                    refuse(written.toString(), i, op + ": " + d);
                }
            }
        }
        consumed = j + 1;
        if (op == null) {
            refuse(written.toString(), i, "an operator namespace used as a value (aliases hide the operator called)");
        }
    }

    /** Follows {@code __torch__.a.b...} from token {@code i}; only {@code __torch__.torch.classes} needs care. */
    private void classChain(int i) throws UnsafeModelException {
        java.util.List<String> parts = new java.util.ArrayList<>(java.util.List.of("__torch__"));
        int j = i;
        while (tokens.kind(j + 1) == TorchScriptLexer.DOT) {
            if (tokens.kind(j + 2) != TorchScriptLexer.NAME) {
                refuse(String.join(".", parts) + ".", i, "a class namespace followed by something other than a name");
            }
            parts.add(tokens.text(j + 2));
            j += 2;
        }
        consumed = j + 1;
        // ClassNamespaceValue resolves __torch__.torch.classes.NS.C to libtorch's TorchBind class C;
        // any shorter prefix is a namespace value that code could alias and complete later
        boolean towardClasses = parts.size() == 1
                || (parts.get(1).equals("torch") && (parts.size() == 2 || parts.get(2).equals("classes")));
        if (!towardClasses) {
            return;
        }
        if (parts.size() < 5) {
            refuse(String.join(".", parts), i, "a class namespace used as a value (aliases hide the class used)");
        }
        String custom = String.join(".", parts.subList(0, 5));
        Denial d = registry.deniedClasses.get(custom);
        if (d != null) {
            refuse(custom, i, d.toString());
        }
        if (!registry.classes.contains(custom)) {
            refuse(custom, i, "not a TorchBind class libtorch registers");
        }
    }

    private void refuse(String call, int token, String why) throws UnsafeModelException {
        throw new UnsafeModelException(printable(call + " in " + where + ":" + tokens.line(tokens.start(token))
                + " (" + why + ")"));
    }

    /** One line whatever the input: control characters become '?'. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
