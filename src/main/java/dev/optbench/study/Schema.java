package dev.optbench.study;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned migrations, the same DDL on SQLite and PostgreSQL. {@code schema_version} holds the
 * number of migrations applied; each new one is appended here and never edited once released.
 * Times are epoch milliseconds (BIGINT); maps are JSON text.
 */
final class Schema {
    private Schema() {}

    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    """
                    CREATE TABLE studies (
                      name TEXT PRIMARY KEY,
                      workload TEXT NOT NULL,
                      protocol TEXT NOT NULL,
                      optimizers TEXT NOT NULL,
                      trials_per_optimizer INTEGER NOT NULL,
                      seed BIGINT NOT NULL,
                      sampler TEXT NOT NULL,
                      spaces TEXT NOT NULL,
                      created_ms BIGINT NOT NULL)""",
                    """
                    CREATE TABLE trials (
                      study TEXT NOT NULL REFERENCES studies (name) ON DELETE CASCADE,
                      optimizer TEXT NOT NULL,
                      trial_index INTEGER NOT NULL,
                      state TEXT NOT NULL,
                      searched TEXT NOT NULL,
                      hparams TEXT NOT NULL,
                      seed BIGINT NOT NULL,
                      attempt INTEGER NOT NULL DEFAULT 0,
                      worker TEXT,
                      lease_expires_ms BIGINT,
                      started_ms BIGINT,
                      finished_ms BIGINT,
                      steps BIGINT NOT NULL DEFAULT 0,
                      seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
                      validation_error DOUBLE PRECISION,
                      test_error DOUBLE PRECISION,
                      steps_to_target DOUBLE PRECISION,
                      provenance TEXT NOT NULL DEFAULT '{}',
                      message TEXT,
                      PRIMARY KEY (study, optimizer, trial_index))""",
                    "CREATE INDEX trials_by_state ON trials (state, study, trial_index, optimizer)",
                    """
                    CREATE TABLE measurements (
                      study TEXT NOT NULL,
                      optimizer TEXT NOT NULL,
                      trial_index INTEGER NOT NULL,
                      step BIGINT NOT NULL,
                      split TEXT NOT NULL,
                      loss DOUBLE PRECISION,
                      error DOUBLE PRECISION,
                      FOREIGN KEY (study, optimizer, trial_index)
                        REFERENCES trials (study, optimizer, trial_index) ON DELETE CASCADE)""",
                    "CREATE INDEX measurements_by_trial ON measurements (study, optimizer, trial_index, step)"),
            // 2: external studies (SPEC section 10) keep their command; NULL for built-in workloads.
            List.of("ALTER TABLE studies ADD COLUMN external TEXT"),
            // 3: seed repeats (a trial's point and repeat) and the fitted protocol's two stages
            // (SPEC section 10). Older stores get seeds = 1, point = trial index, stage 1.
            List.of(
                    "ALTER TABLE studies ADD COLUMN seeds INTEGER NOT NULL DEFAULT 1",
                    "ALTER TABLE studies ADD COLUMN fit TEXT",
                    "ALTER TABLE trials ADD COLUMN point_index INTEGER",
                    "ALTER TABLE trials ADD COLUMN seed_repeat INTEGER NOT NULL DEFAULT 0",
                    "ALTER TABLE trials ADD COLUMN stage INTEGER NOT NULL DEFAULT 1",
                    """
                    CREATE TABLE fitted_spaces (
                      study TEXT NOT NULL REFERENCES studies (name) ON DELETE CASCADE,
                      optimizer TEXT NOT NULL,
                      space TEXT NOT NULL,
                      PRIMARY KEY (study, optimizer))"""),
            // 4: each study's fingerprint (StudyFingerprint), recorded at creation; a worker refuses a
            // study whose row no longer matches it. Older stores get theirs from their rows as they are.
            List.of("ALTER TABLE studies ADD COLUMN fingerprint TEXT"),
            // 5: the engine a study trains on (TorchEngine as JSON); NULL for DJL, as every older study is.
            List.of("ALTER TABLE studies ADD COLUMN engine TEXT"));

    /** The migration after whose DDL {@link StudyFingerprint#fillMissing} runs. */
    private static final int FINGERPRINTS = 4;

    /** An arbitrary constant naming optbench's migration lock ("optbench" in ASCII, truncated). */
    private static final long ADVISORY_LOCK = 0x6f707462656e6368L;

    static int latest() {
        return MIGRATIONS.size();
    }

    /** Brings the store up to date inside one write transaction (concurrent openers wait on the lock). */
    /** Whether the store's schema is this optbench's, read without writing; a newer one is an InputException. */
    static boolean isCurrent(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet t = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")) {
                if (!t.next()) {
                    return false;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
                int version = rs.next() ? rs.getInt(1) : 0;
                if (version > latest()) {
                    throw new dev.optbench.InputException("the store has schema version " + version
                            + " but this optbench knows only " + latest() + " (upgrade optbench)");
                }
                return version == latest();
            }
        }
    }

    static void migrate(Connection c, Dialect dialect) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (dialect == Dialect.POSTGRESQL) {
                // Serializes first-time setup: concurrent CREATE TABLE IF NOT EXISTS can collide in PostgreSQL.
                s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK + ")");
            }
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            boolean hasRow;
            try (ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
                hasRow = rs.next();
                if (hasRow) {
                    version = rs.getInt(1);
                }
            }
            if (version > latest()) {
                throw new dev.optbench.InputException("the store has schema version " + version + " but this optbench knows only "
                        + latest() + " (upgrade optbench)");
            }
            for (int v = version; v < latest(); v++) {
                for (String ddl : MIGRATIONS.get(v)) {
                    s.execute(ddl);
                }
                if (v + 1 == FINGERPRINTS) {
                    StudyFingerprint.fillMissing(c);
                }
            }
            if (!hasRow) {
                s.execute("INSERT INTO schema_version (version) VALUES (" + latest() + ")");
            } else if (version < latest()) {
                s.execute("UPDATE schema_version SET version = " + latest());
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
