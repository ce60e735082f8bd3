package dev.optbench.study;

import dev.optbench.InputException;
import dev.optbench.train.Measurement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The study store on SQLite or PostgreSQL: one schema ({@link Schema}), one set of statements;
 * only the clock expression and the claim's row locking differ ({@link Dialect}). One
 * connection per instance; methods are synchronized so a worker's threads may share it.
 * Every write is one short transaction. Worker-side writes name the claim's attempt, so only
 * the current lease holder can finish a trial, and a finished trial is never claimed again.
 */
public final class SqlStudyStore implements StudyStore {

    private final StoreUrl url;
    /** Replaced by a new one when a retrying store lost it (see {@link #retrying}). */
    private Connection connection;
    private final Dialect dialect;
    private final Map<String, String> workloads = new HashMap<>();
    /** Null: a lost connection fails the operation at once. */
    private volatile StoreRetry retry;
    /** True while an operation runs again after its connection was lost (its first try may have committed). */
    private boolean rerun;
    /** Set by {@link #readOnlySession}: a replacement connection is made read-only too. */
    private boolean readOnly;

    SqlStudyStore(StoreUrl url, Connection connection) {
        this.url = url;
        this.connection = connection;
        this.dialect = url.dialect();
    }

    /**
     * From now on a lost connection is reopened and the operation retried under {@code policy}
     * (workers and the commands that run them); returns this store.
     */
    public SqlStudyStore retrying(StoreRetry policy) {
        this.retry = policy;
        return this;
    }

    /** The retry policy, or null when a lost connection fails at once. */
    public StoreRetry retryPolicy() {
        return retry;
    }

    public StoreUrl url() {
        return url;
    }

    public Dialect dialect() {
        return dialect;
    }

    // ---------------------------------------------------------------- studies

    @Override
    public synchronized void createStudy(StudyDefinition def, dev.optbench.optim.OptimizerRegistry registry) {
        checkName(def);
        tx(() -> {
            createIn(def, registry);
            return null;
        });
    }

    /**
     * Creates the study and imports {@code trials} into it in one transaction: either the study
     * lands with every row, or (on any error, a lost connection included) nothing does.
     */
    public synchronized void createStudyWithTrials(StudyDefinition def, List<Trial> trials) {
        checkName(def);
        tx(() -> {
            createIn(def, dev.optbench.optim.OptimizerRegistry.BUILT_IN); // imported: no trial to resolve
            importIn(def.name(), trials);
            return null;
        });
    }

    private static void checkName(StudyDefinition def) {
        if (def.name() == null || !def.name().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new InputException("study name '" + dev.optbench.Messages.quote(def.name()) + "' is not allowed (use letters, digits, '.', '_', '-')");
        }
    }

