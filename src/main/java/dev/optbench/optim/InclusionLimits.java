package dev.optbench.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of SPEC section 4 under which a superset optimizer N reproduces a subset M, as
 * explicit conversions: given M's hyperparameters and schedule η_t, the hyperparameters and
 * rate schedule of N. SGD is treated as momentum with γ = 0, which gives the transitive relations
 * (sgd ⊆ rmsprop, adam, nadam).
 *
 * <ul>
 *   <li>sgd ⊆ momentum, nesterov: γ = 0 (exact).
 *   <li>momentum ⊆ rmsprop, exact: ρ = 1, ε = 0 keep v = 1, so m = η·u with u the momentum
 *       buffer (constant η only).
 *   <li>momentum ⊆ rmsprop, limit: η_rms = η·√ε, ε → ∞ (ρ at its default; constant η only,
 *       because rmsprop folds the rate into its buffer).
 *   <li>momentum ⊆ adam, nesterov ⊆ nadam: β1 = γ and
 *       α_t = η_t · ε · (1 − β1^(t+1)) / ((1 − β1) · √(1 − β2^(t+1))), ε → ∞ (any schedule).
 * </ul>
 */
public final class InclusionLimits {
    private InclusionLimits() {}

    /** How N reaches M: by an exact setting or by a limit ε → ∞. */
    public enum Route {
        EXACT,
        EPSILON_LIMIT
    }

    /** N's configuration: name, hyperparameters (learning_rate = rate at t = 0) and schedule. */
    public record Setting(String optimizer, Map<String, Double> hyperparameters, Schedule schedule) {}

    /** The routes SPEC section 4 gives for {@code relation}. */
    public static List<Route> routes(OptimizerRegistry optimizers, InclusionRelation relation) {
        if (!Optimizers.builtInNames().contains(relation.superset())) {
            return List.of(declared(optimizers, relation).route());
        }
        return switch (relation.superset()) {
            case "momentum", "nesterov" -> List.of(Route.EXACT);
            case "rmsprop" -> List.of(Route.EXACT, Route.EPSILON_LIMIT);
            case "adam", "nadam" -> List.of(Route.EPSILON_LIMIT);
            default -> throw new IllegalArgumentException("no inclusion into " + relation.superset());
        };
    }

    /** The setting of N in words, for tables. */
    public static String describe(OptimizerRegistry optimizers, InclusionRelation relation, Route route) {
        if (!Optimizers.builtInNames().contains(relation.superset())) {
            return declared(optimizers, relation).description() + " (declared by the plug-in)";
        }
        boolean fromSgd = relation.subset().equals("sgd");
        String beta = fromSgd ? "β1 = 0" : "β1 = γ";
        String gamma = fromSgd ? "γ = 0" : "same γ";
        return switch (relation.superset()) {
            case "momentum", "nesterov" -> "γ = 0";
            case "rmsprop" -> route == Route.EXACT
                    ? gamma + ", ρ = 1, ε = 0"
                    : gamma + ", ρ = 0.9, η_rms = η·√ε, ε → ∞";
            default -> beta + ", β2 = 0.999, α_t = η_t·ε·(1−β1^(t+1))/((1−β1)·√(1−β2^(t+1))), ε → ∞";
        };
    }

