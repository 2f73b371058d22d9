package dev.parity.safety;

import java.util.Arrays;

/**
 * Splits TorchScript source (an archive's {@code code/**.py}) into the tokens that matter for
 * {@link TorchScriptCodeCheck}: names, dots, colons, logical newlines, and everything else as
 * opaque tokens. String literals and comments are recognised exactly as libtorch's lexer
 * ({@code torch/csrc/jit/frontend/lexer.h}) recognises them, so that no text libtorch compiles as
 * code is skipped here as a string or a comment:
 * <ul>
 *   <li>a comment starts with {@code #} at a token boundary and runs to the newline, except
 *       {@code # type:}, which libtorch lexes as a token followed by code;</li>
 *   <li>a string starts with {@code '} or {@code "} (tripled for a long string) and ends at the
 *       same quote run; a backslash skips the next character, newline included; a raw newline
 *       ends a short string unclosed, and an unclosed string is not a string (libtorch then
 *       fails to lex, so the quote is kept here as an opaque token and lexing goes on);</li>
 *   <li>backslash-newline joins lines; newlines inside brackets are not logical newlines.</li>
 * </ul>
 * Text is read as ISO-8859-1, one char per byte. Bytes libtorch may treat as letters or blanks
 * under some C locale (0x80-0xff) are opaque tokens here: that splits names finer than libtorch
 * ever does, which can only make the check see more, never less.
 */
final class TorchScriptLexer {
    static final byte NAME = 1;
    static final byte DOT = 2;
    static final byte COLON = 3;
    static final byte NEWLINE = 4;
    static final byte STRING = 5;
    static final byte NUMBER = 6;
    static final byte OTHER = 7;

    private final String src;
    private byte[] kinds = new byte[256];
    private int[] starts = new int[256];
    private int[] ends = new int[256];
    private int count;

    private TorchScriptLexer(String src) {
        this.src = src;
    }

    /** Tokens of {@code src}; never fails (text libtorch cannot lex still yields tokens). */
    static TorchScriptLexer lex(String src) {
        TorchScriptLexer l = new TorchScriptLexer(src);
        l.run();
        return l;
    }

    int count() {
        return count;
    }

    byte kind(int i) {
        return i >= 0 && i < count ? kinds[i] : 0;
    }

    String text(int i) {
        return src.substring(starts[i], ends[i]);
    }

    int start(int i) {
        return starts[i];
    }

    /** 1-based line of a source offset, for messages. */
    int line(int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private void add(byte kind, int start, int end) {
        if (count == kinds.length) {
            kinds = Arrays.copyOf(kinds, count * 2);
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        kinds[count] = kind;
        starts[count] = start;
        ends[count] = end;
        count++;
    }

    private void run() {
        String s = src;
        int n = s.length();
        int pos = 0;
        int nesting = 0;
        while (true) {
            while (pos < n && isBlank(s.charAt(pos))) {
                pos++;
            }
            if (pos >= n) {
                return;
            }
            char c = s.charAt(pos);
            if (c == '#') {
                if (s.startsWith("# type:", pos)) {
                    add(OTHER, pos, pos + 7);
                    pos += 7;
                } else {
                    while (pos < n && s.charAt(pos) != '\n') {
                        pos++;
                    }
                }
            } else if (c == '\\' && pos + 1 < n && s.charAt(pos + 1) == '\n') {
                pos += 2;
            } else if (c == '\n') {
                if (nesting <= 0) {
                    add(NEWLINE, pos, pos + 1);
                }
                pos++;
            } else if (isDigit(c) || (c == '.' && pos + 1 < n && isDigit(s.charAt(pos + 1)))) {
                int end = number(s, pos);
                add(NUMBER, pos, end);
                pos = end;
            } else if (c == '"' || c == '\'') {
                int end = string(s, pos);
                if (end < 0) {
                    add(OTHER, pos, pos + 1);
                    pos++;
                } else {
                    add(STRING, pos, end);
                    pos = end;
                }
            } else if (isNameStart(c)) {
                int end = pos + 1;
                while (end < n && isNamePart(s.charAt(end))) {
                    end++;
                }
                add(NAME, pos, end);
                pos = end;
            } else {
                if (c == '(' || c == '[' || c == '{') {
                    nesting++;
                } else if (c == ')' || c == ']' || c == '}') {
                    nesting--;
                }
                add(c == '.' ? DOT : c == ':' ? COLON : OTHER, pos, pos + 1);
                pos++;
            }
        }
    }

    /**
     * End of the string literal at {@code start}, or -1 when libtorch would not lex one there.
     * Mirrors {@code SharedParserData::isString}.
     */
    static int string(String s, int start) {
        int n = s.length();
        char q = s.charAt(start);
        int ql = start + 2 < n && s.charAt(start + 1) == q && s.charAt(start + 2) == q ? 3 : 1;
        int end = start + ql;
        while (end < n && !quotes(s, end, q, ql)) {
            if (s.charAt(end) == '\n' && ql != 3) {
                return -1;
            }
            if (s.charAt(end) == '\\') {
                end++;
            }
            end++;
        }
        return end < n ? end + ql : -1;
    }

    private static boolean quotes(String s, int at, char q, int len) {
        if (at + len > s.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(at + i) != q) {
                return false;
            }
        }
        return true;
    }

    /** End of the number at {@code start}: decimal or hexadecimal, as strtod reads it, plus 'j'. */
    private static int number(String s, int start) {
        int n = s.length();
        int i = start;
        boolean hex = s.charAt(i) == '0' && i + 2 < n && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && (isHex(s.charAt(i + 2)) || (s.charAt(i + 2) == '.' && i + 3 < n && isHex(s.charAt(i + 3))));
        if (hex) {
            i += 2;
        }
        while (i < n && (hex ? isHex(s.charAt(i)) : isDigit(s.charAt(i)))) {
            i++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && (hex ? isHex(s.charAt(i)) : isDigit(s.charAt(i)))) {
                i++;
            }
        }
        if (i < n && (hex ? (s.charAt(i) == 'p' || s.charAt(i) == 'P') : (s.charAt(i) == 'e' || s.charAt(i) == 'E'))) {
            int j = i + 1;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            if (j < n && isDigit(s.charAt(j))) {
                while (j < n && isDigit(s.charAt(j))) {
                    j++;
                }
                i = j;
            }
        }
        if (i < n && s.charAt(i) == 'j') {
            i++;
        }
        return i;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == 0x0b || c == 0x0c;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }
}
