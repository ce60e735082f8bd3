package dev.optbench.study;

/**
 * CSV cells as spreadsheets and other tools expect them. {@link #field} quotes per RFC 4180
 * (a field with a comma, quote, CR or LF, or with spaces at either end, goes in double quotes,
 * its quotes doubled). {@link #text} also neutralizes a label that a spreadsheet would run as a
 * formula (OWASP "CSV injection"): one that begins with =, +, -, @, tab or CR gets a leading '.
 * A label that already begins with quotes before such a character gets one more, so
 * {@link #restore} (drop one ' from quotes followed by such a character) inverts it exactly.
 * Numbers are written with {@link #field} only: a negative number is not a formula.
 */
public final class CsvText {
    private static final String FORMULA_START = "=+-@\t\r";

    private CsvText() {}

    /** A text cell (label, name, free text): neutralized, then quoted where needed. */
    public static String text(String s) {
        return field(s == null ? "" : neutralize(s));
    }

    /** {@code s} as one RFC 4180 field. */
    public static String field(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0
                || (!s.isEmpty() && (isBlank(s.charAt(0)) || isBlank(s.charAt(s.length() - 1))));
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** {@code s} with a leading ' when it would start a formula (after any quotes of its own). */
    public static String neutralize(String s) {
        return formulaAfterQuotes(s) ? "'" + s : s;
    }

    /** The label {@link #neutralize} was given: one leading ' fewer where it added one. */
    public static String restore(String s) {
        return !s.isEmpty() && s.charAt(0) == '\'' && formulaAfterQuotes(s) ? s.substring(1) : s;
    }

    private static boolean formulaAfterQuotes(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '\'') {
            i++;
        }
        return i < s.length() && FORMULA_START.indexOf(s.charAt(i)) >= 0;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