    private void createIn(StudyDefinition def, dev.optbench.optim.OptimizerRegistry registry) throws SQLException {
        List<Trial> trials = StudyPlan.pendingTrials(def, registry);
        if (findStudyIn(def.name()).isPresent()) {
            throw new InputException("study '" + def.name() + "' already exists in " + url.masked()
                    + " (resume it with 'optbench study run " + def.name() + "', or choose another name)");
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO studies (name, workload, protocol, optimizers,"
                + " trials_per_optimizer, seed, sampler, spaces, created_ms, external, seeds, fit, fingerprint, engine)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            String optimizers = Json.write(def.optimizers());
            String spaces = Json.write(def.spaces());
            String external = def.isExternal() ? def.external().toJson() : null;
            String fit = def.fit() == null ? null : def.fit().toJson();
            String engine = def.isTorch() ? def.torch().toJson() : null;
            ps.setString(1, def.name());
            ps.setString(2, def.workload());
            ps.setString(3, def.protocol());
            ps.setString(4, optimizers);
            ps.setInt(5, def.trialsPerOptimizer());
            ps.setLong(6, def.seed());
            ps.setString(7, def.sampler());
            ps.setString(8, spaces);
            ps.setLong(9, def.created().toEpochMilli());
            ps.setString(10, external);
            ps.setInt(11, def.seeds());
            ps.setString(12, fit);
            ps.setString(13, StudyFingerprint.of(def.name(), def.workload(), def.protocol(), optimizers,
                    def.trialsPerOptimizer(), def.seed(), def.sampler(), spaces, def.created().toEpochMilli(), external,
                    def.seeds(), fit, engine));
            ps.setString(14, engine);
            ps.executeUpdate();
        }
        Rows.insertTrials(connection, trials);
    }

    @Override
    public synchronized Optional<StudyDefinition> findStudy(String name) {
        return call(() -> findStudyIn(name));
    }

    private Optional<StudyDefinition> findStudyIn(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT * FROM studies WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.study(rs)) : Optional.empty();
            }
        }
    }

    /**
     * A study's row as a worker must judge it: its definition (null when the row cannot be read as
     * one, {@code problem} says why) and whether the row still matches the fingerprint recorded at
     * its creation.
     */
    public record StoredStudy(String name, StudyDefinition definition, boolean fingerprintMatches, String problem) {}

    /**
     * The study {@code name}, or (null) every study, that has a pending or running trial, each
     * checked against its fingerprint.
     */
    public synchronized List<StoredStudy> unfinishedStudies(String name) {
        return call(() -> {
            List<StoredStudy> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT * FROM studies WHERE EXISTS (SELECT 1 FROM trials"
                    + " WHERE trials.study = studies.name AND trials.state IN ('pending', 'running'))"
                    + (name == null ? "" : " AND name = ?") + " ORDER BY created_ms, name")) {
                if (name != null) {
                    ps.setString(1, name);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean matches = StudyFingerprint.of(rs).equals(rs.getString("fingerprint"));
                        try {
                            out.add(new StoredStudy(rs.getString("name"), Rows.study(rs), matches, null));
                        } catch (RuntimeException e) { // a row no optbench wrote: refuse it, do not crash on it
                            out.add(new StoredStudy(rs.getString("name"), null, false, dev.optbench.Messages.describe(e)));
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public StudyDefinition study(String name) {
        return findStudy(name).orElseThrow(() -> new InputException(
                "unknown study '" + dev.optbench.Messages.quote(name) + "' (list studies with 'optbench studies')"));
    }

    @Override
    public synchronized List<StudyDefinition> studies() {
        return call(() -> {
            List<StudyDefinition> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT * FROM studies ORDER BY created_ms, name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Rows.study(rs));
                }
            }
            return out;
        });
    }


    /** Deletes a study with its trials and measurements; false if there was none. */
    public synchronized boolean deleteStudy(String name) {
        return tx(() -> {
            for (String table : List.of("measurements", "fitted_spaces", "trials")) {
                try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE study = ?")) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM studies WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    // ---------------------------------------------------------------- trials (read side)

    @Override
    public synchronized List<Trial> trials(String study, boolean withCurves) {
        return call(() -> {
            Map<String, List<Measurement>> curves = withCurves ? Rows.curves(connection, study) : Map.of();
            List<Trial> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT " + Rows.TRIAL_COLUMNS
                    + " FROM trials WHERE study = ? ORDER BY optimizer, trial_index")) {
                ps.setString(1, study);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString("optimizer") + "#" + rs.getInt("trial_index");
                        // a running trial's stored progress is the dashboard's (curve()); analyses see only ended trials'
                        String state = rs.getString("state");
                        boolean ended = !"running".equals(state) && !"pending".equals(state);
                        out.add(Rows.trial(rs, ended ? curves.getOrDefault(key, List.of()) : List.of()));
                    }
                }
            }
            return out;
        });
    }



    /** One trial's stored curve (while it runs, the evaluations its worker stored so far), steps in order. */
    public synchronized List<Measurement> curve(String study, String optimizer, int index) {
        return call(() -> {
            List<Measurement> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT step, split, loss, error FROM measurements"
                    + " WHERE study = ? AND optimizer = ? AND trial_index = ? ORDER BY step")) {
                ps.setString(1, study);
                ps.setString(2, optimizer);
                ps.setInt(3, index);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Measurement(rs.getLong(1), dev.optbench.train.Split.fromId(rs.getString(2)),
                                rs.getObject(3) == null ? Double.NaN : rs.getDouble(3),
                                rs.getObject(4) == null ? Double.NaN : rs.getDouble(4)));
                    }
                }
            }
            out.sort(java.util.Comparator.comparingLong(Measurement::step).thenComparing(m -> m.split().ordinal()));
            return out;
        });
    }

    /**
     * A page of the study's trials in {@link #trials} order, of one state or (null) all, without
     * curves; the dashboard pages with this instead of reading every trial.
     */
    public synchronized List<Trial> trialsPage(String study, TrialState state, int offset, int limit) {
        return selectTrials("study = ?" + (state == null ? "" : " AND state = ?")
                + " ORDER BY optimizer, trial_index LIMIT ? OFFSET ?", state == null
                        ? new Object[] {study, limit, offset} : new Object[] {study, state.id(), limit, offset});
    }

    /** How many trials the study has in {@code state}, or (null) in all. */
    public synchronized int trialCount(String study, TrialState state) {
        return call(() -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM trials WHERE study = ?"
                    + (state == null ? "" : " AND state = ?"))) {
                ps.setString(1, study);
                if (state != null) {
                    ps.setString(2, state.id());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** One trial without its curve, if the study has it. */
    public synchronized Optional<Trial> trial(String study, String optimizer, int index) {
        return selectTrials("study = ? AND optimizer = ? AND trial_index = ?", study, optimizer, index).stream().findFirst();
    }

    /** The {@code limit} trials that finished (completed or diverged) last, latest first, without curves. */
    public synchronized List<Trial> recentlyFinished(String study, int limit) {
        return selectTrials("study = ? AND state IN ('completed', 'diverged') AND finished_ms IS NOT NULL"
                + " ORDER BY finished_ms DESC, optimizer DESC, trial_index DESC LIMIT ?", study, limit);
    }

    /**
     * Each optimizer's best finished trial: lowest final validation error, ties to the lower index
     * (as {@link StudySummary}); optimizers without one are left out.
     */
    public synchronized Map<String, Trial> bestTrials(String study) {
        Map<String, Trial> out = new LinkedHashMap<>();
        for (String o : counts(study).keySet()) {
            selectTrials("study = ? AND optimizer = ? AND state IN ('completed', 'diverged') AND validation_error IS NOT NULL"
                    + " ORDER BY validation_error, trial_index LIMIT 1", study, o).forEach(t -> out.put(o, t));
        }
        return out;
    }

    private List<Trial> selectTrials(String where, Object... params) {
        return call(() -> {
            List<Trial> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT " + Rows.TRIAL_COLUMNS + " FROM trials WHERE " + where)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Rows.trial(rs, List.of()));
                    }
                }
            }
            return out;
        });
    }

    /** Trials per optimizer and state (every state present, zeros included), optimizers in study order. */
    public synchronized Map<String, Map<TrialState, Integer>> counts(String study) {
        StudyDefinition def = study(study);
        return call(() -> {
            Map<String, Map<TrialState, Integer>> out = new LinkedHashMap<>();
            for (String o : def.optimizers()) {
                out.put(o, zeroCounts());
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT optimizer, state, COUNT(*) FROM trials WHERE study = ? GROUP BY optimizer, state")) {
                ps.setString(1, study);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> zeroCounts())
                                .put(TrialState.fromId(rs.getString(2)), rs.getInt(3));
                    }
                }
            }
            return out;
        });
    }

    /**
     * A mark that changes whenever the study's trials change state (claim, release, expiry,
     * completion, failure, import): per state, the count and the latest start and finish. Finished
     * trials are never rewritten, so readers may cache what they derive from trials under it.
     */
    public synchronized String changeMark(String study) {
        return call(() -> {
            StringBuilder mark = new StringBuilder();
            try (PreparedStatement ps = connection.prepareStatement("SELECT state, COUNT(*), MAX(started_ms), MAX(finished_ms)"
                    + " FROM trials WHERE study = ? GROUP BY state ORDER BY state")) {
                ps.setString(1, study);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        mark.append(rs.getString(1)).append(':').append(rs.getLong(2)).append(':').append(rs.getLong(3))
                                .append(':').append(rs.getLong(4)).append(';');
                    }
                }
            }
            return mark.toString();
        });
    }

    /** The study's {@link TrialTally}: counts per state, finished trials' durations, the running trials. */
    public synchronized TrialTally tally(String study) {
        TrialTally finished = call(() -> {
            Map<TrialState, Integer> counts = zeroCounts();
            double seconds = 0;
            int timed = 0;
            try (PreparedStatement ps = connection.prepareStatement("SELECT state, COUNT(*),"
                    + " SUM(CASE WHEN seconds > 0 THEN seconds ELSE 0 END), SUM(CASE WHEN seconds > 0 THEN 1 ELSE 0 END)"
                    + " FROM trials WHERE study = ? GROUP BY state")) {
                ps.setString(1, study);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        TrialState state = TrialState.fromId(rs.getString(1));
                        counts.put(state, rs.getInt(2));
                        if (state.countsAsFinished()) {
                            seconds += rs.getDouble(3);
                            timed += rs.getInt(4);
                        }
                    }
                }
            }
            return new TrialTally(counts, seconds, timed, List.of());
        });
        return new TrialTally(finished.counts(), finished.finishedSeconds(), finished.timedFinished(),
                selectTrials("study = ? AND state = 'running' ORDER BY optimizer, trial_index", study));
    }

    /**
     * Makes every later transaction of this connection read-only (PostgreSQL: the session
     * default; SQLite stores opened by {@link StudyStores#openForReading} are read-only already).
     */
    synchronized void readOnlySession() {
        readOnly = true;
        call(() -> {
            applyReadOnly();
            return null;
        });
    }

    private void applyReadOnly() throws SQLException {
        if (readOnly && dialect == Dialect.POSTGRESQL) {
            try (java.sql.Statement s = connection.createStatement()) {
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
            }
        }
    }

    /** The leases of the study's running trials, by the store's clock, in trial order. */
    public synchronized List<Lease> leases(String study) {
        return call(() -> {
            List<Lease> out = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT optimizer, trial_index, worker, lease_expires_ms - "
                    + dialect.now() + " FROM trials WHERE study = ? AND state = 'running' ORDER BY trial_index, optimizer")) {
                ps.setString(1, study);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Lease(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4)));
                    }
                }
            }
            return out;
        });
    }

    private static Map<TrialState, Integer> zeroCounts() {
        Map<TrialState, Integer> m = new EnumMap<>(TrialState.class);
        for (TrialState s : TrialState.values()) {
            m.put(s, 0);
        }
        return m;
    }

    /** Pending plus running trials, in one study or (null) in all. */
    public synchronized int unfinished(String study) {
        return unfinished(study, ClaimFilter.ANY);
    }

    /** Pending plus running trials that {@code filter} lets a worker claim, in one study or (null) in all. */
    public synchronized int unfinished(String study, ClaimFilter filter) {
        return call(() -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM trials WHERE state IN ('pending', 'running')"
                    + (study == null ? "" : " AND study = ?") + filter.sql())) {
                int next = 1;
                if (study != null) {
                    ps.setString(next++, study);
                }
                filter.bind(ps, next);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    // ---------------------------------------------------------------- worker side

    /**
     * Returns expired leases to pending, then takes the next pending trial (lowest index first,
     * so optimizers advance together) and leases it for {@code leaseMillis}; empty if none is pending.
     */
    public synchronized Optional<Claim> claim(String study, String worker, long leaseMillis) {
        return claim(study, worker, leaseMillis, ClaimFilter.ANY);
    }

    /** As {@link #claim(String, String, long)}, taking only a trial that {@code filter} lets this worker run. */
    public synchronized Optional<Claim> claim(String study, String worker, long leaseMillis, ClaimFilter filter) {
        return tx(() -> {
            relaxedCommit();
            if (rerun) { // the lost first try may have claimed a trial already: take that one up again
                Optional<Claim> mine = heldBy(study, worker, leaseMillis);
                if (mine.isPresent()) {
                    return mine;
                }
            }
            expire(study);
            String only = study == null ? "" : " AND study = ?";
            String study0;
            String optimizer;
            int index;
            int attempt;
            Map<String, Double> hparams;
            long seed;
            int stage;
            int point;
            try (PreparedStatement ps = connection.prepareStatement("SELECT study, optimizer, trial_index, attempt, hparams, seed,"
                    + " stage, point_index FROM trials WHERE state = 'pending'" + only + FittedStage.READY + filter.sql()
                    + " ORDER BY trial_index, study, optimizer LIMIT 1" + dialect.skipLocked())) {
                int next = 1;
                if (study != null) {
                    ps.setString(next++, study);
                }
                filter.bind(ps, next);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Claim>empty();
                    }
                    study0 = rs.getString(1);
                    optimizer = rs.getString(2);
                    index = rs.getInt(3);
                    attempt = rs.getInt(4) + 1;
                    hparams = Json.doubles(rs.getString(5));
                    seed = rs.getLong(6);
                    stage = rs.getInt(7);
                    point = rs.getInt(8);
                }
            }
            if (stage == 2 && hparams.isEmpty()) { // the first claim of this stage-2 point: fit, then sample it
                hparams = FittedStage.assign(connection, findStudyIn(study0).orElseThrow(), optimizer, point,
                        filter.optimizers());
            }
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'running', worker = ?, attempt = ?,"
                    + " lease_expires_ms = " + dialect.now() + " + ?, started_ms = " + dialect.now() + ", finished_ms = NULL"
                    + " WHERE study = ? AND optimizer = ? AND trial_index = ? AND state = 'pending'")) {
                ps.setString(1, worker);
                ps.setInt(2, attempt);
                ps.setLong(3, leaseMillis);
                ps.setString(4, study0);
                ps.setString(5, optimizer);
                ps.setInt(6, index);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("claimed trial " + study0 + "/" + optimizer + "#" + index + " changed under its lock");
                }
            }
            Rows.deleteMeasurements(connection, study0, optimizer, index, Long.MIN_VALUE); // an earlier attempt's progress
            return Optional.of(new Claim(study0, workload(study0), optimizer, index, attempt, worker, hparams, seed));
        });
    }

    /** A running trial this worker holds, its lease extended; empty if none. */
    private Optional<Claim> heldBy(String study, String worker, long leaseMillis) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT study, optimizer, trial_index, attempt, hparams, seed"
                + " FROM trials WHERE state = 'running' AND worker = ?" + (study == null ? "" : " AND study = ?")
                + " ORDER BY trial_index, study, optimizer LIMIT 1")) {
            ps.setString(1, worker);
            if (study != null) {
                ps.setString(2, study);
            }
            String study0;
            Claim c;
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                study0 = rs.getString(1);
                c = new Claim(study0, null, rs.getString(2), rs.getInt(3), rs.getInt(4), worker,
                        Json.doubles(rs.getString(5)), rs.getLong(6));
            }
            try (PreparedStatement up = connection.prepareStatement("UPDATE trials SET lease_expires_ms = " + dialect.now()
                    + " + ? WHERE study = ? AND optimizer = ? AND trial_index = ? AND attempt = ? AND state = 'running'")) {
                up.setLong(1, leaseMillis);
                Rows.bindClaim(up, 2, c);
                up.executeUpdate();
            }
            return Optional.of(new Claim(study0, workload(study0), c.optimizer(), c.index(), c.attempt(), worker,
                    c.hparams(), c.seed()));
        }
    }

    private String workload(String study) throws SQLException {
        String w = workloads.get(study);
        if (w == null) {
            w = findStudyIn(study).orElseThrow().workload();
            workloads.put(study, w);
        }
        return w;
    }

    /** The fitted protocol's stored stage-2 spaces (AlgoPerf JSON) by optimizer; empty until stage 2 begins. */
    public synchronized Map<String, String> fittedSpaces(String study) {
        StudyDefinition def = study(study);
        return call(() -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (String o : def.optimizers()) {
                String s = FittedStage.storedSpace(connection, study, o);
                if (s != null) {
                    out.put(o, s);
                }
            }
            return out;
        });
    }

    /** Running trials whose lease has expired go back to pending; returns how many. */
    public synchronized int expireLeases(String study) {
        return tx(() -> expire(study));
    }

    /**
     * PostgreSQL: this transaction's commit need not wait for the disk. Used for claims and lease
     * renewals only: if the server crashes and loses one, the trial is pending again or its lease
     * shorter, and the old holder's attempt no longer matches, so it cannot store a result.
     * Completions always commit synchronously: a stored result is never lost.
     */
    private void relaxedCommit() throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            try (java.sql.Statement s = connection.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
            }
        }
    }

    private int expire(String study) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'pending', worker = NULL,"
                + " lease_expires_ms = NULL, started_ms = NULL WHERE state = 'running' AND lease_expires_ms < " + dialect.now()
                + (study == null ? "" : " AND study = ?"))) {
            if (study != null) {
                ps.setString(1, study);
            }
            return ps.executeUpdate();
        }
    }

    /** Extends the lease; false when the claim is no longer held (expired and taken, or finished). */
    public synchronized boolean renew(Claim claim, long leaseMillis) {
        return tx(() -> {
            relaxedCommit();
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET lease_expires_ms = " + dialect.now()
                    + " + ? WHERE study = ? AND optimizer = ? AND trial_index = ? AND attempt = ? AND state = 'running'")) {
                ps.setLong(1, leaseMillis);
                Rows.bindClaim(ps, 2, claim);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records a finished run (completed or diverged) and its curve in one transaction, only if
     * the claim still holds the trial; returns false (and writes nothing) otherwise.
     */
    public synchronized boolean complete(Claim claim, TrialState state, long steps, double seconds, double validationError,
            double testError, Double stepsToTarget, Map<String, String> provenance, List<Measurement> curve) {
        if (!state.countsAsFinished()) {
            throw new IllegalArgumentException("complete() takes completed or diverged, not " + state.id());
        }
        return tx(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = ?, finished_ms = " + dialect.now()
                    + ", lease_expires_ms = NULL, steps = ?, seconds = ?, validation_error = ?, test_error = ?,"
                    + " steps_to_target = ?, provenance = ?, message = NULL"
                    + " WHERE study = ? AND optimizer = ? AND trial_index = ? AND attempt = ? AND state = 'running'")) {
                ps.setString(1, state.id());
                ps.setLong(2, steps);
                ps.setDouble(3, seconds);
                Rows.setDouble(ps, 4, validationError);
                Rows.setDouble(ps, 5, testError);
                Rows.setDouble(ps, 6, stepsToTarget);
                ps.setString(7, Json.write(provenance));
                Rows.bindClaim(ps, 8, claim);
                if (ps.executeUpdate() != 1) {
                    // After a lost connection the first try may have committed: then it is stored, once.
                    return rerun && finishedBy(claim, state);
                }
            }
            // the progress stored while it ran gives way to the whole curve: one copy of each measurement
            Rows.deleteMeasurements(connection, claim.study(), claim.optimizer(), claim.index(), Long.MIN_VALUE);
            Rows.insertMeasurements(connection, claim.study(), claim.optimizer(), claim.index(), curve);
            return true;
        });
    }

    /** Whether the claim's own attempt already finished the trial in {@code state} (a commit whose reply was lost). */
    private boolean finishedBy(Claim claim, TrialState state) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT state, worker FROM trials"
                + " WHERE study = ? AND optimizer = ? AND trial_index = ? AND attempt = ?")) {
            Rows.bindClaim(ps, 1, claim);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && state.id().equals(rs.getString(1)) && claim.worker().equals(rs.getString(2));
            }
        }
    }

    /** Marks the trial failed (an error that is not divergence), if the claim still holds it. */
    public synchronized boolean fail(Claim claim, String message, Map<String, String> provenance) {
        return tx(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'failed', finished_ms = "
                    + dialect.now() + ", lease_expires_ms = NULL, message = ?, provenance = ?"
                    + " WHERE study = ? AND optimizer = ? AND trial_index = ? AND attempt = ? AND state = 'running'")) {
                ps.setString(1, message);
                ps.setString(2, Json.write(provenance));
                Rows.bindClaim(ps, 3, claim);
                if (ps.executeUpdate() != 1) {
                    return rerun && finishedBy(claim, TrialState.FAILED);
                }
            }
            Rows.deleteMeasurements(connection, claim.study(), claim.optimizer(), claim.index(), Long.MIN_VALUE); // no curve, as before
            return true;
        });
    }

    /**
     * Stores evaluations of a running trial (its live curve, for the dashboard) in one short
     * transaction, only while the claim still holds the trial (the WHERE of {@link #renew});
     * returns whether it did. Rows from {@code evaluations}' first step on are replaced, so a
     * batch stored twice is stored once. {@link #complete} later replaces them with the whole
     * curve. A lost connection fails this at once (StoreException) instead of waiting for the
     * store to come back: the caller logs it and trains on.
     */
    public synchronized boolean recordProgress(Claim claim, List<Measurement> evaluations) {
        if (evaluations.isEmpty()) {
            return true;
        }
        long from = evaluations.stream().mapToLong(Measurement::step).min().getAsLong();
        return txOnce(() -> {
            relaxedCommit(); // losing progress in a crash is harmless: complete() writes the curve
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET worker = worker"
                    + " WHERE study = ? AND optimizer = ? AND trial_index = ? AND attempt = ? AND state = 'running'")) {
                Rows.bindClaim(ps, 1, claim); // also locks the row until commit (PostgreSQL): no claim slips in between
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            Rows.deleteMeasurements(connection, claim.study(), claim.optimizer(), claim.index(), from);
            Rows.insertMeasurements(connection, claim.study(), claim.optimizer(), claim.index(), evaluations);
            return true;
        });
    }

    /** Gives the trial back (pending) without a result, if the claim still holds it. */
    public synchronized boolean release(Claim claim) {
        return tx(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'pending', worker = NULL,"
                    + " lease_expires_ms = NULL, started_ms = NULL"
                    + " WHERE study = ? AND optimizer = ? AND trial_index = ? AND attempt = ? AND state = 'running'")) {
                Rows.bindClaim(ps, 1, claim);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            Rows.deleteMeasurements(connection, claim.study(), claim.optimizer(), claim.index(), Long.MIN_VALUE); // its progress
            return true;
        });
    }

    /** Failed trials of the study go back to pending (to retry them); returns how many. */
    public synchronized int retryFailed(String study) {
        return tx(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE trials SET state = 'pending', worker = NULL,"
                    + " started_ms = NULL, finished_ms = NULL, message = NULL WHERE state = 'failed' AND study = ?")) {
                ps.setString(1, study);
                return ps.executeUpdate();
            }
        });
    }


    // ---------------------------------------------------------------- import

    @Override
    public synchronized void importTrials(String study, List<Trial> trials) {
        study(study);
        tx(() -> {
            importIn(study, trials);
            return null;
        });
    }

    /** Called after each imported trial's rows; tests inject a database failure here. */
    @FunctionalInterface
    interface ImportHook {
        void afterTrial(int written) throws SQLException;
    }

    private volatile ImportHook importHook = n -> { };

    /** For tests: runs {@code hook} inside the import transaction after each trial's rows. */
    void importHook(ImportHook hook) {
        this.importHook = hook;
    }

    /** Called right after each commit; tests drop the connection here (a commit whose reply never came). */
    @FunctionalInterface
    interface CommitHook {
        void afterCommit(Connection committed) throws SQLException;
    }

    private volatile CommitHook commitHook = c -> { };

    /** For tests: runs {@code hook} after every commit. */
    void commitHook(CommitHook hook) {
        this.commitHook = hook;
    }

    private void importIn(String study, List<Trial> trials) throws SQLException {
        Map<String, TrialState> existing = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT optimizer, trial_index, state FROM trials WHERE study = ?")) {
            ps.setString(1, study);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.put(rs.getString(1) + "#" + rs.getInt(2), TrialState.fromId(rs.getString(3)));
                }
            }
        }
        List<Trial> fresh = new ArrayList<>();
        for (Trial t : trials) {
            if (t.state() == TrialState.PENDING || t.state() == TrialState.RUNNING) {
                throw new InputException("cannot import trial " + t.optimizer() + "#" + t.index() + " in state "
                        + t.state().id() + " (only completed, diverged or failed trials can be imported)");
            }
            String key = t.optimizer() + "#" + t.index();
            TrialState there = existing.get(key);
            if (there != null && there != TrialState.PENDING) {
                throw new InputException("study '" + dev.optbench.Messages.quote(study) + "' already has trial " + dev.optbench.Messages.quote(key) + " (" + there.id()
                        + "); nothing was imported (import into a new study, or renumber the trials)");
            }
            if (there != null) {
                try (PreparedStatement del = connection.prepareStatement(
                        "DELETE FROM trials WHERE study = ? AND optimizer = ? AND trial_index = ?")) {
                    del.setString(1, study);
                    del.setString(2, t.optimizer());
                    del.setInt(3, t.index());
                    del.executeUpdate();
                }
                Rows.deleteMeasurements(connection, study, t.optimizer(), t.index(), Long.MIN_VALUE); // progress of an expired attempt
            }
            existing.put(key, t.state());
            fresh.add(new Trial(study, t.optimizer(), t.index(), t.state(), t.searched(), t.hparams(), t.seed(),
                    t.worker(), t.started(), t.finished(), t.steps(), t.seconds(), t.validationError(), t.testError(),
                    t.stepsToTarget(), t.provenance(), t.message(), t.curve(), t.point(), t.repeat(), t.stage()));
        }
        Rows.insertTrials(connection, fresh);
        int written = 0;
        for (Trial t : fresh) {
            Rows.insertMeasurements(connection, study, t.optimizer(), t.index(), t.curve());
            importHook.afterTrial(++written);
        }
    }



    // ---------------------------------------------------------------- plumbing






    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    /** A read in autocommit mode. */
    private <T> T call(SqlWork<T> work) {
        return retried(work);
    }

    /**
     * One write transaction (SQLite: BEGIN IMMEDIATE), retried when the database reports a
     * transient conflict (SQLite busy past its timeout, PostgreSQL deadlock or serialization failure).
     */
    private <T> T tx(SqlWork<T> work) {
        return retried(() -> transaction(work));
    }

    /**
     * One write transaction that never waits out a lost connection: for writes a later one
     * supersedes (progress), so a store outage costs the trial nothing. Busy is still retried briefly.
     */
    private <T> T txOnce(SqlWork<T> work) {
        try {
            return transaction(work);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private <T> T transaction(SqlWork<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                T result;
                connection.setAutoCommit(false);
                try {
                    result = work.run();
                    connection.commit();
                    commitHook.afterCommit(connection);
                } catch (SQLException | RuntimeException e) {
                    quietly(e, () -> connection.rollback()); // on a lost connection, report the first error
                    quietly(e, () -> connection.setAutoCommit(true));
                    throw e;
                }
                connection.setAutoCommit(true);
                return result;
            } catch (SQLException e) {
                if (attempt >= 5 || !StoreRetry.isBusy(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Runs {@code work}; without a retry policy any SQL error fails at once. With one, a lost
     * connection is reopened and the work run again (with {@link #rerun} set), and a busy
     * database is waited for, until the policy's budget is spent; other errors fail at once.
     */
    private <T> T retried(SqlWork<T> work) {
        StoreRetry policy = retry;
        StoreRetry.Outage outage = null;
        try {
            while (true) {
                try {
                    T result = work.run();
                    if (outage != null) {
                        outage.recovered();
                    }
                    return result;
                } catch (SQLException e) {
                    boolean lost = StoreRetry.isConnectionLoss(e) || connectionClosed();
                    if (policy == null || !lost && !StoreRetry.isBusy(e)) {
                        throw failure(e);
                    }
                    if (outage == null) {
                        outage = policy.begin(url.masked(), reason(e));
                    }
                    if (lost) {
                        outage.lost(reason(e));
                        reconnect(outage);
                        rerun = true;
                    } else {
                        outage.pause();
                    }
                }
            }
        } finally {
            rerun = false;
        }
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void quietly(Exception first, SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            first.addSuppressed(e);
        }
    }

    /** Replaces the lost connection, pausing between tries; a StoreException when the budget runs out. */
    private void reconnect(StoreRetry.Outage outage) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // it is gone already
        }
        while (true) {
            outage.pause();
            try {
                connection = StudyStores.connect(url);
                applyReadOnly();
                return;
            } catch (SQLException e) {
                if (!StoreRetry.isConnectionLoss(e)) {
                    throw failure(e);
                }
                outage.lost(reason(e));
            }
        }
    }

    private boolean connectionClosed() {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private String reason(SQLException e) {
        return url.scrub(dev.optbench.Messages.describe(e));
    }

    private StoreException failure(SQLException e) {
        String first = dev.optbench.Messages.describe(e);
        return new StoreException("store " + url.masked() + ": " + url.scrub(first), null);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Every table's rows as text, for checking that a failed command left the store as it was. */
    public synchronized String dump() {
        return call(() -> {
            StringBuilder b = new StringBuilder();
            for (String q : List.of("SELECT * FROM schema_version", "SELECT * FROM studies ORDER BY name",
                    "SELECT * FROM trials ORDER BY study, optimizer, trial_index",
                    "SELECT * FROM measurements ORDER BY study, optimizer, trial_index, step, split")) {
                try (PreparedStatement ps = connection.prepareStatement(q); ResultSet rs = ps.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        Map<String, Object> row = new TreeMap<>();
                        for (int i = 1; i <= n; i++) {
                            row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                        }
                        b.append(row).append('\n');
                    }
                }
            }
            return b.toString();
        });
    }
}
