package dev.optbench.analysis;

import dev.optbench.InputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RFC 4180 reader: comma-separated fields, double quotes around fields that contain
 * commas, quotes ("" inside) or line breaks. Each row remembers the line it started on.
 */
final class CsvRows {
    private CsvRows() {}

    /** A parsed row: the fields, and the 1-based line number where it started. */
    private static final class Row extends ArrayList<String> {
        final int line;

        Row(int line) {
            this.line = line;
        }
    }

    static int lineOf(List<String> row) {
        return ((Row) row).line;
    }

    static List<List<String>> parse(String text, String source) {
        List<List<String>> rows = new ArrayList<>();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        int line = 1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            Row row = new Row(line);
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean endOfRow = false;
            while (i < n && !endOfRow) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    if (c == '"') {
                        quoted = false;
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                    }
                    i++;
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                    i++;
                } else if (c == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                    i++;
                } else if (c == '\n' || c == '\r') {
                    i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
                    line++;
                    endOfRow = true;
                } else {
                    field.append(c);
                    i++;
                }
            }
            if (quoted) {
                throw new InputException(source + " line " + row.line + ": a quoted field is never closed; add the closing \"");
            }
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
