package dev.optbench.study;

import dev.optbench.space.Hyperparameters;
import dev.optbench.space.Sampler;
import dev.optbench.space.SearchSpace;
import dev.optbench.space.Seeds;
import dev.optbench.space.SpaceFitting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fitted protocol's second stage (SPEC section 10). Stage-2 trials are stored pending with
 * an empty point and can be claimed only once no stage-1 trial of their optimizer is pending or
 * running ({@link #READY}). The first claim of a stage-2 trial computes the fitted space — a pure
 * function of the finished stage-1 trials ({@link #fittedSpace}) — stores it once per
 * (study, optimizer) (a concurrent claimer computes the same space; the first insert wins and
 * both use the stored one), then gives every seed of the claimed point its point in it. So any
 * worker, process or store backend gets the same stage-2 space and points. Failed stage-1 trials
 * are left out of the fit; retrying one after stage 2 has begun does not change the stored space.
 */
public final class FittedStage {
    private FittedStage() {}

    /** Claim filter on table {@code trials}: stage 1, or a stage 2 whose optimizer has no unfinished stage-1 trial. */
    static final String READY = " AND (stage = 1 OR NOT EXISTS (SELECT 1 FROM trials s1 WHERE s1.study = trials.study"
            + " AND s1.optimizer = trials.optimizer AND s1.stage = 1 AND s1.state IN ('pending', 'running')))";

    /** Stage 1's finished points, each scored by the mean validation error of its finished seeds (diverged = 1.0). */
    public static List<SpaceFitting.Scored> scored(List<Trial> trials) {
        Map<Integer, List<Trial>> byPoint = new TreeMap<>();
        for (Trial t : trials) {
            if (t.stage() == 1 && (t.state() == TrialState.DIVERGED
                    || (t.state() == TrialState.COMPLETED && t.validationError() != null && !t.validationError().isNaN()))) {
                byPoint.computeIfAbsent(t.point(), p -> new ArrayList<>()).add(t);
            }
        }
        List<SpaceFitting.Scored> out = new ArrayList<>();
        byPoint.forEach((p, ts) -> {
            double sum = 0;
            for (Trial t : ts) {
                sum += t.state() == TrialState.DIVERGED ? 1.0 : t.validationError();
            }
            out.add(new SpaceFitting.Scored(p, ts.get(0).searched(), sum / ts.size()));
        });
        return out;
    }

    /** The fitted space of one optimizer from its trials (only stage 1's finished ones are read). */
    public static SpaceFitting.Fitted fittedSpace(StudyDefinition def, String optimizer, List<Trial> trials) {
        SearchSpace wide = SearchSpace.fromJson(def.spaces().get(optimizer), "space of " + optimizer);
        return SpaceFitting.fit(wide, scored(trials.stream().filter(t -> t.optimizer().equals(optimizer)).toList()), def.fit());
    }

    /** Stage-2 point p (p ≥ stage-1 points) in the fitted space: its own sampler stream, index p − n1. */
    static Map<String, Double> point(StudyDefinition def, SearchSpace fitted, int point) {
        int n1 = def.stage1Points();
        Sampler sampler = Sampler.fromId(def.sampler());
        return sampler.point(fitted, Seeds.mix(def.seed(), 0xF177EDL), point - n1, def.trialsPerOptimizer() - n1);
    }

    /**
     * Inside the claim's transaction: the fitted space of (study, optimizer), computed and stored
     * if absent, and the point of every seed of {@code point} set. Returns the resolved hparams.
     */
    static Map<String, Double> assign(Connection c, StudyDefinition def, String optimizer, int point,
            dev.optbench.optim.OptimizerRegistry optimizers) throws SQLException {
        String stored = storedSpace(c, def.name(), optimizer);
        if (stored == null) {
            List<Trial> stage1 = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.TRIAL_COLUMNS
                    + " FROM trials WHERE study = ? AND optimizer = ? AND stage = 1 ORDER BY trial_index")) {
                ps.setString(1, def.name());
                ps.setString(2, optimizer);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stage1.add(Rows.trial(rs, List.of()));
                    }
                }
            }
            String json = fittedSpace(def, optimizer, stage1).space().toJson();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO fitted_spaces (study, optimizer, space) VALUES (?, ?, ?)"
                    + " ON CONFLICT (study, optimizer) DO NOTHING")) {
                ps.setString(1, def.name());
                ps.setString(2, optimizer);
                ps.setString(3, json);
                ps.executeUpdate();
            }
            stored = storedSpace(c, def.name(), optimizer);
        }
        SearchSpace fitted = SearchSpace.fromJson(stored, "fitted space of " + optimizer);
        Map<String, Double> searched = point(def, fitted, point);
        Map<String, Double> hparams = Hyperparameters.resolve(optimizers, optimizer, searched);
        try (PreparedStatement ps = c.prepareStatement("UPDATE trials SET searched = ?, hparams = ?"
                + " WHERE study = ? AND optimizer = ? AND point_index = ? AND stage = 2")) {
            ps.setString(1, Json.write(searched));
            ps.setString(2, Json.write(hparams));
            ps.setString(3, def.name());
            ps.setString(4, optimizer);
            ps.setInt(5, point);
            ps.executeUpdate();
        }
        return hparams;
    }

    static String storedSpace(Connection c, String study, String optimizer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT space FROM fitted_spaces WHERE study = ? AND optimizer = ?")) {
            ps.setString(1, study);
            ps.setString(2, optimizer);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
