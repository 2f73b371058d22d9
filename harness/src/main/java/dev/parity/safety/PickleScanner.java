package dev.parity.safety;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Walks a pickle opcode by opcode, without executing it, and refuses any global (GLOBAL, INST,
 * STACK_GLOBAL) outside the allow-list of what TorchScript archives need. Stack and memo are
 * modelled so that STACK_GLOBAL's operands are known constant strings; anything the walker cannot
 * prove harmless (extension codes, out-of-band buffers, unknown opcodes, computed global names)
 * is refused too. Limits bound the work on hostile input.
 */
public final class PickleScanner {
    /** Globals a TorchScript archive's pickles use (checked on both converter generations' archives). */
    private static final Pattern ALLOWED = Pattern.compile(String.join("|",
            "__torch__(\\.[A-Za-z_][A-Za-z0-9_]*)+",
            "torch\\._utils\\._rebuild_(tensor|tensor_v2|tensor_v3|parameter|parameter_with_state|qtensor|sparse_tensor)",
            "torch\\.[A-Za-z0-9]*Storage",
            "torch\\.storage\\.UntypedStorage",
            "torch\\.jit\\._pickle\\.(build_intlist|build_tensorlist|build_doublelist|build_boollist|build_tensor_from_id|restore_type_tag)",
            "collections\\.OrderedDict",
            "torch\\.device"));
    private static final int MAX_OPS = 50_000_000;
    private static final int MAX_STACK = 1_000_000;
    private static final Object MARK = new Object();
    private static final Object OTHER = new Object();

    private PickleScanner() {}

    /** Whether a fully qualified global ({@code module.name}) is allowed. */
    public static boolean allowed(String global) {
        return ALLOWED.matcher(global).matches();
    }