    /** What plug-in N declares for M (for sgd, a declaration for momentum serves, at γ = 0). */
    static DeclaredInclusion declared(OptimizerRegistry optimizers, InclusionRelation relation) {
        List<DeclaredInclusion> all = DeclaredInclusion.of(optimizers.rule(relation.superset()));
        for (String subset : relation.subset().equals("sgd") ? List.of("sgd", "momentum", "nesterov") : List.of(relation.subset())) {
            for (DeclaredInclusion d : all) {
                if (d.subset().equals(subset)) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("no inclusion into " + relation.superset());
    }

    /** Whether M ⊆ N holds only for a constant rate (rmsprop's, or as the plug-in declares). */
    static boolean constantRateOnly(OptimizerRegistry optimizers, InclusionRelation relation) {
        if (!Optimizers.builtInNames().contains(relation.superset())) {
            return declared(optimizers, relation).constantRateOnly();
        }
        return relation.superset().equals("rmsprop");
    }

    /** Momentum γ of the subset: its own for momentum/nesterov, 0 for sgd. */
    private static double gamma(InclusionRelation relation, Map<String, Double> subsetHparams) {
        if (relation.subset().equals("sgd")) {
            return 0.0;
        }
        Double g = subsetHparams.get("momentum");
        if (g == null) {
            throw new IllegalArgumentException(relation.subset() + " needs momentum");
        }
        return g;
    }

    /** rmsprop's rate for momentum's η in the ε-limit: η·√ε. */
    public static double rmspropRate(double eta, double epsilon) {
        return eta * Math.sqrt(epsilon);
    }

    /** adam/nadam's α_t for momentum's η_t: η_t·ε·(1 − β1^(t+1)) / ((1 − β1)·√(1 − β2^(t+1))). */
    public static double adamRate(double eta, long t, double beta1, double beta2, double epsilon) {
        return eta * epsilon * (1 - Math.pow(beta1, t + 1))
                / ((1 - beta1) * Math.sqrt(1 - Math.pow(beta2, t + 1)));
    }

    /**
     * N's setting that reproduces M (hyperparameters {@code subsetHparams}, schedule
     * {@code subsetSchedule}); {@code epsilon} is the limit value for {@link Route#EPSILON_LIMIT}
     * and ignored for {@link Route#EXACT}. RMSProp routes need a constant schedule.
     */
    public static Setting realize(OptimizerRegistry optimizers, InclusionRelation relation, Route route,
            Map<String, Double> subsetHparams, Schedule subsetSchedule, double epsilon) {
        if (!routes(optimizers, relation).contains(route)) {
            throw new IllegalArgumentException(relation + " has no " + route + " route");
        }
        if (!Optimizers.builtInNames().contains(relation.superset())) {
            DeclaredInclusion d = declared(optimizers, relation);
            Map<String, Double> m = new LinkedHashMap<>(subsetHparams);
            if (relation.subset().equals("sgd") && !d.subset().equals("sgd")) {
                m.put("momentum", 0.0); // sgd is momentum at γ = 0
            }
            return d.realization().realize(m, subsetSchedule, route == Route.EXACT ? Double.NaN : epsilon);
        }
        double gamma = gamma(relation, subsetHparams);
        double eta0 = subsetSchedule.rate(0);
        Map<String, Double> h = new LinkedHashMap<>();
        switch (relation.superset()) {
            case "momentum", "nesterov" -> {
                h.put("learning_rate", eta0);
                h.put("momentum", 0.0);
                return new Setting(relation.superset(), h, subsetSchedule);
            }
            case "rmsprop" -> {
                if (!(subsetSchedule instanceof Schedules.Constant)) {
                    throw new IllegalArgumentException(
                            relation + " holds for a constant learning rate only");
                }
                double scale = route == Route.EXACT ? 1.0 : Math.sqrt(epsilon);
                h.put("learning_rate", route == Route.EXACT ? eta0 : rmspropRate(eta0, epsilon));
                h.put("momentum", gamma);
                h.put("rho", route == Route.EXACT ? 1.0 : 0.9);
                h.put("epsilon", route == Route.EXACT ? 0.0 : epsilon);
                return new Setting("rmsprop", h, t -> subsetSchedule.rate(t) * scale);
            }
            default -> {
                double beta2 = 0.999;
                h.put("learning_rate", adamRate(eta0, 0, gamma, beta2, epsilon));
                h.put("beta1", gamma);
                h.put("beta2", beta2);
                h.put("epsilon", epsilon);
                return new Setting(relation.superset(), h,
                        t -> adamRate(subsetSchedule.rate(t), t, gamma, beta2, epsilon));
            }
        }
    }
}
