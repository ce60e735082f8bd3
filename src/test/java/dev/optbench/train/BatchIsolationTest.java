package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.ThrowingRule;
import dev.optbench.workload.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One bad trial of a batch fails only itself (issue 19, item 3): a plug-in whose update throws
 * an Exception or an Error midway, a bad value, a trial that diverges; the others end with the
 * very numbers of their solo runs. "Solo" is the path a study takes for a single trial
 * ({@code TrainerRunner}: a batch of one, on the native passes where they suit), and the
 * comparison is to the bit: losses of every step and every measurement of the curve. The data
 * have evaluation splits larger than a batch's evaluation chunk, so a chunk that depended on K
 * would show.
 */
class BatchIsolationTest {
    static final String W = "fmnist_mlp-tiny";
    static final long STEPS = 120; // evaluations at 100 and 120
    @TempDir static Path dir;
    static Path fashion;

    @BeforeAll
    static void data() throws Exception {
        fashion = TestData.fashion(dir.resolve("fashion"), 2400, 1200);
    }

    /** The built-ins and three broken plug-ins, passed with each request (no process-wide plug-in state). */
    static final OptimizerRegistry RULES = ThrowingRule.registry(
            new ThrowingRule("boom_error", () -> new StackOverflowError("late boom")),
            new ThrowingRule("boom_exception", () -> new IllegalStateException("early boom")),
            new ThrowingRule("boom_oom", () -> new OutOfMemoryError("Java heap space")));

    static TrainRequest request(String optimizer, Map<String, Double> h, long seed) {
        return new TrainRequest(W, optimizer, h, seed, STEPS, fashion).withOptimizers(RULES);
    }

    /** Three good trials: two rules, two groups. */
    static List<TrainRequest> good() {
        return List.of(request("sgd", Map.of("learning_rate", 0.05), 1),
                request("adam", Map.of("learning_rate", 0.002), 2),
                request("sgd", Map.of("learning_rate", 0.02, "l2", 0.001), 3));
    }

    /** Minibatch losses of every step, and how often a run started. */
    static final class Heard implements TrainListener {
        final List<Double> losses = new ArrayList<>();
        int starts;

        @Override
        public void onStart(String workload, long totalSteps) {
            starts++;
            losses.clear(); // a rerun starts over
        }

        @Override
        public void onStep(long step, long total, double loss) {
            losses.add(loss);
        }
    }

    /** {@code requests} as one batch; listener k heard trial k. */
    static List<TrainResult> batch(List<TrainRequest> requests, List<Heard> heard) {
        for (int k = 0; k < requests.size(); k++) {
            heard.add(new Heard());
        }
        return BatchedTrainer.train(requests, List.copyOf(heard));
    }

    /** Trial {@code r}'s result in the batch equals its solo run to the bit: every loss, every measurement. */
    static void assertSameAsSolo(TrainRequest r, TrainResult inBatch, Heard heard) {
        Heard alone = new Heard();
        TrainResult solo = BatchedTrainer.train(List.of(r), List.of(alone)).get(0);
        assertThat(inBatch.status()).as("%s status", r).isEqualTo(solo.status());
        assertThat(inBatch.stepsRun()).isEqualTo(solo.stepsRun());
        assertThat(inBatch.failure()).isNull();
        // without the native passes a solo run is Trainer's, a batch NDArray ops: equal only to float32 rounding
        assumeThat(NativeNet.available()).as("native passes").isTrue();
        assertThat(heard.losses).as("%s losses", r).hasSize((int) solo.stepsRun()).isEqualTo(alone.losses);
        assertThat(inBatch.measurements()).as("%s curve", r).isEqualTo(solo.measurements());
    }

    private static void brokenPluginFailsAloneAtStep5(String rule, String message) {
        List<TrainRequest> requests = new ArrayList<>(good());
        requests.add(1, request(rule, Map.of("learning_rate", 0.05, "boom_step", 5.0), 4));
        List<Heard> heard = new ArrayList<>();
        List<TrainResult> r = batch(requests, heard);
        TrainResult broken = r.get(1);
        assertThat(broken.status()).isEqualTo(RunStatus.FAILED);
        assertThat(broken.failure()).isEqualTo(message);
        assertThat(broken.stepsRun()).isEqualTo(4); // steps 1-4 ran; step 5 threw
        assertThat(heard.get(1).losses).hasSize(4);
        assertThat(broken.finalError(Split.VALIDATION)).isEqualTo(1.0);
        for (int k : new int[] {0, 2, 3}) {
            assertThat(r.get(k).status()).isEqualTo(RunStatus.COMPLETED);
            assertSameAsSolo(requests.get(k), r.get(k), heard.get(k));
            assertThat(heard.get(k).starts).isEqualTo(1);
        }
    }

