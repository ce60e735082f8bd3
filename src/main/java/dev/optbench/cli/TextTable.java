package dev.optbench.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for benchmark output: one header row, columns padded to their widest cell,
 * cells that look like numbers (digits, '.', '×', '-', '%', 'x'; a lone '-' is a missing one) right-aligned, others left-aligned.
 */
record TextTable(List<String> headers, List<List<String>> rows) {
    TextTable {
        headers = List.copyOf(headers);
        List<List<String>> copy = new ArrayList<>();
        for (List<String> r : rows) {
            if (r.size() != headers.size()) {
                throw new IllegalArgumentException("row " + r + " has " + r.size() + " cells, the header " + headers.size());
            }
            copy.add(List.copyOf(r));
        }
        rows = List.copyOf(copy);
    }

    String render() {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = headers.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder s = new StringBuilder();
        line(s, headers, width, false);
        for (List<String> r : rows) {
            line(s, r, width, true);
        }
        return s.toString();
    }

    private static void line(StringBuilder s, List<String> cells, int[] width, boolean align) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            l.append(c == 0 ? "" : "  ").append(align && numeric(cell) ? pad + cell : cell + (c == cells.size() - 1 ? "" : pad));
        }
        s.append(l.toString().stripTrailing()).append('\n');
    }

    static boolean numeric(String cell) {
        return cell.equals("-") || !cell.isEmpty() && cell.matches("[0-9.×x%\\-+ ]+") && cell.chars().anyMatch(Character::isDigit);
    }
}
