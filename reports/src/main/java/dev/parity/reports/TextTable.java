package dev.parity.reports;

import java.util.ArrayList;
import java.util.List;

/** A left-aligned plain-text table with columns sized to their widest cell. */
public final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public TextTable(String... header) {
        this.header = header.clone();
    }

    public TextTable row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.length);
        }
        rows.add(cells.clone());
        return this;
    }

    public String render() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        for (String[] r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(cells[i]);
            if (i < cells.length - 1) {
                l.append(" ".repeat(w[i] - cells[i].length() + 2));
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