    @Test
    void aPluginThatThrowsAnErrorAtStep5FailsAloneAndTheOthersAreTheirSoloRuns() {
        brokenPluginFailsAloneAtStep5("boom_error", "stack overflow: late boom");
    }

    @Test
    void aPluginThatThrowsAnExceptionAtStep5FailsAloneAndTheOthersAreTheirSoloRuns() {
        brokenPluginFailsAloneAtStep5("boom_exception", "early boom");
    }

    /**
     * Two trials of the broken rule share one optimizer: the group leaves the batch when its step
     * throws, and each member reruns alone: the broken one fails, the other is its solo run.
     */
    @Test
    void inAGroupOfSeveralTheBrokenTrialIsFoundByRerunningEachAlone() {
        List<TrainRequest> requests = new ArrayList<>(good());
        requests.add(0, request("boom_exception", Map.of("learning_rate", 0.05, "boom_step", 7.0), 5));
        requests.add(request("boom_exception", Map.of("learning_rate", 0.03), 6)); // never throws
        List<Heard> heard = new ArrayList<>();
        List<TrainResult> r = batch(requests, heard);
        assertThat(r.get(0).status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.get(0).failure()).isEqualTo("early boom");
        assertThat(r.get(0).stepsRun()).isZero(); // its failure comes from the rerun, which has no curve to keep
        TrainResult innocent = r.get(4);
        assertThat(heard.get(4).starts).as("the rerun starts over").isEqualTo(2);
        assertSameAsSolo(requests.get(4), innocent, heard.get(4));
        for (int k = 1; k <= 3; k++) {
            assertSameAsSolo(requests.get(k), r.get(k), heard.get(k));
        }
    }

    @Test
    void aBadValueOrAnUnknownOptimizerFailsAloneBeforeTheBatchIsBuilt() {
        List<TrainRequest> requests = new ArrayList<>(good());
        requests.add(1, request("sgd", Map.of("learning_rate", -3.0), 7));
        requests.add(request("lion", Map.of("learning_rate", 1e-4), 8));
        List<Heard> heard = new ArrayList<>();
        List<TrainResult> r = batch(requests, heard);
        assertThat(r.get(1).status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.get(1).failure()).isEqualTo("learning_rate = -3 is out of range for sgd: need learning_rate > 0");
        assertThat(r.get(4).status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.get(4).failure()).startsWith("unknown optimizer 'lion'");
        assertThat(heard.get(1).starts).isZero();
        assertThat(r.get(1).stepsRun()).isZero();
        for (int k : new int[] {0, 2, 3}) {
            assertSameAsSolo(requests.get(k), r.get(k), heard.get(k));
        }
    }

    /**
     * Registries are values, not process state: in one batch, the same optimizer name resolves to
     * the rule of each request's own registry, and the built-in registry does not see either. Were
     * the two "custom" trials stacked into one group, the group would throw with one rule and both
     * would rerun alone (0 steps kept); in groups of their own each fails at its own step 3.
     */
    @Test
    void twoRegistriesWithDifferentPluginsOfOneNameCoexistInOneBatch() {
        OptimizerRegistry a = ThrowingRule.registry(new ThrowingRule("custom", () -> new IllegalStateException("rule of a")));
        OptimizerRegistry b = ThrowingRule.registry(new ThrowingRule("custom", () -> new IllegalStateException("rule of b")));
        Map<String, Double> h = Map.of("learning_rate", 0.05, "boom_step", 3.0);
        TrainRequest custom = new TrainRequest(W, "custom", h, 4, STEPS, fashion);
        List<TrainRequest> requests = List.of(custom.withOptimizers(a), custom.withOptimizers(b), custom,
                request("sgd", Map.of("learning_rate", 0.05), 1));
        assertThat(custom.optimizers()).isSameAs(OptimizerRegistry.BUILT_IN);
        List<Heard> heard = new ArrayList<>();
        List<TrainResult> r = batch(requests, heard);
        assertThat(r.get(0).failure()).isEqualTo("rule of a");
        assertThat(r.get(1).failure()).isEqualTo("rule of b");
        for (int k : new int[] {0, 1}) {
            assertThat(r.get(k).status()).isEqualTo(RunStatus.FAILED);
            assertThat(r.get(k).stepsRun()).as("trial %d ran steps 1-2 in its own group", k).isEqualTo(2);
            assertThat(heard.get(k).starts).isEqualTo(1);
        }
        assertThat(r.get(2).status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.get(2).failure()).startsWith("unknown optimizer 'custom': choose one of sgd, momentum, nesterov,"
                + " rmsprop, adam, nadam");
        assertThat(r.get(3).status()).isEqualTo(RunStatus.COMPLETED);
        assertSameAsSolo(requests.get(3), r.get(3), heard.get(3));
    }

