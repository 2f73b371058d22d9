package dev.parity.corpus;

import dev.parity.result.ExportRecord;
import dev.parity.result.RunRecord;

import java.util.regex.Pattern;

/** Shell-style name patterns for --models and --configs: {@code *}, {@code ?}, and commas for alternatives. */
final class Glob {
    private final Pattern pattern;

    Glob(String text) {
        StringBuilder re = new StringBuilder();
        for (String alt : text.split(",")) {
            if (re.length() > 0) {
                re.append('|');
            }
            re.append('(');
            for (char ch : alt.trim().toCharArray()) {
                if (ch == '*') {
                    re.append(".*");
                } else if (ch == '?') {
                    re.append('.');
                } else {
                    re.append(Pattern.quote(String.valueOf(ch)));
                }
            }
            re.append(')');
        }
        pattern = Pattern.compile(re.toString());
    }

    boolean matches(String name) {
        return pattern.matcher(name).matches();
    }
}