    /**
     * @param what the entry's name, for messages
     * @throws UnsafeModelException naming the first refused global or construct
     * @throws IOException when the stream cannot be read
     */
    public static void scan(InputStream in, String what) throws IOException, UnsafeModelException {
        Reader r = new Reader(in, what);
        List<Object> stack = new ArrayList<>();
        Map<Long, Object> memo = new HashMap<>();
        for (int ops = 0; ; ops++) {
            if (ops > MAX_OPS || stack.size() > MAX_STACK || memo.size() > MAX_STACK) {
                throw new UnsafeModelException(what + ": pickle exceeds Parity's size limits");
            }
            int op = r.read();
            if (op < 0) {
                throw new UnsafeModelException(what + ": pickle ends without STOP");
            }
            switch (op) {
                case '.': return; // STOP
                case '(': stack.add(MARK); break;
                case '0': pop(stack, 1, r); break;
                case '1': popMark(stack, r); break;
                case '2': stack.add(top(stack, r)); break;
                case 'F': case 'I': case 'L': r.line(); stack.add(OTHER); break;
                case 'J': r.skip(4); stack.add(OTHER); break;
                case 'K': r.skip(1); stack.add(OTHER); break;
                case 'M': r.skip(2); stack.add(OTHER); break;
                case 'G': r.skip(8); stack.add(OTHER); break;
                case 'N': case 0x88: case 0x89: case ')': case ']': case '}': case 0x8f: stack.add(OTHER); break;
                case 0x8a: r.skip(r.u8()); stack.add(OTHER); break; // LONG1
                case 0x8b: r.skip(r.u32()); stack.add(OTHER); break; // LONG4
                case 'S': stack.add(r.line()); break; // STRING (quoted repr; kept as-is)
                case 'V': stack.add(r.line()); break; // UNICODE
                case 'T': stack.add(r.text(r.u32())); break; // BINSTRING
                case 'U': stack.add(r.text(r.u8())); break; // SHORT_BINSTRING
                case 'X': stack.add(r.text(r.u32())); break; // BINUNICODE
                case 0x8c: stack.add(r.text(r.u8())); break; // SHORT_BINUNICODE
                case 0x8d: stack.add(r.text(r.u64())); break; // BINUNICODE8
                case 'B': r.skip(r.u32()); stack.add(OTHER); break; // BINBYTES
                case 'C': r.skip(r.u8()); stack.add(OTHER); break; // SHORT_BINBYTES
                case 0x8e: case 0x96: r.skip(r.u64()); stack.add(OTHER); break; // BINBYTES8, BYTEARRAY8
                case 'P': r.line(); stack.add(OTHER); break; // PERSID
                case 'Q': pop(stack, 1, r); stack.add(OTHER); break; // BINPERSID
                case 'R': pop(stack, 2, r); stack.add(OTHER); break; // REDUCE
                case 'b': pop(stack, 1, r); break; // BUILD
                case 0x81: pop(stack, 2, r); stack.add(OTHER); break; // NEWOBJ
                case 0x92: pop(stack, 3, r); stack.add(OTHER); break; // NEWOBJ_EX
                case 'o': popMark(stack, r); stack.add(OTHER); break; // OBJ
                case 'a': pop(stack, 1, r); break; // APPEND
                case 's': pop(stack, 2, r); break; // SETITEM
                case 'e': case 'u': case 0x90: popMark(stack, r); break; // APPENDS, SETITEMS, ADDITEMS
                case 'd': case 'l': case 't': case 0x91: popMark(stack, r); stack.add(OTHER); break;
                case 0x85: pop(stack, 1, r); stack.add(OTHER); break;
                case 0x86: pop(stack, 2, r); stack.add(OTHER); break;
                case 0x87: pop(stack, 3, r); stack.add(OTHER); break;
                case 'c': { // GLOBAL module\nname\n
                    String g = r.line() + "." + r.line();
                    check(g, what);
                    stack.add(OTHER);
                    break;
                }
                case 'i': { // INST module\nname\n
                    String g = r.line() + "." + r.line();
                    check(g, what);
                    popMark(stack, r);
                    stack.add(OTHER);
                    break;
                }
                case 0x93: { // STACK_GLOBAL
                    Object name = pop(stack, 1, r);
                    Object module = pop(stack, 1, r);
                    if (!(name instanceof String) || !(module instanceof String)) {
                        throw new UnsafeModelException(what + ": pickle builds a global name at run time (STACK_GLOBAL"
                                + " on computed values), which Parity cannot check");
                    }
                    check(module + "." + name, what);
                    stack.add(OTHER);
                    break;
                }
                case 'p': memo.put(parseLong(r.line(), r), top(stack, r)); break; // PUT
                case 'q': memo.put((long) r.u8(), top(stack, r)); break; // BINPUT
                case 'r': memo.put((long) r.u32(), top(stack, r)); break; // LONG_BINPUT
                case 0x94: memo.put((long) memo.size(), top(stack, r)); break; // MEMOIZE
                case 'g': stack.add(memoGet(memo, parseLong(r.line(), r), r)); break;
                case 'h': stack.add(memoGet(memo, r.u8(), r)); break;
                case 'j': stack.add(memoGet(memo, r.u32(), r)); break;
                case 0x80: r.skip(1); break; // PROTO
                case 0x95: r.skip(8); break; // FRAME
                case 0x82: case 0x83: case 0x84:
                    throw new UnsafeModelException(what + ": pickle uses the copyreg extension registry (EXT opcodes),"
                            + " which Parity cannot check");
                case 0x97: case 0x98:
                    throw new UnsafeModelException(what + ": pickle uses out-of-band buffers, which TorchScript never writes");
                default:
                    throw new UnsafeModelException(what + String.format(": unknown pickle opcode 0x%02x at byte %d", op,
                            r.pos - 1));
            }
        }
    }

    private static void check(String global, String what) throws UnsafeModelException {
        if (!allowed(global)) {
            throw new UnsafeModelException(what + ": pickle imports " + global
                    + ", which is not among the globals TorchScript archives need; refusing to load");
        }
    }

    private static Object memoGet(Map<Long, Object> memo, long k, Reader r) throws UnsafeModelException {
        Object v = memo.get(k);
        if (v == null) {
            throw new UnsafeModelException(r.what + ": pickle reads memo slot " + k + " that was never written");
        }
        return v;
    }

    private static Object top(List<Object> stack, Reader r) throws UnsafeModelException {
        if (stack.isEmpty()) {
            throw new UnsafeModelException(r.what + ": malformed pickle (stack underflow at byte " + r.pos + ")");
        }
        return stack.get(stack.size() - 1);
    }

