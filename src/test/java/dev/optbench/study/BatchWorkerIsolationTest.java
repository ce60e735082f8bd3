package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.ThrowingRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 3 through a worker and a store: in a batch of four real fmnist_mlp-tiny trials,
 * the one whose plug-in throws at step 5 is stored failed with a message in words (no Java class
 * name), the three others completed with their curves.
 */
class BatchWorkerIsolationTest {
    @TempDir Path dir;

    @Test
    void theBrokenTrialIsStoredFailedInWordsAndTheOthersCompleted() throws Exception {
        OptimizerRegistry rules = ThrowingRule.registry(new ThrowingRule("boom_error", () -> new StackOverflowError("late boom")));
        Path space = Files.writeString(dir.resolve("space.json"), """
                {"sgd": {"learning_rate": {"feasible_points": [0.05]}},
                 "adam": {"learning_rate": {"feasible_points": [0.002]}},
                 "momentum": {"learning_rate": {"feasible_points": [0.01]}},
                 "boom_error": {"learning_rate": {"feasible_points": [0.05]}, "boom_step": {"feasible_points": [5]}}}
                """);
        String url = "sqlite:" + dir.resolve("s.db");
        List<String> failures = new ArrayList<>();
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(StudySetup.define(rules, "iso", "fmnist_mlp-tiny", "full",
                    List.of("sgd", "boom_error", "adam", "momentum"), 1, 3, null, space), rules);
            ClaimGate gate = new ClaimGate(store, CommandPolicy.NONE, rules, new Notices(System.err::println));
            Worker worker = new Worker(store, gate, new BatchedTrainerRunner(new TrainerRunner(null, "cpu", rules), null,
                    "cpu", 4, rules), "iso", "w", 60_000,
                    new Worker.Listener() {
                        @Override
                        public void failed(Claim claim, String message) {
                            failures.add(claim.optimizer() + ": " + message);
                        }
                    });
            assertThat(worker.run()).isEqualTo(3);
            assertThat(failures).containsExactly("boom_error: stack overflow: late boom");
            Map<String, Trial> byOptimizer = new java.util.HashMap<>();
            store.trials("iso", true).forEach(t -> byOptimizer.put(t.optimizer(), t));
            Trial broken = byOptimizer.get("boom_error");
            assertThat(broken.state()).isEqualTo(TrialState.FAILED);
            assertThat(broken.message()).isEqualTo("stack overflow: late boom")
                    .doesNotContain("Error", "Exception", "java.");
            assertThat(broken.provenance()).containsEntry("batch_trials", "4");
            for (String o : List.of("sgd", "adam", "momentum")) {
                Trial t = byOptimizer.get(o);
                assertThat(t.state()).as(o).isEqualTo(TrialState.COMPLETED);
                assertThat(t.steps()).as(o).isEqualTo(300);
                assertThat(t.message()).isNull();
                assertThat(t.curve()).isNotEmpty();
                assertThat(t.provenance()).containsEntry("batch_trials", "4");
            }
        }
    }
}