    @Test
    void aTrialThatDivergesIsDivergedAloneAndTheOthersAreTheirSoloRuns() {
        List<TrainRequest> requests = new ArrayList<>(good());
        requests.add(2, request("sgd", Map.of("learning_rate", 1e6), 9));
        List<Heard> heard = new ArrayList<>();
        List<TrainResult> r = batch(requests, heard);
        assertThat(r.get(2).status()).isEqualTo(RunStatus.DIVERGED);
        assertThat(r.get(2).failure()).isNull();
        assertThat(r.get(2).stepsRun()).isLessThan(10);
        assertThat(r.get(2).finalError(Split.VALIDATION)).isEqualTo(1.0);
        for (int k : new int[] {0, 1, 3}) {
            assertSameAsSolo(requests.get(k), r.get(k), heard.get(k));
        }
    }

    /** Without a stacked form each trial runs through Trainer: one that throws fails alone there too. */
    @Test
    void aWorkloadWithoutAStackedFormIsolatesEachTrial() throws Exception {
        Path text = TestData.text(dir.resolve("t/corpus.txt"), 3000);
        List<TrainRequest> requests = List.of(
                new TrainRequest("char_lstm-tiny", "sgd", Map.of("learning_rate", 0.1), 1, 12, text),
                new TrainRequest("char_lstm-tiny", "boom_error", Map.of("learning_rate", 0.1, "boom_step", 5.0), 2, 12,
                        text).withOptimizers(RULES),
                new TrainRequest("char_lstm-tiny", "sgd", Map.of("learning_rate", 0.1, "momentum", 0.5), 3, 12, text),
                new TrainRequest("char_lstm-tiny", "adam", Map.of("learning_rate", 0.01), 4, 12, text));
        List<TrainResult> r = BatchedTrainer.train(requests);
        assertThat(r.get(1).status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.get(1).failure()).isEqualTo("stack overflow: late boom");
        assertThat(r.get(2).status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.get(2).failure()).startsWith("unknown hyperparameter 'momentum' for sgd");
        for (int k : new int[] {0, 3}) {
            assertThat(r.get(k).status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(r.get(k).measurements()).isEqualTo(Trainer.train(requests.get(k), TrainListener.NONE).measurements());
        }
    }

    /** What no trial may swallow: an OutOfMemoryError ends the whole batch, as it would the process. */
    @Test
    void anOutOfMemoryErrorIsNoTrialsOwnFailure() {
        List<TrainRequest> requests = new ArrayList<>(good());
        requests.add(request("boom_oom", Map.of("learning_rate", 0.05, "boom_step", 3.0), 4));
        assertThatThrownBy(() -> BatchedTrainer.train(requests)).isInstanceOf(OutOfMemoryError.class);
    }

    /** A single run has no one else to protect: it throws, as `optbench train` and Worker expect. */
    @Test
    void aSingleRequestStillThrows() {
        assertThatThrownBy(() -> BatchedTrainer.train(List.of(request("boom_error", Map.of("learning_rate", 0.05,
                "boom_step", 3.0), 4)))).isInstanceOf(StackOverflowError.class).hasMessage("late boom");
        assertThatThrownBy(() -> BatchedTrainer.train(List.of(request("sgd", Map.of("learning_rate", -1.0), 4))))
                .isInstanceOf(dev.optbench.InputException.class);
    }
}
