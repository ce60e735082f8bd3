package dev.optbench.analysis;

import dev.optbench.InputException;
import dev.optbench.Limits;
import dev.optbench.Messages;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RFC 4180 reader: comma-separated fields, double quotes around fields that contain
 * commas, quotes ("" inside) or line breaks. A quoted field is taken as written; an unquoted one
 * loses spaces at its ends (hand-written files put them after commas). Each row remembers the
 * line it started on. It reads a stream, and refuses a cell over {@link Limits#MAX_CSV_CELL} or a
 * record over {@link Limits#MAX_CSV_LINE} characters, so a huge file with no line breaks is one
 * error line, not an OutOfMemoryError.
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
        try {
            return parse(new StringReader(text), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    static List<List<String>> parse(Reader in, String source) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        Reader r = in.markSupported() ? in : new java.io.BufferedReader(in);
        int c = r.read();
        if (c == '\uFEFF') {
            c = r.read();
        }
        int line = 1;
        while (c != -1) {
            if (rows.size() > Limits.MAX_STUDY_TRIALS) { // the header and one row per trial
                throw new InputException(source + " has more than " + Limits.MAX_STUDY_TRIALS
                        + " rows, optbench's limit on the trials of one study; split it into several studies");
            }
            Row row = new Row(line);
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            long recordLength = 0;
            while (c != -1) {
                if (++recordLength > Limits.MAX_CSV_LINE) {
                    throw new InputException(source + " line " + row.line + ": a line (record) longer than "
                            + Limits.MAX_CSV_LINE + " characters; optbench imports lines up to that length");
                }
                if (quoted) {
                    if (c == '"') {
                        c = r.read();
                        if (c == '"') {
                            append(field, '"', source, row.line);
                            c = r.read();
                        } else {
                            quoted = false;
                        }
                        continue;
                    }
                    if (c == '\n') {
                        line++;
                    }
                    append(field, (char) c, source, row.line);
                    c = r.read();
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                    wasQuoted = true;
                    c = r.read();
                } else if (c == ',') {
                    row.add(wasQuoted ? field.toString() : field.toString().strip());
                    field.setLength(0);
                    wasQuoted = false;
                    c = r.read();
                } else if (c == '\n' || c == '\r') {
                    int next = r.read();
                    c = c == '\r' && next == '\n' ? r.read() : next;
                    line++;
                    break;
                } else {
                    append(field, (char) c, source, row.line);
                    c = r.read();
                }
            }
            if (quoted) {
                throw new InputException(source + " line " + row.line + ": a quoted field is never closed; add the closing \"");
            }
            row.add(wasQuoted ? field.toString() : field.toString().strip());
            rows.add(row);
        }
        return rows;
    }

    private static void append(StringBuilder field, char c, String source, int line) {
        if (field.length() >= Limits.MAX_CSV_CELL) {
            throw new InputException(source + " line " + line + ": a cell longer than " + Limits.MAX_CSV_CELL
                    + " characters (starting '" + Messages.quote(field.substring(0, Messages.QUOTE_LIMIT))
                    + "…'); optbench imports cells up to that length");
        }
        field.append(c);
    }
}
