package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import dev.optbench.workload.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir static Path dir;
    static Path fashion;

    @BeforeAll
    static void data() throws Exception {
        fashion = TestData.fashion(dir.resolve("fashion"), 300, 50);
    }

    private static TrainResult run(String optimizer, Map<String, Double> h, long seed, long steps) {
        return Trainer.train(new TrainRequest("fmnist_mlp-tiny", optimizer, h, seed, steps, fashion), TrainListener.NONE);
    }

    @Test
    void sameSeedGivesTheIdenticalCurveAndAnotherSeedDoesNot() {
        Map<String, Double> h = Map.of("learning_rate", 0.001);
        TrainResult a = run("adam", h, 7, 60);
        TrainResult b = run("adam", h, 7, 60);
        TrainResult c = run("adam", h, 8, 60);
        assertThat(a.measurements()).isNotEmpty().isEqualTo(b.measurements());
        assertThat(c.measurements()).isNotEqualTo(a.measurements());
    }

    @Test
    void curveHasTrainAndThreeEvaluatedSplitsAtEachIntervalAndTheLastStep() {
        List<Measurement> seen = new ArrayList<>();
        long[] lastStep = {0};
        TrainResult r = Trainer.train(new TrainRequest("fmnist_mlp-tiny", "momentum",
                Map.of("learning_rate", 0.01), 1, 250, fashion), new TrainListener() {
                    @Override
                    public void onStep(long step, long total, double loss) {
                        lastStep[0] = step;
                    }

                    @Override
                    public void onEvaluation(Measurement m) {
                        seen.add(m);
                    }
                });
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(r.stepsRun()).isEqualTo(250);
        assertThat(lastStep[0]).isEqualTo(250);
        assertThat(r.measurements()).isEqualTo(seen).hasSize(12);
        assertThat(r.measurements().stream().map(Measurement::step).distinct()).containsExactly(100L, 200L, 250L);
        assertThat(r.measurements().subList(0, 4).stream().map(Measurement::split))
                .containsExactly(Split.TRAIN, Split.TRAIN_EVAL, Split.VALIDATION, Split.TEST);
        assertThat(r.measurements().get(0).error()).isNaN();
        // The synthetic classes are easy: far below chance (0.9) after 250 steps.
        assertThat(r.finalError(Split.VALIDATION)).isLessThan(0.3);
        assertThat(r.finalError(Split.TEST)).isLessThan(0.3);
        assertThat(r.stepsPerSecond()).isPositive();
        assertThat(r.seconds()).isPositive();
    }

    @Test
    void hugeLearningRateDivergesEarlyWithErrorOne() {
        TrainResult r = run("sgd", Map.of("learning_rate", 1e6), 0, 200);
        assertThat(r.status()).isEqualTo(RunStatus.DIVERGED);
        assertThat(r.stepsRun()).isLessThan(200);
        assertThat(r.finalError(Split.VALIDATION)).isEqualTo(1.0);
    }

    @Test
    void eachRegularizerChangesTheRun() {
        TrainResult base = run("sgd", Map.of("learning_rate", 0.05), 3, 30);
        for (String name : new String[] {"l2", "weight_decay", "label_smoothing", "dropout_rate"}) {
            TrainResult r = run("sgd", Map.of("learning_rate", 0.05, name, 0.2), 3, 30);
            assertThat(r.status()).as(name).isEqualTo(RunStatus.COMPLETED);
            assertThat(r.measurements()).as(name).isNotEqualTo(base.measurements());
        }
        TrainResult decayed = run("sgd", Map.of("learning_rate", 0.05, "decay_factor", 0.1), 3, 30);
        assertThat(decayed.measurements()).isNotEqualTo(base.measurements());
    }

    @Test
    void unknownOrOutOfRangeHyperparametersAreInputErrors() {
        assertThatThrownBy(() -> run("adam", Map.of("learning_rate", 0.001, "beta3", 0.5), 0, 10))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown hyperparameter 'beta3'")
                .hasMessageContaining("weight_decay");
        assertThatThrownBy(() -> run("adam", Map.of("learning_rate", 0.001, "dropout_rate", 1.0), 0, 10))
                .isInstanceOf(InputException.class).hasMessageContaining("dropout_rate");
        assertThatThrownBy(() -> run("adam", Map.of("beta1", 0.9), 0, 10))
                .isInstanceOf(InputException.class).hasMessageContaining("learning_rate");
    }

    @Test
    void trialsOnParallelThreadsMatchTheirSequentialRuns() throws Exception {
        Map<String, Double> h = Map.of("learning_rate", 0.01, "momentum", 0.9);
        TrainResult seqA = run("momentum", h, 11, 50);
        TrainResult seqB = run("momentum", h, 12, 50);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> run("momentum", h, 11, 50));
            var b = pool.submit(() -> run("momentum", h, 12, 50));
            assertThat(a.get().measurements()).isEqualTo(seqA.measurements());
            assertThat(b.get().measurements()).isEqualTo(seqB.measurements());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void interruptedThreadCancels() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> run("sgd", Map.of("learning_rate", 0.01), 0, 10))
                    .isInstanceOf(CancellationException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void configSortsHyperparametersByWhoUsesThem() {
        TrainConfig c = TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "momentum", Map.of("learning_rate", 0.1, "momentum", 0.5,
                "decay_steps_factor", 0.5, "l2", 1e-4, "weight_decay", 0.01, "label_smoothing", 0.1));
        assertThat(c.optimizerHparams()).isEqualTo(Map.of("learning_rate", 0.1, "momentum", 0.5, "weight_decay", 0.01));
        assertThat(c.scheduleKind()).isEqualTo("linear_decay");
        assertThat(c.scheduleHparams()).isEqualTo(Map.of("decay_steps_factor", 0.5));
        assertThat(c.l2()).isEqualTo(1e-4);
        assertThat(c.weightDecay()).isEqualTo(0.01);
        assertThat(c.labelSmoothing()).isEqualTo(0.1);
        assertThat(TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "sgd", Map.of("learning_rate", 0.1)).scheduleKind()).isEqualTo("constant");
    }
}
