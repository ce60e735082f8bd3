package dev.optbench.study;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Store URLs for tests: a fresh SQLite file, or a fresh schema in the PostgreSQL of OPTBENCH_TEST_PG. */
final class TestStores {
    private TestStores() {}

    static String sqlite(Path dir) {
        return "sqlite:" + dir.resolve("store.db");
    }

    /** The base PostgreSQL URL, or the test is skipped saying why. */
    static String postgresBase() {
        String url = System.getenv("OPTBENCH_TEST_PG");
        Assumptions.assumeTrue(url != null && !url.isBlank(),
                "OPTBENCH_TEST_PG is not set: PostgreSQL store tests skipped (.ci/run starts PostgreSQL and sets it)");
        return url;
    }

    /** A URL whose tables live in a new schema of their own (dropped by {@link #dropSchema}). */
    static String postgresFreshSchema() {
        String base = postgresBase();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        exec(base, "CREATE SCHEMA " + schema);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static void dropSchema(String url) {
        if (url == null || !url.contains("currentSchema=")) {
            return;
        }
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        exec(url.substring(0, url.indexOf("currentSchema=") - 1), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void exec(String url, String sql) {
        StoreUrl u = StoreUrl.parse(url);
        try (Connection c = DriverManager.getConnection(u.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (Exception e) {
            throw new IllegalStateException(u.scrub(e.getMessage()), e);
        }
    }
}