    private static Object pop(List<Object> stack, int n, Reader r) throws UnsafeModelException {
        Object last = null;
        for (int i = 0; i < n; i++) {
            if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
                throw new UnsafeModelException(r.what + ": malformed pickle (stack underflow at byte " + r.pos + ")");
            }
            last = stack.remove(stack.size() - 1);
        }
        return last;
    }

    private static void popMark(List<Object> stack, Reader r) throws UnsafeModelException {
        for (int i = stack.size() - 1; i >= 0; i--) {
            if (stack.get(i) == MARK) {
                stack.subList(i, stack.size()).clear();
                return;
            }
        }
        throw new UnsafeModelException(r.what + ": malformed pickle (no MARK at byte " + r.pos + ")");
    }

    private static long parseLong(String s, Reader r) throws UnsafeModelException {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new UnsafeModelException(r.what + ": malformed pickle memo index '" + s + "'");
        }
    }

    /**
     * Bounded reads through its own 64 KiB buffer: opcodes and operands come from the array, and
     * the stream is only asked for whole blocks, so the scan runs at memory speed whatever stream
     * it is given. Every length is checked against what remains plausible.
     */
    private static final class Reader {
        private static final long MAX_LEN = 1L << 31;
        private final InputStream in;
        private final String what;
        private final byte[] buf = new byte[1 << 16];
        private int at;
        private int end;
        private long pos;

        Reader(InputStream in, String what) {
            this.in = in;
            this.what = what;
        }

        /** Refills an exhausted buffer; false at the end of the stream. */
        private boolean fill() throws IOException {
            at = 0;
            end = 0;
            int n;
            do {
                n = in.read(buf, 0, buf.length);
            } while (n == 0);
            if (n < 0) {
                return false;
            }
            end = n;
            return true;
        }

        int read() throws IOException {
            if (at == end && !fill()) {
                return -1;
            }
            pos++;
            return buf[at++] & 0xff;
        }

        int u8() throws IOException, UnsafeModelException {
            return (int) bytes(1);
        }

        long u32() throws IOException, UnsafeModelException {
            return bytes(4);
        }

        long u64() throws IOException, UnsafeModelException {
            long v = bytes(8);
            if (v < 0 || v > MAX_LEN) {
                throw new UnsafeModelException(what + ": pickle declares a length of " + v + " bytes");
            }
            return v;
        }

        private long bytes(int n) throws IOException, UnsafeModelException {
            long v = 0;
            for (int i = 0; i < n; i++) {
                int b = read();
                if (b < 0) {
                    throw new UnsafeModelException(what + ": pickle is truncated");
                }
                v |= ((long) b) << (8 * i);
            }
            return v;
        }

        void skip(long n) throws IOException, UnsafeModelException {
            if (n < 0 || n > MAX_LEN) {
                throw new UnsafeModelException(what + ": pickle declares a length of " + n + " bytes");
            }
            long left = n;
            while (left > 0) {
                if (at == end && !fill()) {
                    throw new UnsafeModelException(what + ": pickle is truncated");
                }
                int k = (int) Math.min(left, end - at);
                at += k;
                pos += k;
                left -= k;
            }
        }

        String text(long n) throws IOException, UnsafeModelException {
            if (n < 0 || n > (1 << 20)) {
                // long strings are data, not names: skip them and remember nothing
                skip(n);
                return null;
            }
            byte[] b = new byte[(int) n];
            int got = 0;
            while (got < n) {
                if (at == end && !fill()) {
                    throw new UnsafeModelException(what + ": pickle is truncated");
                }
                int k = Math.min((int) n - got, end - at);
                System.arraycopy(buf, at, b, got, k);
                at += k;
                got += k;
            }
            pos += n;
            return new String(b, StandardCharsets.UTF_8);
        }

        String line() throws IOException, UnsafeModelException {
            StringBuilder sb = new StringBuilder();
            for (int c = read(); c != '\n'; c = read()) {
                if (c < 0) {
                    throw new UnsafeModelException(what + ": pickle is truncated");
                }
                if (sb.length() > 4096) {
                    throw new UnsafeModelException(what + ": pickle text line too long");
                }
                sb.append((char) c);
            }
            return sb.toString();
        }
    }
}
