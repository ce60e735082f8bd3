package dev.optbench.study;

import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Mapping between store rows and records: reading studies, trials and curves, writing trials and curves. */
final class Rows {
    static final String TRIAL_COLUMNS = "study, optimizer, trial_index, state, searched, hparams, seed, worker,"
            + " started_ms, finished_ms, steps, seconds, validation_error, test_error, steps_to_target, provenance, message,"
            + " point_index, seed_repeat, stage";

    private Rows() {}

    static StudyDefinition study(ResultSet rs) throws SQLException {
        return new StudyDefinition(rs.getString("name"), rs.getString("workload"), rs.getString("protocol"),
                Json.list(rs.getString("optimizers")), rs.getInt("trials_per_optimizer"), rs.getLong("seed"),
                rs.getString("sampler"), Json.strings(rs.getString("spaces")), Instant.ofEpochMilli(rs.getLong("created_ms")),
                ExternalCommand.fromJson(rs.getString("external")),
                rs.getInt("seeds"), dev.optbench.space.FitOptions.fromJson(rs.getString("fit")),
                TorchEngine.fromJson(rs.getString("engine")));
    }

    static Map<String, List<Measurement>> curves(Connection connection, String study) throws SQLException {
        Map<String, List<Measurement>> out = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT optimizer, trial_index, step, split, loss, error"
                + " FROM measurements WHERE study = ? ORDER BY optimizer, trial_index, step")) {
            ps.setString(1, study);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1) + "#" + rs.getInt(2);
                    out.computeIfAbsent(key, k -> new ArrayList<>()).add(new Measurement(rs.getLong(3),
                            Split.fromId(rs.getString(4)), nanIfNull(rs, 5), nanIfNull(rs, 6)));
                }
            }
        }
        // Within a step, splits in their fixed order (train, train_eval, validation, test).
        out.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(Measurement::step)
                .thenComparing(m -> m.split().ordinal())));
        return out;
    }

    static Trial trial(ResultSet rs, List<Measurement> curve) throws SQLException {
        return new Trial(rs.getString("study"), rs.getString("optimizer"), rs.getInt("trial_index"),
                TrialState.fromId(rs.getString("state")), Json.doubles(rs.getString("searched")),
                Json.doubles(rs.getString("hparams")), rs.getLong("seed"), rs.getString("worker"),
                instant(rs, "started_ms"), instant(rs, "finished_ms"), rs.getLong("steps"), rs.getDouble("seconds"),
                boxed(rs, "validation_error"), boxed(rs, "test_error"), boxed(rs, "steps_to_target"),
                Json.strings(rs.getString("provenance")), rs.getString("message"), curve, point(rs),
                rs.getInt("seed_repeat"), rs.getInt("stage"));
    }

    /** The stored point; a store from before seed repeats has none: the trial is its own point. */
    private static int point(ResultSet rs) throws SQLException {
        int p = rs.getInt("point_index");
        return rs.wasNull() ? rs.getInt("trial_index") : p;
    }

    static void bindClaim(PreparedStatement ps, int from, Claim claim) throws SQLException {
        ps.setString(from, claim.study());
        ps.setString(from + 1, claim.optimizer());
        ps.setInt(from + 2, claim.index());
        ps.setInt(from + 3, claim.attempt());
    }

    static void insertTrials(Connection connection, List<Trial> trials) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO trials (" + TRIAL_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int n = 0;
            for (Trial t : trials) {
                ps.setString(1, t.study());
                ps.setString(2, t.optimizer());
                ps.setInt(3, t.index());
                ps.setString(4, t.state().id());
                ps.setString(5, Json.write(t.searched()));
                ps.setString(6, Json.write(t.hparams()));
                ps.setLong(7, t.seed());
                ps.setString(8, t.worker());
                setInstant(ps, 9, t.started());
                setInstant(ps, 10, t.finished());
                ps.setLong(11, t.steps());
                ps.setDouble(12, t.seconds());
                setDouble(ps, 13, t.validationError());
                setDouble(ps, 14, t.testError());
                setDouble(ps, 15, t.stepsToTarget());
                ps.setString(16, Json.write(t.provenance()));
                ps.setString(17, t.message());
                ps.setInt(18, t.point());
                ps.setInt(19, t.repeat());
                ps.setInt(20, t.stage());
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** Deletes the trial's measurements from step {@code fromStep} on. */
    static void deleteMeasurements(Connection connection, String study, String optimizer, int index, long fromStep)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM measurements"
                + " WHERE study = ? AND optimizer = ? AND trial_index = ? AND step >= ?")) {
            ps.setString(1, study);
            ps.setString(2, optimizer);
            ps.setInt(3, index);
            ps.setLong(4, fromStep);
            ps.executeUpdate();
        }
    }

    static void insertMeasurements(Connection connection, String study, String optimizer, int index, List<Measurement> curve) throws SQLException {
        if (curve.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO measurements"
                + " (study, optimizer, trial_index, step, split, loss, error) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Measurement m : curve) {
                ps.setString(1, study);
                ps.setString(2, optimizer);
                ps.setInt(3, index);
                ps.setLong(4, m.step());
                ps.setString(5, m.split().id());
                setDouble(ps, 6, m.loss());
                setDouble(ps, 7, m.error());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** NaN is stored as NULL (SQLite has no NaN) and read back as NaN. */
    /** NaN is stored as NULL (SQLite has no NaN) and read back as NaN. */
    static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || v.isNaN()) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    static double nanIfNull(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? Double.NaN : v;
    }

    static Double boxed(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
