package dev.optbench;

import java.util.regex.Pattern;

/**
 * Error text for people: what went wrong in words, never a Java class name. A message that
 * Java built from a wrapped exception ("java.io.IOException: disk full") loses its class-name
 * prefix; an exception without a message is described by what kind of failure it is.
 */
public final class Messages {
    /** A leading "some.pkg.SomeException: " or "SomeError: " (possibly repeated). */
    private static final Pattern CLASS_PREFIX =
            Pattern.compile("^(?:(?:[a-z_][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error|Throwable)(?::\\s*|$))+");

    private Messages() {}

    /** One line describing {@code e}, e.g. "out of memory" or "disk full". */
    public static String describe(Throwable e) {
        Throwable t = e;
        // Wrappers whose own message is only the cause's toString(): describe the cause instead.
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString())
                    || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : stripClassNames(t.getMessage().strip().lines().findFirst().orElse(""));
        String kind = kind(t);
        if (message.isBlank()) {
            return kind;
        }
        return kind.equals("error") ? message : kind + ": " + message;
    }

    /** Longest user value an error message echoes, in characters. */
    public static final int QUOTE_LIMIT = 80;

    /**
     * A user's value as an error message echoes it: line breaks shown as \n and \r, at most
     * {@link #QUOTE_LIMIT} characters (then "…" and the full length), so a 50 MB cell stays one short line.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= QUOTE_LIMIT) {
            return value.replace("\r", "\\r").replace("\n", "\\n");
        }
        int cut = Character.isHighSurrogate(value.charAt(QUOTE_LIMIT - 1)) ? QUOTE_LIMIT - 1 : QUOTE_LIMIT; // no half a character
        String head = value.substring(0, cut).replace("\r", "\\r").replace("\n", "\\n");
        return head + "… (" + value.length() + " characters)";
    }

    /** Removes class-name prefixes Java puts in front of wrapped messages. */
    public static String stripClassNames(String message) {
        return CLASS_PREFIX.matcher(message).replaceFirst("").strip();
    }

    private static String kind(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "out of memory";
        }
        if (t instanceof StackOverflowError) {
            return "stack overflow";
        }
        if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
            return "input/output error";
        }
        if (t instanceof ArithmeticException) {
            return "arithmetic error";
        }
        if (t instanceof NullPointerException) {
            return "internal error (a value was missing)";
        }
        if (t instanceof IndexOutOfBoundsException) {
            return "internal error (an index was out of range)";
        }
        if (t instanceof InterruptedException || t instanceof java.util.concurrent.CancellationException) {
            return "interrupted";
        }
        return "error";
    }
}
