package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.space.Protocol;
import dev.optbench.study.StudySetup;
import dev.optbench.workload.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 3: a space that can give an optimizer a value outside its allowed range is
 * refused at `study create` (and rows out of range at `import`): one line naming the optimizer,
 * the hyperparameter, the space's range and the allowed range, exit 2, nothing stored.
 */
class SpaceRangeCheckTest {
    @TempDir Path dir;

    private String store() {
        return "sqlite:" + dir.resolve("s.db");
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Refused with exactly {@code message} on one line, exit 2, and no study stored. */
    private void assertRefused(CliRun r, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("optbench: " + message);
        assertThat(r.err().strip().lines()).hasSize(1);
        CliRun list = CliRun.of("studies", "--store", store());
        assertThat(list.out()).doesNotContain("bad");
    }

    private CliRun create(Path space, String optimizers) {
        return CliRun.of("study", "create", "bad", "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                "--optimizers", optimizers, "--trials", "4", "--space", space.toString(), "--store", store());
    }

    @Test
    void aLinearLearningRateRangeBelowZeroIsRefusedAtCreate() throws Exception {
        Path space = file("neg.json", "{\"learning_rate\": {\"min\": -5, \"max\": -1, \"scaling\": \"linear\"}}");
        assertRefused(create(space, "sgd"), space + ": space for sgd: learning_rate linear [-5, -1] leaves the allowed"
                + " range learning_rate > 0; narrow it");
    }

    @Test
    void derivedNamesAreCheckedThroughWhatTheySet() throws Exception {
        Path beta = file("beta.json", "{\"adam\": {\"learning_rate\": {\"min\": 1e-4, \"max\": 1e-2, \"scaling\": \"log\"},"
                + " \"one_minus_beta1\": {\"min\": 0.001, \"max\": 2, \"scaling\": \"log\"}}}");
        assertRefused(create(beta, "adam"), beta + ": space for adam: one_minus_beta1 log [0.001, 2] gives beta1 = -1,"
                + " outside the allowed range 0 ≤ beta1 < 1; narrow it");
        // AlgoPerf's beta1 of a momentum space is the momentum γ
        Path momentum = file("momentum.json", "{\"learning_rate\": {\"min\": 1e-3, \"max\": 1, \"scaling\": \"log\"},"
                + " \"beta1\": {\"feasible_points\": [0.9, 1.0]}}");
        assertRefused(create(momentum, "momentum"), momentum + ": space for momentum: beta1 points {0.9, 1} leaves the"
                + " allowed range 0 ≤ momentum < 1; narrow it");
        // learning_rate = value · ε reaches 0 when ε may be 0
        Path overEps = file("eps.json", "{\"learning_rate_over_epsilon\": {\"min\": 1, \"max\": 100, \"scaling\": \"log\"},"
                + " \"epsilon\": {\"min\": 0, \"max\": 1, \"scaling\": \"linear\"}}");
        assertRefused(create(overEps, "adam"), overEps + ": space for adam: learning_rate_over_epsilon log [1, 100] gives"
                + " learning_rate = 0, outside the allowed range learning_rate > 0; narrow it");
        Path decay = file("decay.json", "{\"learning_rate\": {\"min\": 0.01, \"max\": 1, \"scaling\": \"log\"},"
                + " \"decay_factor\": {\"min\": 0.5, \"max\": 1.5, \"scaling\": \"linear\"}}");
        assertRefused(create(decay, "sgd"), decay + ": space for sgd: decay_factor linear [0.5, 1.5] leaves the allowed"
                + " range 0 < decay_factor ≤ 1; narrow it");
    }

    @Test
    void aDiscretePointOutOfRangeIsRefusedAtCreate() throws Exception {
        Path space = file("points.json", "[{\"learning_rate\": 0.1}, {\"learning_rate\": 0.01, \"one_minus_beta_1\": 1.5}]");
        assertRefused(create(space, "adam"), space + ": space for adam: point 1 gives beta1 = -0.5, outside the allowed"
                + " range 0 ≤ beta1 < 1; change the point");
    }

    @Test
    void rangesAtTheEdgesOfWhatIsAllowedAreAccepted() throws Exception {
        Path space = file("edge.json", "{\"learning_rate\": {\"min\": 1e-5, \"max\": 10, \"scaling\": \"log\"},"
                + " \"one_minus_momentum\": {\"min\": 1e-3, \"max\": 1, \"scaling\": \"log\"},"
                + " \"decay_factor\": {\"min\": 0.001, \"max\": 1, \"scaling\": \"log\"}}");
        CliRun r = create(space, "momentum");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    /** Only a grid reaches a range's max: full's one_minus_rho in [1e-3, 1] gives ρ = 0 there, which RMSProp refuses. */
    @Test
    void aMaxThatOnlyAGridReachesIsCheckedForTheGrid() {
        StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "x", "fmnist_mlp-tiny", "full", java.util.List.of("rmsprop"), 4, 0, "halton", null);
        CliRun grid = CliRun.of("study", "create", "bad", "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                "--optimizers", "rmsprop", "--trials", "4", "--sampler", "grid", "--store", store());
        assertRefused(grid, "protocol full: space for rmsprop: one_minus_rho log [0.001, 1] gives rho = 0, outside"
                + " the allowed range 0 < rho ≤ 1; narrow it");
    }

    /** Every shipped space of every protocol, for every workload and optimizer, passes the check. */
    @Test
    void everyShippedSpacePasses() {
        for (Protocol p : Protocol.values()) {
            for (var w : Workloads.all()) {
                StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "x", w.name(), p.id(), p.optimizers(), 4, 0, null, null);
            }
        }
    }

    @Test
    void anImportedRowOutOfItsOptimizersRangeIsRefused() throws Exception {
        Path csv = file("rows.csv", "optimizer,trial,validation_error,test_error,learning_rate,beta1\n"
                + "adam,0,0.2,0.21,0.001,0.9\n"
                + "sgd,0,0.3,0.31,-3,\n");
        assertRefused(CliRun.of("import", csv.toString(), "--study", "bad", "--workload", "fmnist_mlp-tiny",
                "--protocol", "full", "--store", store()),
                csv + " line 3: sgd's learning_rate = -3 is outside the allowed range learning_rate > 0; fix the value");
        // a label optbench does not know is someone else's optimizer: its values are its own business
        Path other = file("other.csv", "optimizer,trial,validation_error,test_error,learning_rate\n"
                + "shampoo,0,0.2,0.21,-3\n");
        CliRun ok = CliRun.of("import", other.toString(), "--study", "fine", "--workload", "fmnist_mlp-tiny",
                "--protocol", "full", "--store", store());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
    }
}
