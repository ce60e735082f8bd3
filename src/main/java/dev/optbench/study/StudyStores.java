package dev.optbench.study;

import dev.optbench.InputException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/** Opens a store from its URL (see {@link StoreUrl}) and brings its schema up to date. */
public final class StudyStores {
    private StudyStores() {}

    /** Opens the store at {@code url}: bad URLs and unreachable servers are one-line InputExceptions. */
    public static SqlStudyStore open(String url) {
        return open(StoreUrl.parse(url));
    }

    public static SqlStudyStore open(StoreUrl url) {
        return open(url, true);
    }

    /**
     * Opens an existing store only: a SQLite path with no file is an InputException instead of a
     * new empty store (so a mistyped path in a read-only command leaves no stray file behind).
     */
    public static SqlStudyStore openExisting(String url) {
        return open(StoreUrl.parse(url), false);
    }

    /**
     * Opens an existing store for a command that only reads (studies, status, analyze, report,
     * export). A SQLite file is opened read-only and its schema only checked, so a store without
     * write permission or on a read-only mount can be read; a schema that needs an upgrade is opened
     * for writing as usual (the upgrade needs write access once).
     */
    public static SqlStudyStore openForReading(String url) {
        StoreUrl u = StoreUrl.parse(url);
        if (u.dialect() != Dialect.SQLITE || u.file() == null) {
            return open(u, false);
        }
        if (!java.nio.file.Files.exists(u.file())) {
            return open(u, false); // the usual "no store at" message
        }
        Connection c;
        try {
            c = connectReadOnly(u, false);
        } catch (SQLException e) {
            try { // WAL without its -shm file in a read-only folder: only an immutable open can read it
                c = connectReadOnly(u, true);
            } catch (SQLException again) {
                throw new InputException("cannot open store " + u.masked() + ": " + reason(u, e)
                        + " (give the path of an optbench SQLite file)", null);
            }
        }
        try {
            if (Schema.isCurrent(c)) {
                return new SqlStudyStore(u, c);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            if (e instanceof InputException ie) {
                throw ie;
            }
            throw new InputException("cannot open store " + u.masked() + ": "
                    + (e instanceof SQLException s ? reason(u, s) : u.scrub(e.getMessage())) + " (is it an optbench store?)", null);
        }
        closeQuietly(c);
        return open(u, false); // an older schema: upgrade it (needs write access once)
    }

    /**
     * Opens an existing store that this process will never write (the dashboard): SQLite as
     * {@link #openForReading}; on PostgreSQL the session is made read-only, so the server refuses
     * any write on this connection whatever the code above it does.
     */
    public static SqlStudyStore openReadOnly(String url) {
        SqlStudyStore store = openForReading(url);
        try {
            store.readOnlySession();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static Connection connectReadOnly(StoreUrl url, boolean immutable) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(30_000);
        String jdbc = immutable ? "jdbc:sqlite:file:" + url.file().toAbsolutePath() + "?immutable=1" : url.jdbcUrl();
        if (immutable) {
            config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
        }
        Connection c = DriverManager.getConnection(jdbc, config.toProperties());
        try (java.sql.Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM sqlite_master").close(); // fails now, not later, if it cannot be read
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    private static SqlStudyStore open(StoreUrl url, boolean create) {
        if (!create && url.dialect() == Dialect.SQLITE && url.file() != null && !java.nio.file.Files.exists(url.file())) {
            throw new InputException("no store at " + url.masked() + " (check --store or $" + StoreUrl.ENV
                    + "; 'optbench study create' makes a new one)");
        }
        Connection c;
        try {
            c = connect(url);
        } catch (SQLException e) {
            if (url.dialect() == Dialect.SQLITE && url.file() != null && java.nio.file.Files.exists(url.file())
                    && !java.nio.file.Files.isWritable(url.file())) {
                throw new InputException("cannot write store " + url.masked() + ": it is read-only (no write permission, or a"
                        + " read-only mount); studies, study status, export, analyze and report can read it, this command"
                        + " needs write access", null);
            }
            if (url.dialect() == Dialect.SQLITE) {
                throw new InputException("cannot open store " + url.masked() + ": " + reason(url, e)
                        + " (give the path of an optbench SQLite file, or a new one)", null);
            }
            String message = "cannot connect to store " + url.masked() + ": " + reason(url, e)
                    + " (check the URL, that the server runs and accepts this user)";
            if (StoreRetry.isConnectionLoss(e)) { // unreachable: a runtime failure (exit 1), not bad input
                throw new StoreException(message, null);
            }
            throw new InputException(message, null);
        }
        try {
            Schema.migrate(c, url.dialect());
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            if (e instanceof InputException ie) {
                throw ie;
            }
            throw new InputException("cannot open store " + url.masked() + ": "
                    + (e instanceof SQLException s ? reason(url, s) : url.scrub(e.getMessage()))
                    + " (is it an optbench store?)", null);
        }
        return new SqlStudyStore(url, c);
    }

    /** A new connection with the store's settings; the schema is not checked (a store reconnecting after an outage). */
    static Connection connect(StoreUrl url) throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), properties(url));
    }

    private static Properties properties(StoreUrl url) {
        if (url.dialect() == Dialect.SQLITE) {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // FULL: a completed trial survives a power loss too (NORMAL in WAL mode may roll back the last commits).
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(30_000);
            config.enforceForeignKeys(true);
            // Write transactions take the lock at BEGIN, so a claim never upgrades a read lock and deadlocks.
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            return config.toProperties();
        }
        Properties p = new Properties();
        p.setProperty("connectTimeout", "10");
        p.setProperty("loginTimeout", "15");
        p.setProperty("ApplicationName", "optbench");
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    private static String reason(StoreUrl url, SQLException e) {
        String m = e.getMessage() == null ? dev.optbench.Messages.describe(e) : dev.optbench.Messages.stripClassNames(e.getMessage());
        if (e.getCause() != null && e.getCause().getMessage() != null && m.contains("attempt failed")) {
            m = m + " " + e.getCause().getMessage();
        }
        return url.scrub(m.lines().findFirst().orElse("").trim());
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already failing; the first error is the one to report
        }
    }
}
