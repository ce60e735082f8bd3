package dev.optbench.study;

import dev.optbench.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A store URL as the user gives it: {@code sqlite:PATH}, {@code postgresql://host:port/db?user=..&password=..}
 * (also {@code postgres://}) or {@code jdbc:sqlite:..} / {@code jdbc:postgresql:..}. Only
 * {@link #masked()} and {@link #scrub} may reach logs and error messages: passwords never do.
 */
public record StoreUrl(String given, String jdbcUrl, Dialect dialect, String password) {
    /** Where the URL comes from when no --store is given. */
    public static final String ENV = "OPTBENCH_STORE";
    public static final String DEFAULT = "sqlite:optbench.db";

    /**
     * password=VALUE in a query (any case): the value runs to the next {@code &name=} or {@code ;name=}
     * parameter, the end of the line or text, so a password written with a raw & or ; ("p&Pw") is masked whole.
     */
    private static final Pattern PASSWORD =
            Pattern.compile("(?i)(password=)(.*?)(?=[&;][A-Za-z_][A-Za-z0-9_.-]*=|[\\r\\n]|$)");
    /** user:password@host: the password runs to the last @ before the query that a host follows (over-masking an odd path is safe). */
    private static final Pattern USERINFO =
            Pattern.compile("(//[^/:@?#]+:)([^?#]*)(@)(?=[A-Za-z0-9.\\-\\[\\]:%]*(?:[/?#]|$))");

    /** --store if given, else $OPTBENCH_STORE, else sqlite:optbench.db in the working directory. */
    public static String resolve(String flag) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? env : DEFAULT;
    }

    public static StoreUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new InputException("empty store URL (use sqlite:PATH or postgresql://host:port/db?user=..&password=..)");
        }
        String u = url.trim();
        String password = password(u);
        if (u.startsWith("jdbc:sqlite:")) {
            return sqlite(u.substring("jdbc:sqlite:".length()), u);
        }
        if (u.startsWith("sqlite:")) {
            return sqlite(u.substring("sqlite:".length()), u);
        }
        if (u.startsWith("jdbc:postgresql://")) {
            return new StoreUrl(u, u, Dialect.POSTGRESQL, password);
        }
        if (u.startsWith("postgresql://") || u.startsWith("postgres://")) {
            String rest = u.substring(u.indexOf("://") + 3);
            if (rest.isEmpty() || rest.startsWith("/") || !rest.contains("/")) {
                throw new InputException("store URL " + mask(u) + " lacks host or database (use postgresql://host:port/db?user=..&password=..)");
            }
            return new StoreUrl(u, "jdbc:postgresql://" + rest, Dialect.POSTGRESQL, password);
        }
        throw new InputException("unsupported store URL '" + dev.optbench.Messages.quote(mask(u)) + "' (use sqlite:PATH, "
                + "postgresql://host:port/db?user=..&password=.., or jdbc:sqlite:/jdbc:postgresql:)");
    }

    private static StoreUrl sqlite(String path, String original) {
        if (path.isBlank()) {
            throw new InputException("store URL '" + dev.optbench.Messages.quote(original) + "' has no file path (use sqlite:PATH, e.g. sqlite:optbench.db)");
        }
        if (!path.startsWith(":memory:") && !path.startsWith("file:")) {
            Path parent = Path.of(path).toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new InputException("cannot open store " + original + ": directory " + parent
                        + " does not exist (create it, or point --store elsewhere)");
            }
            if (Files.isDirectory(Path.of(path))) {
                throw new InputException("cannot open store " + original + ": " + path + " is a directory (give a file path)");
            }
        }
        return new StoreUrl(original, "jdbc:sqlite:" + path, Dialect.SQLITE, null);
    }

    private static String password(String u) {
        Matcher m = PASSWORD.matcher(u);
        if (m.find()) {
            return m.group(2);
        }
        Matcher ui = USERINFO.matcher(u);
        return ui.find() ? ui.group(2) : null;
    }

    /** The SQLite database file, or null (PostgreSQL, in-memory or file: URI). */
    public Path file() {
        if (dialect != Dialect.SQLITE) {
            return null;
        }
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        return path.startsWith(":memory:") || path.startsWith("file:") ? null : Path.of(path);
    }

    /** The URL with any password replaced by ***. */
    public String masked() {
        return mask(given);
    }

    static String mask(String url) {
        String m = PASSWORD.matcher(url).replaceAll("$1***");
        return USERINFO.matcher(m).replaceAll("$1***$3");
    }

    /** A driver message with the password (if it ever appears) replaced by ***. */
    public String scrub(String message) {
        if (message == null) {
            return "";
        }
        String m = mask(message);
        if (password == null || password.isEmpty()) {
            return m;
        }
        m = m.replace(password, "***");
        try { // a driver may repeat the password decoded (p%26w written, p&w used)
            String decoded = java.net.URLDecoder.decode(password, java.nio.charset.StandardCharsets.UTF_8);
            return decoded.isEmpty() ? m : m.replace(decoded, "***");
        } catch (IllegalArgumentException notEncoded) {
            return m;
        }
    }

    @Override
    public String toString() {
        return masked();
    }
}
