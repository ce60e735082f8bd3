package dev.optbench.optim;

import ai.djl.ndarray.types.DataType;
import dev.optbench.optim.InclusionLimits.Route;
import dev.optbench.optim.InclusionLimits.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numerical check of one inclusion M ⊆ N on one problem (SPEC section 4): run M, then N at
 * each limit value, in float64, and record the relative trajectory gap
 * ({@link Trajectory#relativeGap}) at each. It passes when the gap shrinks as the limit grows
 * (or sits at rounding level) and ends below {@link #TOLERANCE}.
 */
public record InclusionCheck(InclusionRelation relation, Route route, String problem,
        double[] limits, double[] gaps) {

    /** The gap the last limit value must beat. */
    public static final double TOLERANCE = 1e-6;
    /** Below this a gap is rounding noise and need not shrink further. */
    public static final double ROUNDING_FLOOR = 1e-12;
    /** The ε values tried for limit routes. */
    public static final double[] EPSILONS = {1e2, 1e4, 1e6, 1e8, 1e10, 1e12};

    public boolean passed() {
        for (int i = 0; i < gaps.length; i++) {
            if (!(gaps[i] >= 0) || !Double.isFinite(gaps[i])) {
                return false;
            }
            if (i > 0 && !(gaps[i] < gaps[i - 1] || gaps[i] < ROUNDING_FLOOR)) {
                return false;
            }
        }
        return gaps.length > 0 && gaps[gaps.length - 1] < TOLERANCE;
    }

    /** A problem with the subset's settings for it. */
    public record Case(Problem problem, double sgdRate, double momentumRate, double momentum, long steps) {
        /** M's hyperparameters on this problem. */
        public Map<String, Double> subsetHparams(String subset) {
            Map<String, Double> h = new LinkedHashMap<>();
            if (subset.equals("sgd")) {
                h.put("learning_rate", sgdRate);
            } else {
                h.put("learning_rate", momentumRate);
                h.put("momentum", momentum);
            }
            return h;
        }
    }

    /** The problems `optbench inclusion` uses: a small MLP and the three 2-D functions. */
    public static List<Case> standardCases() {
        return List.of(
                new Case(MlpProblem.standard(), 0.1, 0.02, 0.9, 50),
                new Case(new FunctionProblem(TestFunction.ROSENBROCK, -1.5, 2), 5e-4, 1e-4, 0.9, 100),
                new Case(new FunctionProblem(TestFunction.BEALE, 1, 1.5), 1e-3, 2e-4, 0.9, 100),
                new Case(new FunctionProblem(TestFunction.QUADRATIC, 2, 1), 0.05, 0.01, 0.9, 100));
    }

    /** Every (relation, route) pair to check, direct and transitive relations alike. */
    public static List<Map.Entry<InclusionRelation, Route>> standardRelations(OptimizerRegistry optimizers) {
        List<Map.Entry<InclusionRelation, Route>> out = new ArrayList<>();
        for (InclusionRelation r : InclusionRelation.all(optimizers)) {
            for (Route route : InclusionLimits.routes(optimizers, r)) {
                out.add(Map.entry(r, route));
            }
        }
        return out;
    }

    /**
     * The schedule M runs with: linear decay to 10% (so the step-dependent conversion is
     * exercised), except into rmsprop, whose inclusion holds for a constant rate only.
     */
    static Schedule subsetSchedule(OptimizerRegistry optimizers, InclusionRelation relation, double eta0, long steps) {
        if (InclusionLimits.constantRateOnly(optimizers, relation)) {
            return Schedules.create("constant", eta0, Map.of(), steps);
        }
        return Schedules.create("linear_decay", eta0, Map.of("decay_factor", 0.1), steps);
    }

    /** Runs the check of {@code relation} by {@code route} on {@code c}. */
    public static InclusionCheck run(OptimizerRegistry optimizers, InclusionRelation relation, Route route, Case c) {
        Map<String, Double> mHparams = c.subsetHparams(relation.subset());
        Schedule mSchedule = subsetSchedule(optimizers, relation, mHparams.get("learning_rate"), c.steps());
        Trajectory reference;
        try (Optimizer m = optimizers.create(relation.subset(), mHparams)) {
            reference = Trajectory.run(c.problem(), m, mSchedule, c.steps(), DataType.FLOAT64);
        }
        double[] limits = route == Route.EXACT ? new double[] {Double.NaN} : EPSILONS.clone();
        double[] gaps = new double[limits.length];
        for (int i = 0; i < limits.length; i++) {
            Setting n = InclusionLimits.realize(optimizers, relation, route, mHparams, mSchedule, limits[i]);
            try (Optimizer opt = optimizers.create(n.optimizer(), n.hyperparameters())) {
                Trajectory path = Trajectory.run(c.problem(), opt, n.schedule(), c.steps(), DataType.FLOAT64);
                gaps[i] = reference.relativeGap(path);
            }
        }
        return new InclusionCheck(relation, route, c.problem().name(), limits, gaps);
    }
}
