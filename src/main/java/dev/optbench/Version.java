package dev.optbench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The optbench version and the git commit it was built from, recorded with every result. */
public final class Version {
    private Version() {}

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "dev");
    }

    /** The commit set by the launcher (OPTBENCH_GIT_COMMIT), or "unknown" outside a checkout. */
    public static String gitCommit() {
        String c = System.getenv("OPTBENCH_GIT_COMMIT");
        return c == null || c.isBlank() ? "unknown" : c.trim();
    }
}
