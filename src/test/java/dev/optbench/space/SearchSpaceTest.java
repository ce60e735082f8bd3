package dev.optbench.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optbench.InputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
    /** AlgoPerf's NAdamW baseline space, as shipped (reference_algorithms/.../tuning_search_space.json). */
    static final String ALGOPERF = """
            {
              "learning_rate": {"min": 2e-4, "max": 5e-3, "scaling": "log"},
              "one_minus_beta1": {"min": 5e-3, "max": 1e-1, "scaling": "log"},
              "beta2": {"feasible_points": [0.999]},
              "warmup_factor": {"feasible_points": [0.05]},
              "weight_decay": {"min": 5e-3, "max": 1.0, "scaling": "log"},
              "label_smoothing": {"feasible_points": [0.1, 0.2]},
              "dropout_rate": {"feasible_points": [0.0, 0.1]}
            }""";

    @Test
    void algoPerfSpaceLoadsUnchangedAndRoundTrips() throws Exception {
        SearchSpace space = SearchSpace.fromJson(ALGOPERF, "tuning_search_space.json");
        assertThat(space.names()).containsExactly("learning_rate", "one_minus_beta1", "beta2", "warmup_factor",
                "weight_decay", "label_smoothing", "dropout_rate");
        assertThat(space.ranges().get("learning_rate")).isEqualTo(new Range.Log(2e-4, 5e-3));
        assertThat(space.ranges().get("label_smoothing")).isEqualTo(new Range.Feasible(List.of(0.1, 0.2)));
        String written = space.toJson();
        assertThat(SearchSpace.fromJson(written, "again")).isEqualTo(space);
        // The written JSON is the original tree (same names, order, numbers and fields).
        JsonNode original = SearchSpace.JSON.readTree(ALGOPERF);
        JsonNode back = SearchSpace.JSON.readTree(written);
        assertThat(back.equals((a, b) -> a.isNumber() && b.isNumber()
                ? Double.compare(a.asDouble(), b.asDouble()) : a.equals(b) ? 0 : 1, original)).isTrue();
        assertThat(List.copyOf(iterable(back.fieldNames()))).isEqualTo(List.copyOf(iterable(original.fieldNames())));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void everyShippedDefaultSpaceRoundTripsAndIsValid() {
        for (Protocol p : Protocol.values()) {
            assertThat(p.optimizers()).containsExactly("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam");
            for (String o : p.optimizers()) {
                for (String w : new String[] {null, "fmnist_mlp-tiny", "cifar10_vgg16"}) {
                    SearchSpace s = p.defaultSpace(dev.optbench.optim.OptimizerRegistry.BUILT_IN, o, w);
                    assertThat(SearchSpace.fromJson(s.toJson(), "x")).isEqualTo(s);
                    assertThat(s.names()).contains(o.equals("rmsprop") && p == Protocol.FULL && "cifar10_vgg16".equals(w)
                            ? "learning_rate_over_sqrt_epsilon" : (p == Protocol.FULL && w != null && w.startsWith("cifar")
                            && (o.equals("adam") || o.equals("nadam")) ? "learning_rate_over_epsilon" : "learning_rate"));
                    boolean scheduled = p == Protocol.LR_SCHEDULE || p == Protocol.FULL || p == Protocol.FITTED;
                    assertThat(s.names().contains("decay_steps_factor")).isEqualTo(scheduled);
                    assertThat(s.names().contains("decay_factor")).isEqualTo(scheduled);
                }
            }
        }
        assertThat(Protocol.LR_ONLY.defaultSpace(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", null).ranges())
                .isEqualTo(Map.of("learning_rate", new Range.Log(1e-5, 1e2)));
        assertThat(Protocol.FULL.defaultSpace(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "momentum", null).names())
                .containsExactly("learning_rate", "one_minus_momentum", "decay_steps_factor", "decay_factor");
        assertThat(Protocol.LR_GRID.defaultSampler()).isEqualTo(Sampler.GRID);
        // fitted's wide stage-1 space: full's names, lr-only's learning-rate range, wide log ranges elsewhere
        for (String o : Protocol.FITTED.optimizers()) {
            SearchSpace wide = Protocol.FITTED.defaultSpace(dev.optbench.optim.OptimizerRegistry.BUILT_IN, o, null);
            assertThat(wide.names()).isEqualTo(Protocol.FULL.defaultSpace(dev.optbench.optim.OptimizerRegistry.BUILT_IN, o, null).names());
            assertThat(wide.ranges().get("learning_rate")).isEqualTo(new Range.Log(1e-5, 1e2));
            wide.ranges().forEach((h, r) -> {
                if (h.startsWith("one_minus_")) {
                    assertThat(r).isEqualTo(new Range.Log(1e-4, 1));
                } else if (h.equals("epsilon")) {
                    assertThat(r).isEqualTo(new Range.Log(1e-10, 1e2));
                }
            });
        }
        // A -tiny workload uses its full-size workload's file when one exists.
        assertThat(Protocol.LR_GRID.defaultSpace(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "sgd", "cifar10_vgg16-tiny"))
                .isEqualTo(Protocol.LR_GRID.defaultSpace(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "sgd", "cifar10_vgg16"));
    }

    @Test
    void badSpacesGiveOneLineErrorsNamingTheProblem() {
        assertThatThrownBy(() -> SearchSpace.fromJson("{\"learning_rate\": {\"min\": 0, \"max\": 1, \"scaling\": \"log\"}}", "f.json"))
                .isInstanceOf(InputException.class).hasMessageContaining("f.json").hasMessageContaining("learning_rate")
                .hasMessageContaining("min > 0");
        assertThatThrownBy(() -> SearchSpace.fromJson("{\"lr\": {\"min\": 1, \"max\": 2, \"scaling\": \"cubic\"}}", "f.json"))
                .hasMessageContaining("unknown scaling 'cubic'");
        assertThatThrownBy(() -> SearchSpace.fromJson("{oops", "f.json")).hasMessageStartingWith("f.json is not valid JSON");
        assertThatThrownBy(() -> Protocol.fromId("lr-magic")).hasMessageContaining("lr-grid, lr-only, lr-schedule, full, fitted");
        assertThat(SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, ALGOPERF, "algoperf.json", List.of("nadamw", "adam"))).containsOnlyKeys("nadamw", "adam");
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, ALGOPERF, "algoperf.json", List.of("sgd")))
                .isInstanceOf(InputException.class).hasMessageContaining("optimizer sgd cannot search one_minus_beta1, beta2")
                .hasMessageNotContaining("\n");
        // warmup_factor picks warmup_cosine, which takes no decay_factor
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"warmup_factor\": {\"feasible_points\": [0.05]},"
                + " \"decay_factor\": {\"feasible_points\": [0.1]}}", "w.json", List.of("sgd")))
                .hasMessage("w.json: the space for sgd names decay_factor, which schedule warmup_cosine (chosen by"
                        + " decay_factor, warmup_factor) does not take; warmup_cosine takes warmup_factor");
        assertThatThrownBy(() -> SearchSpace.fromJson("[]", "d.json")).hasMessageContaining("needs at least one point");
        assertThatThrownBy(() -> SearchSpace.fromJson("[{\"learning_rate\": \"fast\"}]", "d.json"))
                .hasMessage("d.json: point 0: hyperparameter 'learning_rate' must be a number, found \"fast\"");
    }

    @Test
    void duplicateAndUnknownKeysInASpaceFileAreRefusedByName() {
        String lr = "{\"min\": 0.001, \"max\": 0.1, \"scaling\": \"log\"}";
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"learning_rate\": " + lr + ",\n \"learning_rate\": " + lr + "}", "d.json",
                List.of("sgd"))).isInstanceOf(InputException.class)
                .hasMessage("d.json line 2: key 'learning_rate' is given twice; give each key once");
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"sgd\": {\"learning_rate\": " + lr + "}, \"sgd\": {\"learning_rate\": " + lr
                + "}}", "p.json", List.of("sgd"))).hasMessageContaining("key 'sgd' is given twice");
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"learning_rate\": {\"min\": 0.001, \"max\": 0.1, \"scaling\": \"log\","
                + " \"scailng\": \"linear\"}}", "u.json", List.of("sgd")))
                .hasMessage("u.json: hyperparameter 'learning_rate': unknown key 'scailng': a range has \"min\", \"max\","
                        + " \"scaling\" or \"feasible_points\"");
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"sgd\": {\"learning_rate\": " + lr + "}, \"adma\": {\"learning_rate\": "
                + lr + "}}", "p.json", List.of("sgd"))).hasMessage("p.json: unknown key 'adma': neither an optimizer of the study"
                        + " (sgd) nor a known optimizer; fix or remove it");
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"learning_rate\": {\"min\": 0.1, \"max\": 1, \"feasible_points\": [0.5]}}",
                "b.json", List.of("sgd"))).hasMessageContaining("not both");
        // a per-optimizer file may hold spaces of optimizers the study does not compare
        assertThat(SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"sgd\": {\"learning_rate\": " + lr + "}, \"adam\": {\"learning_rate\": " + lr + "}}",
                "p.json", List.of("sgd"))).containsOnlyKeys("sgd");
    }

    @Test
    void aDiscreteSpaceGivesTrialKPointKModN() {
        String json = "[{\"learning_rate\": 0.1, \"one_minus_beta_1\": 0.5}, {\"learning_rate\": 0.2}]";
        SearchSpace d = SearchSpace.fromJson(json, "d.json");
        assertThat(d.isDiscrete()).isTrue();
        assertThat(d.names()).containsExactly("learning_rate", "one_minus_beta_1");
        for (Sampler sampler : Sampler.values()) {
            assertThat(sampler.point(d, 7, 0, 5)).isEqualTo(Map.of("learning_rate", 0.1, "one_minus_beta_1", 0.5));
            assertThat(sampler.point(d, 7, 1, 5)).isEqualTo(Map.of("learning_rate", 0.2));
            assertThat(sampler.point(d, 7, 4, 5)).isEqualTo(Map.of("learning_rate", 0.1, "one_minus_beta_1", 0.5));
        }
        assertThat(SearchSpace.fromJson(d.toJson(), "again")).isEqualTo(d);
        assertThat(SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "{\"adam\": " + json + "}", "p.json", List.of("adam")).get("adam")).isEqualTo(d);
        // a point without a name takes the optimizer's default
        assertThat(Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", d.discretePoint(1))).containsEntry("beta1", 0.9);
        assertThat(Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", d.discretePoint(0)).get("beta1")).isEqualTo(0.5);
    }

    @Test
    void userSpaceFileIsPerOptimizerOrSharedByAll() {
        String shared = "{\"learning_rate\": {\"min\": 0.001, \"max\": 0.1, \"scaling\": \"log\"}}";
        Map<String, SearchSpace> s = SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, shared, "s.json", List.of("sgd", "adam"));
        assertThat(s.get("sgd")).isEqualTo(s.get("adam"));
        String per = "{\"sgd\": " + shared + ", \"adam\": {\"learning_rate_over_epsilon\": {\"feasible_points\": [10]},"
                + " \"epsilon\": {\"min\": 1e-3, \"max\": 1, \"scaling\": \"log\"}}}";
        Map<String, SearchSpace> p = SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, per, "p.json", List.of("sgd", "adam"));
        assertThat(p.get("adam").names()).containsExactly("learning_rate_over_epsilon", "epsilon");
        assertThatThrownBy(() -> SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, per, "p.json", List.of("sgd", "rmsprop")))
                .hasMessageContaining("no space for optimizer rmsprop");
        assertThat(SpaceFile.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, per, "p.json", List.of("adam", "sgd"))).containsOnlyKeys("adam", "sgd");
    }

    @Test
    void derivedNamesResolveToCanonicalValues() {
        // Adam: beta1 = 1 - 0.1 = 0.9, beta2 = 1 - 0.001 = 0.999, lr = (α0/ε) · ε = 200 · 0.01 = 2.
        Map<String, Double> adam = Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", Map.of(
                "learning_rate_over_epsilon", 200.0, "epsilon", 0.01, "one_minus_beta1", 0.1, "one_minus_beta2", 0.001));
        assertThat(adam.get("learning_rate")).isCloseTo(2.0, within(1e-12));
        assertThat(adam.get("beta1")).isCloseTo(0.9, within(1e-15));
        assertThat(adam.get("beta2")).isCloseTo(0.999, within(1e-15));
        assertThat(adam.get("epsilon")).isEqualTo(0.01);
        assertThat(adam).doesNotContainKeys("one_minus_beta1", "learning_rate_over_epsilon");
        // Adam with ε not searched: its default 1e-8, so lr = 5e5 · 1e-8 = 5e-3.
        assertThat(Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "nadam", Map.of("learning_rate_over_epsilon", 5e5)).get("learning_rate"))
                .isCloseTo(5e-3, within(1e-15));
        // RMSProp: lr = (η0/√ε) · √ε = 0.3 · √0.04 = 0.06; rho = 1 - 0.25; momentum default 0.9.
        Map<String, Double> rms = Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "rmsprop", Map.of(
                "learning_rate_over_sqrt_epsilon", 0.3, "epsilon", 0.04, "one_minus_rho", 0.25));
        assertThat(rms.get("learning_rate")).isCloseTo(0.06, within(1e-15));
        assertThat(rms.get("rho")).isEqualTo(0.75);
        assertThat(rms.get("momentum")).isEqualTo(0.9);
        // Momentum: one_minus_momentum 0.01 → 0.99; schedule names pass through.
        Map<String, Double> mom = Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "momentum", Map.of(
                "learning_rate", 0.1, "one_minus_momentum", 0.01, "decay_factor", 0.05));
        assertThat(mom).containsEntry("momentum", 0.99).containsEntry("learning_rate", 0.1).containsEntry("decay_factor", 0.05);
        // Not applicable or doubled names are refused.
        assertThatThrownBy(() -> Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "sgd", Map.of("one_minus_momentum", 0.1)))
                .hasMessageContaining("optimizer sgd cannot search one_minus_momentum");
        assertThatThrownBy(() -> Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", Map.of("learning_rate_over_sqrt_epsilon", 0.1)))
                .hasMessageContaining("cannot search learning_rate_over_sqrt_epsilon");
        assertThatThrownBy(() -> Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adam", Map.of("beta1", 0.9, "one_minus_beta1", 0.1)))
                .hasMessageContaining("sets beta1 more than once");
        assertThatThrownBy(() -> Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adamx", Map.of())).hasMessageContaining("unknown optimizer 'adamx'");
        // adamw, nadamw: adam's and nadam's names, and weight_decay must be searched
        assertThat(Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "adamw", Map.of("learning_rate", 1e-3, "weight_decay", 0.1)))
                .containsEntry("beta1", 0.9).containsEntry("weight_decay", 0.1);
        assertThatThrownBy(() -> Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "nadamw", Map.of("learning_rate", 1e-3)))
                .hasMessage("nadamw is nadam with decoupled weight decay searched: its space must name weight_decay"
                        + " (or use nadam)");
        // AlgoPerf's momentum / Nesterov spaces: beta1 and one_minus_beta1 are the momentum γ
        assertThat(Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "nesterov", Map.of("learning_rate", 0.1, "one_minus_beta1", 0.25)))
                .containsEntry("momentum", 0.75).doesNotContainKey("beta1");
        assertThat(Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "momentum", Map.of("learning_rate", 0.1, "beta1", 0.8)))
                .containsEntry("momentum", 0.8).doesNotContainKey("beta1");
        assertThatThrownBy(() -> Hyperparameters.resolve(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "momentum", Map.of("momentum", 0.9, "one_minus_beta1", 0.1)))
                .hasMessageContaining("sets momentum more than once");
    }
}
