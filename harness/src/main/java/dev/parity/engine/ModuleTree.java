package dev.parity.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The module hierarchy a TorchScript archive pickles in {@code <root>/data.pkl}: every module's
 * path from the root (attribute names joined by dots; the root is {@code ""}), its class name and
 * the {@code training} flag it was saved with.
 *
 * <p>The pickle is walked opcode by opcode without executing anything, modelling only what module
 * state needs (strings, booleans, class references, objects and the dicts BUILD gives them); it
 * accepts the opcodes {@link dev.parity.safety.PickleScanner} accepts, and is meant to run after
 * {@link TorchScriptArchive#check} passed.
 */
public final class ModuleTree {
    private static final int MAX_OPS = 50_000_000;

    /**
     * @param path attribute names from the root, joined by dots ({@code ""} for the root)
     * @param type the module's class name without its TorchScript package ({@code Dropout})
     * @param training the saved {@code training} flag
     */
    public record Module(String path, String type, boolean training) {
        /** {@code net.1 (Dropout)}, or {@code root (Net)}. */
        public String describe() {
            return (path.isEmpty() ? "root" : path) + " (" + type + ")";
        }
    }

    private final List<Module> modules;

    private ModuleTree(List<Module> modules) {
        this.modules = List.copyOf(modules);
    }

    /** Every module, root first, depth first in pickle order. */
    public List<Module> modules() {
        return modules;
    }

    /** The modules saved with {@code training = True}. */
    public List<Module> inTrainingMode() {
        return modules.stream().filter(Module::training).toList();
    }

    /** Reads the tree from a pickle stream ({@code data.pkl}). */
    public static ModuleTree read(InputStream pickle, String what) throws IOException {
        Object root = new Walker(new BufferedInputStream(pickle), what).run();
        List<Module> out = new ArrayList<>();
        if (!(root instanceof Obj)) {
            return new ModuleTree(out);
        }
        Set<Obj> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Map.Entry<String, Obj>> todo = new ArrayDeque<>();
        todo.push(Map.entry("", (Obj) root));
        while (!todo.isEmpty()) {
            Map.Entry<String, Obj> e = todo.pop();
            Obj o = e.getValue();
            if (!seen.add(o) || !o.type.startsWith("__torch__.")) {
                continue;
            }
            out.add(new Module(e.getKey(), o.type.substring(o.type.lastIndexOf('.') + 1),
                    Boolean.TRUE.equals(o.state.get("training"))));
            List<Map.Entry<String, Obj>> children = new ArrayList<>();
            for (Map.Entry<Object, Object> s : o.state.entrySet()) {
                if (s.getKey() instanceof String k && s.getValue() instanceof Obj child) {
                    children.add(Map.entry(e.getKey().isEmpty() ? k : e.getKey() + "." + k, child));
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(children.get(i));
            }
        }
        return new ModuleTree(out);
    }

    /** An object made by NEWOBJ/OBJ/INST of a class; BUILD fills its state. */
    private static final class Obj {
        final String type;
        Map<Object, Object> state = Map.of();

        Obj(String type) {
            this.type = type;
        }
    }

    /** A class reference made by GLOBAL or STACK_GLOBAL. */
    private record ClassRef(String name) {}

    /** The pickle machine, reduced to what module state needs; everything else is {@link #OTHER}. */
    private static final class Walker {
        private static final Object MARK = new Object();
        private static final Object OTHER = new Object();
        private final InputStream in;
        private final String what;
        private final List<Object> stack = new ArrayList<>();
        private final Map<Long, Object> memo = new HashMap<>();

        Walker(InputStream in, String what) {
            this.in = in;
            this.what = what;
        }

        Object run() throws IOException {
            for (int ops = 0; ops < MAX_OPS; ops++) {
                int op = in.read();
                switch (op) {
                    case -1: throw new IOException(what + ": pickle ends without STOP");
                    case '.': return pop();
                    case '(': stack.add(MARK); break;
                    case '0': pop(); break;
                    case '1': popMark(); break;
                    case '2': stack.add(top()); break;
                    case 'F': case 'I': case 'L': case 'P': line(); stack.add(OTHER); break;
                    case 'J': skip(4); stack.add(OTHER); break;
                    case 'K': skip(1); stack.add(OTHER); break;
                    case 'M': skip(2); stack.add(OTHER); break;
                    case 'G': skip(8); stack.add(OTHER); break;
                    case 0x88: stack.add(Boolean.TRUE); break;
                    case 0x89: stack.add(Boolean.FALSE); break;
                    case 'N': case ')': case ']': case 0x8f: stack.add(OTHER); break;
                    case '}': stack.add(new LinkedHashMap<Object, Object>()); break;
                    case 0x8a: skip(unsigned(1)); stack.add(OTHER); break;
                    case 0x8b: skip(unsigned(4)); stack.add(OTHER); break;
                    case 'S': stack.add(unquote(line())); break;
                    case 'V': stack.add(line()); break;
                    case 'T': case 'X': stack.add(text(unsigned(4))); break;
                    case 'U': case 0x8c: stack.add(text(unsigned(1))); break;
                    case 0x8d: stack.add(text(unsigned(8))); break;
                    case 'B': skip(unsigned(4)); stack.add(OTHER); break;
                    case 'C': skip(unsigned(1)); stack.add(OTHER); break;
                    case 0x8e: case 0x96: skip(unsigned(8)); stack.add(OTHER); break;
                    case 'Q': pop(); stack.add(OTHER); break;
                    case 'R': pop(); pop(); stack.add(OTHER); break;
                    case 'b': build(); break;
                    case 0x81: pop(); stack.add(instance(pop())); break;
                    case 0x92: pop(); pop(); stack.add(instance(pop())); break;
                    case 'o': {
                        List<Object> items = popMark();
                        stack.add(items.isEmpty() ? OTHER : instance(items.get(0)));
                        break;
                    }
                    case 'i': {
                        String g = line() + "." + line();
                        popMark();
                        stack.add(new Obj(g));
                        break;
                    }
                    case 'a': pop(); break;
                    case 's': {
                        Object v = pop();
                        Object k = pop();
                        put(top(), k, v);
                        break;
                    }
                    case 'u': {
                        List<Object> items = popMark();
                        Object d = top();
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            put(d, items.get(i), items.get(i + 1));
                        }
                        break;
                    }
                    case 'e': case 0x90: popMark(); break;
                    case 'd': {
                        List<Object> items = popMark();
                        Map<Object, Object> d = new LinkedHashMap<>();
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            put(d, items.get(i), items.get(i + 1));
                        }
                        stack.add(d);
                        break;
                    }
                    case 'l': case 't': case 0x91: popMark(); stack.add(OTHER); break;
                    case 0x85: pop(); stack.add(OTHER); break;
                    case 0x86: pop(); pop(); stack.add(OTHER); break;
                    case 0x87: pop(); pop(); pop(); stack.add(OTHER); break;
                    case 'c': stack.add(new ClassRef(line() + "." + line())); break;
                    case 0x93: {
                        Object name = pop();
                        Object module = pop();
                        stack.add(name instanceof String && module instanceof String
                                ? new ClassRef(module + "." + name) : OTHER);
                        break;
                    }
                    case 'p': memo.put(parseLong(line()), top()); break;
                    case 'q': memo.put(unsigned(1), top()); break;
                    case 'r': memo.put(unsigned(4), top()); break;
                    case 0x94: memo.put((long) memo.size(), top()); break;
                    case 'g': stack.add(memoGet(parseLong(line()))); break;
                    case 'h': stack.add(memoGet(unsigned(1))); break;
                    case 'j': stack.add(memoGet(unsigned(4))); break;
                    case 0x80: skip(1); break;
                    case 0x95: skip(8); break;
                    default:
                        throw new IOException(what + String.format(": pickle opcode 0x%02x is not one TorchScript writes", op));
                }
            }
            throw new IOException(what + ": pickle exceeds " + MAX_OPS + " opcodes");
        }

        private static Object instance(Object cls) {
            return cls instanceof ClassRef c ? new Obj(c.name()) : OTHER;
        }

        private void build() throws IOException {
            Object state = pop();
            if (top() instanceof Obj o && state instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> s = (Map<Object, Object>) m;
                o.state = s;
            }
        }

        @SuppressWarnings("unchecked")
        private static void put(Object dict, Object k, Object v) {
            if (dict instanceof Map<?, ?> m && k instanceof String) {
                ((Map<Object, Object>) m).put(k, v);
            }
        }

        private Object memoGet(long k) throws IOException {
            Object v = memo.get(k);
            if (v == null) {
                throw new IOException(what + ": pickle reads memo slot " + k + " that was never written");
            }
            return v;
        }

        private Object top() throws IOException {
            if (stack.isEmpty()) {
                throw new IOException(what + ": malformed pickle (stack underflow)");
            }
            return stack.get(stack.size() - 1);
        }

        private Object pop() throws IOException {
            if (stack.isEmpty() || top() == MARK) {
                throw new IOException(what + ": malformed pickle (stack underflow)");
            }
            return stack.remove(stack.size() - 1);
        }

        private List<Object> popMark() throws IOException {
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i) == MARK) {
                    List<Object> items = new ArrayList<>(stack.subList(i + 1, stack.size()));
                    stack.subList(i, stack.size()).clear();
                    return items;
                }
            }
            throw new IOException(what + ": malformed pickle (no MARK)");
        }

        private long unsigned(int bytes) throws IOException {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException(what + ": pickle is truncated");
                }
                v |= ((long) b) << (8 * i);
            }
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IOException(what + ": pickle declares a length of " + v + " bytes");
            }
            return v;
        }

        private void skip(long n) throws IOException {
            in.skipNBytes(n); // EOFException when truncated
        }

        private String text(long n) throws IOException {
            if (n > (1 << 20)) {
                skip(n); // long strings are data, not names
                return null;
            }
            byte[] b = in.readNBytes((int) n);
            if (b.length != n) {
                throw new IOException(what + ": pickle is truncated");
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0 || sb.length() > 4096) {
                    throw new IOException(what + ": pickle text line is truncated or too long");
                }
                sb.append((char) c);
            }
            return sb.toString();
        }

        private static String unquote(String s) {
            return s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') ? s.substring(1, s.length() - 1) : s;
        }

        private long parseLong(String s) throws IOException {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IOException(what + ": malformed pickle memo index '" + s + "'", e);
            }
        }
    }
}
