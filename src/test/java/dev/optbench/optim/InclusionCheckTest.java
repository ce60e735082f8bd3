package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.optim.InclusionLimits.Route;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InclusionCheckTest {
    @Test
    void everyRelationConvergesOnEveryStandardProblem() {
        for (InclusionCheck.Case c : InclusionCheck.standardCases()) {
            for (Map.Entry<InclusionRelation, Route> e : InclusionCheck.standardRelations(dev.optbench.optim.OptimizerRegistry.BUILT_IN)) {
                InclusionCheck check = InclusionCheck.run(dev.optbench.optim.OptimizerRegistry.BUILT_IN, e.getKey(), e.getValue(), c);
                String what = check.relation() + " " + check.route() + " on " + check.problem()
                        + ": " + Arrays.toString(check.gaps());
                assertThat(check.passed()).as(what).isTrue();
                if (e.getValue() == Route.EXACT) {
                    assertThat(check.gaps()[0]).as(what).isLessThan(1e-14);
                } else {
                    // the gap is first order in 1/ε: each factor 100 in ε buys about 100 in gap
                    assertThat(check.gaps()[1] / check.gaps()[2]).as(what).isBetween(50.0, 200.0);
                }
            }
        }
    }

    @Test
    void allEightRelationsAreChecked() {
        assertThat(InclusionCheck.standardRelations(dev.optbench.optim.OptimizerRegistry.BUILT_IN)).extracting(e -> e.getKey().toString()).containsOnly(
                "sgd ⊆ momentum", "sgd ⊆ nesterov", "momentum ⊆ rmsprop", "momentum ⊆ adam",
                "nesterov ⊆ nadam", "sgd ⊆ rmsprop", "sgd ⊆ adam", "sgd ⊆ nadam");
    }

    @Test
    void verdictNeedsShrinkingGapsEndingBelowTolerance() {
        InclusionRelation r = new InclusionRelation("momentum", "adam");
        double[] eps = {1e2, 1e4};
        assertThat(new InclusionCheck(r, Route.EPSILON_LIMIT, "q", eps, new double[] {1e-3, 1e-7}).passed()).isTrue();
        assertThat(new InclusionCheck(r, Route.EPSILON_LIMIT, "q", eps, new double[] {1e-3, 1e-5}).passed()).isFalse();
        assertThat(new InclusionCheck(r, Route.EPSILON_LIMIT, "q", eps, new double[] {1e-8, 1e-7}).passed()).isFalse();
        assertThat(new InclusionCheck(r, Route.EPSILON_LIMIT, "q", eps, new double[] {1e-14, 2e-14}).passed()).isTrue();
        assertThat(new InclusionCheck(r, Route.EPSILON_LIMIT, "q", eps, new double[] {1e-3, Double.NaN}).passed()).isFalse();
    }

    @Test
    void conversionsFollowSpecSection4() {
        // α_0 = η·ε·(1−β1)/((1−β1)·√(1−β2)) = 0.1·100·0.5/(0.5·0.5) = 20
        assertThat(InclusionLimits.adamRate(0.1, 0, 0.5, 0.75, 100)).isCloseTo(20.0, within(1e-12));
        // t = 1: 0.1·100·0.75/(0.5·√0.4375)
        assertThat(InclusionLimits.adamRate(0.1, 1, 0.5, 0.75, 100))
                .isCloseTo(0.1 * 100 * 0.75 / (0.5 * Math.sqrt(0.4375)), within(1e-12));
        assertThat(InclusionLimits.rmspropRate(0.1, 1e4)).isCloseTo(10.0, within(1e-12));
        InclusionLimits.Setting s = InclusionLimits.realize(dev.optbench.optim.OptimizerRegistry.BUILT_IN, new InclusionRelation("momentum", "rmsprop"),
                Route.EXACT, Map.of("learning_rate", 0.1, "momentum", 0.7),
                Schedules.create("constant", 0.1, Map.of(), 10), Double.NaN);
        assertThat(s.hyperparameters()).containsEntry("rho", 1.0).containsEntry("epsilon", 0.0)
                .containsEntry("momentum", 0.7).containsEntry("learning_rate", 0.1);
        InclusionLimits.Setting a = InclusionLimits.realize(dev.optbench.optim.OptimizerRegistry.BUILT_IN, new InclusionRelation("sgd", "nadam"),
                Route.EPSILON_LIMIT, Map.of("learning_rate", 0.1),
                Schedules.create("linear_decay", 0.1, Map.of("decay_factor", 0.5), 10), 1e6);
        assertThat(a.hyperparameters()).containsEntry("beta1", 0.0).containsEntry("epsilon", 1e6);
        // β1 = 0: α_t = η_t·ε/√(1−β2^(t+1)); η_5 = 0.1·(0.5 + 0.5·0.5) = 0.075
        assertThat(a.schedule().rate(5)).isCloseTo(0.075 * 1e6 / Math.sqrt(1 - Math.pow(0.999, 6)), within(1e-6));
    }
}
