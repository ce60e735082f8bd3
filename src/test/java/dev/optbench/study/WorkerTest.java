package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.Messages;
import dev.optbench.train.Measurement;
import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one worker, K = 1 and K > 1 through the same loop, and its {@link Heartbeat}. Trials are
 * held on latches the test controls, never on time.
 */
class WorkerTest {
    private static final List<Measurement> CURVE = List.of(
            new Measurement(100, Split.TRAIN_EVAL, 0.9, 0.10), // train_eval below target does not count
            new Measurement(100, Split.VALIDATION, 1.0, 0.30),
            new Measurement(200, Split.VALIDATION, 0.8, 0.25),
            new Measurement(300, Split.VALIDATION, 0.7, 0.20));

    @TempDir Path dir;

    @Test
    void stepsToTargetIsTheFirstValidationEvaluationAtOrBelowTheTarget() {
        TrainResult r = new TrainResult(RunStatus.COMPLETED, 300, CURVE, 1, 300);
        assertThat(Worker.stepsToTarget(r, 0.25)).isEqualTo(200.0);
        assertThat(Worker.stepsToTarget(r, 0.3)).isEqualTo(100.0);
        assertThat(Worker.stepsToTarget(r, 0.19)).isNull();
        assertThat(Worker.stepsToTarget(r, Double.NaN)).isNull();
        assertThat(Worker.stepsToTarget(new TrainResult(RunStatus.DIVERGED, 300, CURVE, 1, 300), 0.5)).isNull();
    }

    @Test
    void aSingleTrialRunnerIsABatchOfOneClaimedStoredAndRecordedAsSuch() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (SqlStudyStore store = open()) {
            store.createStudy(StoreContract.definition("one", List.of("sgd"), 3));
            assertThat(new Worker(store, new QuadraticRunner(5), "one", "w", 5_000, recorder(events)).run()).isEqualTo(3);
            // one claim at a time: each trial is stored before the next is claimed
            assertThat(events).containsExactly("claimed sgd#0", "finished sgd#0", "claimed sgd#1", "finished sgd#1",
                    "claimed sgd#2", "finished sgd#2");
            assertThat(store.trials("one", false)).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
                assertThat(t.provenance()).containsEntry("batch_trials", "1");
            });
        }
    }

    @Test
    void aLostLeaseAbandonsOnlyThatTrialOfTheBatchAndTheOthersAreStored() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch lost = new CountDownLatch(1);
        CountDownLatch stored2 = new CountDownLatch(2);
        HeldBatch runner = new HeldBatch(3, HeldBatch::descend);
        try (SqlStudyStore store = open(); SqlStudyStore thief = open()) {
            store.createStudy(StoreContract.definition("lost", List.of("sgd"), 3));
            Worker worker = new Worker(store, runner, "lost", "w", 1_000, recorder(events, e -> {
                if (e.startsWith("lost ")) {
                    lost.countDown();
                } else if (e.startsWith("finished ")) {
                    stored2.countDown();
                }
            }));
            AtomicInteger stored = new AtomicInteger(-1);
            Thread t = new Thread(() -> stored.set(worker.run()));
            t.start();
            List<Claim> batch = runner.awaitBatch();
            assertThat(batch).extracting(Claim::index).containsExactly(0, 1, 2);
            assertThat(thief.renew(batch.get(1), -60_000)).isTrue(); // its lease ran out a minute ago...
            Claim taken = thief.claim("lost", "thief", 60_000).orElseThrow(); // ...and another worker took it
            assertThat(taken.index()).isEqualTo(1);
            assertThat(lost.await(60, TimeUnit.SECONDS)).as("the heartbeat noticed the lost lease").isTrue();
            runner.go.countDown();
            assertThat(stored2.await(60, TimeUnit.SECONDS)).as("the two still held were stored").isTrue();
            // the worker now waits for the thief's trial, which the thief finishes as its own
            assertThat(thief.complete(taken, TrialState.COMPLETED, 5, 0.1, 0.5, 0.5, null, java.util.Map.of(), List.of()))
                    .isTrue();
            t.join(60_000);
            assertThat(stored.get()).isEqualTo(2);
            assertThat(events).containsExactlyInAnyOrder("claimed sgd#0", "claimed sgd#1", "claimed sgd#2", "lost sgd#1",
                    "finished sgd#0", "finished sgd#2");
            List<Trial> trials = store.trials("lost", false);
            assertThat(trials.get(1).state()).isEqualTo(TrialState.COMPLETED);
            assertThat(trials.get(1).worker()).isEqualTo("thief");
            assertThat(trials.get(1).validationError()).isEqualTo(0.5); // the thief's result, not overwritten
            for (Trial x : List.of(trials.get(0), trials.get(2))) {
                assertThat(x.state()).isEqualTo(TrialState.COMPLETED);
                assertThat(x.worker()).isEqualTo("w");
                assertThat(x.provenance()).containsEntry("batch_trials", "3");
            }
        }
    }

    @Test
    void stoppingReleasesEveryTrialOfTheBatchToPending() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        HeldBatch runner = new HeldBatch(3, HeldBatch::descend); // never let go: the stop interrupts it
        try (SqlStudyStore store = open()) {
            store.createStudy(StoreContract.definition("stop", List.of("adam"), 3));
            Worker worker = new Worker(store, runner, "stop", "w", 5_000, recorder(events));
            AtomicInteger stored = new AtomicInteger(-1);
            Thread t = new Thread(() -> stored.set(worker.run()));
            t.start();
            runner.awaitBatch();
            worker.stop();
            t.join(60_000);
            assertThat(t.isAlive()).isFalse();
            assertThat(worker.isDone()).isTrue();
            assertThat(stored.get()).isZero();
            assertThat(events).containsExactly("claimed adam#0", "claimed adam#1", "claimed adam#2",
                    "released adam#0", "released adam#1", "released adam#2");
            assertThat(store.trials("stop", false)).allSatisfy(x -> {
                assertThat(x.state()).isEqualTo(TrialState.PENDING);
                assertThat(x.worker()).isNull();
            });
        }
    }

    @Test
    void aBatchThatThrowsIsStoredFailedTrialByTrialInWords() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        IllegalStateException broke = new IllegalStateException("the stacked model broke");
        HeldBatch runner = new HeldBatch(2, c -> {
            throw broke;
        });
        String words = Messages.describe(broke);
        try (SqlStudyStore store = open()) {
            store.createStudy(StoreContract.definition("broke", List.of("sgd"), 2));
            runner.go.countDown();
            assertThat(new Worker(store, runner, "broke", "w", 5_000, recorder(events)).run()).isZero();
            assertThat(events).containsExactly("claimed sgd#0", "claimed sgd#1", "failed sgd#0: " + words,
                    "failed sgd#1: " + words);
            assertThat(store.trials("broke", false)).allSatisfy(x -> {
                assertThat(x.state()).isEqualTo(TrialState.FAILED);
                assertThat(x.message()).isEqualTo(words).contains("the stacked model broke").doesNotContain("Exception");
                assertThat(x.provenance()).containsEntry("batch_trials", "2");
            });
        }
    }

    @Test
    void theHeartbeatClaimsUpToKRenewsReportsLostLeasesAndReleasesOnlyWhatItStillHolds() {
        List<String> events = new ArrayList<>();
        try (SqlStudyStore store = open(); SqlStudyStore thief = open()) {
            store.createStudy(StoreContract.definition("hb", List.of("sgd"), 5));
            Heartbeat leases = new Heartbeat(store, "w", 60_000, recorder(events));
            List<Claim> three = leases.claim("hb", ClaimFilter.ANY, workload -> 3, first -> false, () -> true);
            assertThat(three).extracting(Claim::index).containsExactly(0, 1, 2);
            assertThat(three).extracting(Claim::attempt).containsOnly(1);
            List<Claim> stopped = new Heartbeat(store, "v", 60_000, recorder(events))
                    .claim("hb", ClaimFilter.ANY, workload -> 3, first -> false, () -> false); // stopping: no more than the first
            assertThat(stopped).extracting(Claim::index).containsExactly(3);

            assertThat(thief.renew(three.get(1), -60_000)).isTrue();
            assertThat(thief.claim("hb", "thief", 60_000).orElseThrow().index()).isEqualTo(1);
            for (Claim c : List.of(three.get(0), three.get(2))) {
                assertThat(thief.renew(c, 1_000)).isTrue(); // a second left...
            }
            leases.renewAll();
            assertThat(events).containsExactly("lost sgd#1");
            assertThat(store.leases("hb")).filteredOn(l -> l.worker().equals("w"))
                    .extracting(Lease::index).containsExactly(0, 2);
            assertThat(store.leases("hb")).filteredOn(l -> l.worker().equals("w"))
                    .allSatisfy(l -> assertThat(l.remainingMillis()).isGreaterThan(50_000)); // ...renewed to a minute

            assertThat(leases.letGo(three.get(1))).isFalse(); // lost: its result is not this worker's to store
            assertThat(leases.letGo(three.get(0))).isTrue();
            leases.releaseAll();
            assertThat(events).containsExactly("lost sgd#1", "released sgd#2");
            assertThat(leases.isEmpty()).isTrue();
            List<Trial> trials = store.trials("hb", false);
            assertThat(trials).extracting(Trial::state).containsExactly(TrialState.RUNNING, TrialState.RUNNING,
                    TrialState.PENDING, TrialState.RUNNING, TrialState.PENDING);
            assertThat(trials).extracting(Trial::worker).containsExactly("w", "thief", null, "v", null);
        }
    }

    private SqlStudyStore open() {
        return StudyStores.open("sqlite:" + dir.resolve("s.db"));
    }

    @Test
    void aRunningTrialsEvaluationsAreStoredAsTheyHappenAndOnceWhenItFinishes() throws Exception {
        TrainerRunner trainer = new TrainerRunner(null);
        CountDownLatch firstStored = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        TrialRunner held = new TrialRunner() { // the real trial, held after its first evaluation step was stored
            @Override
            public TrainResult run(Claim claim) {
                throw new AssertionError("the worker hands progress on through runBatch");
            }

            @Override
            public List<TrainResult> runBatch(List<Claim> claims, TrialProgress progress) {
                return trainer.runBatch(claims, (claim, evaluations) -> {
                    progress.record(claim, evaluations);
                    batchSizes.add(evaluations.size());
                    firstStored.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new CancellationException("interrupted");
                    }
                });
            }

            @Override
            public String workloadDefinition(String workload) {
                return trainer.workloadDefinition(workload);
            }

            @Override
            public double targetError(String workload) {
                return trainer.targetError(workload);
            }
        };
        try (SqlStudyStore store = open(); SqlStudyStore reader = open()) {
            store.createStudy(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "live", "fmnist_mlp-tiny", "lr-only", List.of("sgd"), 1, 3, null, null));
            Worker worker = new Worker(store, held, "live", "w", 60_000, new Worker.Listener() {});
            Thread thread = new Thread(worker::run);
            thread.start();
            assertThat(firstStored.await(300, TimeUnit.SECONDS)).isTrue();
            // running, and its first evaluation step (train, train_eval, validation, test at step 100) is there
            assertThat(reader.trials("live", false).get(0).state()).isEqualTo(TrialState.RUNNING);
            List<Measurement> live = reader.curve("live", "sgd", 0);
            assertThat(live).extracting(Measurement::step).containsOnly(100L);
            assertThat(live).extracting(Measurement::split)
                    .containsExactly(Split.TRAIN, Split.TRAIN_EVAL, Split.VALIDATION, Split.TEST);
            go.countDown();
            thread.join(300_000);
            assertThat(thread.isAlive()).isFalse();
            assertThat(batchSizes).containsExactly(4, 4, 4); // one store write per evaluation step
            Trial done = reader.trials("live", true).get(0);
            assertThat(done.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(done.curve()).hasSize(12).containsAll(live); // 3 evaluation steps × 4 splits, each once
            assertThat(done.curve().stream().map(m -> m.step() + "/" + m.split()).distinct()).hasSize(12);
        }
    }

    @Test
    void aProgressWriteThatFailsIsSaidOnceAndTheTrialsAreStoredWhole() {
        TrialRunner runner = new TrialRunner() { // stores its curve as progress in two parts, then completes
            @Override
            public TrainResult run(Claim claim) {
                throw new AssertionError("the worker hands progress on through runBatch");
            }

            @Override
            public List<TrainResult> runBatch(List<Claim> claims, TrialProgress progress) {
                List<TrainResult> out = new ArrayList<>();
                for (Claim c : claims) {
                    progress.record(c, CURVE.subList(0, 2));
                    progress.record(c, CURVE.subList(2, 4));
                    out.add(new TrainResult(RunStatus.COMPLETED, 300, CURVE, 1, 300));
                }
                return out;
            }

            @Override
            public String workloadDefinition(String workload) {
                return "q";
            }

            @Override
            public double targetError(String workload) {
                return Double.NaN;
            }
        };
        List<String> notices = Collections.synchronizedList(new ArrayList<>());
        try (SqlStudyStore store = open()) {
            store.createStudy(StoreContract.definition("hiccup", List.of("sgd"), 2));
            store.commitHook(c -> { // every write from the trial thread (progress only) fails
                if (Thread.currentThread().getName().endsWith("-trials")) {
                    throw new java.sql.SQLException("disk I/O error");
                }
            });
            Worker worker = new Worker(store, new ClaimGate(store, CommandPolicy.NONE, dev.optbench.optim.OptimizerRegistry.BUILT_IN, notices::add), runner, "hiccup",
                    "w", 5_000, new Worker.Listener() {});
            assertThat(worker.run()).isEqualTo(2);
            assertThat(notices).hasSize(1);
            assertThat(notices.get(0)).startsWith("optbench: warning: worker w could not store hiccup/sgd#")
                    .contains("disk I/O error").contains("train on");
            assertThat(store.trials("hiccup", true)).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
                assertThat(t.curve()).containsExactlyInAnyOrderElementsOf(CURVE);
            });
        }
    }

    private static Worker.Listener recorder(List<String> events) {
        return recorder(events, e -> { });
    }

    /** Each event as "what optimizer#index", added to {@code events} and then told to {@code then}. */
    private static Worker.Listener recorder(List<String> events, java.util.function.Consumer<String> then) {
        return new Worker.Listener() {
            @Override
            public void claimed(Claim c) {
                add("claimed " + key(c));
            }

            @Override
            public void finished(Claim c, TrialState state, double validationError, double seconds) {
                add("finished " + key(c));
            }

            @Override
            public void released(Claim c) {
                add("released " + key(c));
            }

            @Override
            public void lostLease(Claim c) {
                add("lost " + key(c));
            }

            @Override
            public void failed(Claim c, String message) {
                add("failed " + key(c) + ": " + message);
            }

            private void add(String event) {
                events.add(event);
                then.accept(event);
            }
        };
    }

    private static String key(Claim c) {
        return c.optimizer() + "#" + c.index();
    }

    /** A batch runner of K whose batch, once started, waits for {@link #go}, then runs each claim. */
    private static final class HeldBatch implements TrialRunner {
        final CountDownLatch go = new CountDownLatch(1);
        private final Semaphore started = new Semaphore(0);
        private final List<List<Claim>> batches = Collections.synchronizedList(new ArrayList<>());
        private final int k;
        private final Function<Claim, TrainResult> each;

        HeldBatch(int k, Function<Claim, TrainResult> each) {
            this.k = k;
            this.each = each;
        }

        static TrainResult descend(Claim c) {
            return QuadraticRunner.descend(c.hparams().get("learning_rate"), c.seed(), 5);
        }

        List<Claim> awaitBatch() throws InterruptedException {
            assertThat(started.tryAcquire(60, TimeUnit.SECONDS)).as("a batch started").isTrue();
            return batches.get(batches.size() - 1);
        }

        @Override
        public int batchLimit(String workload) {
            return k;
        }

        @Override
        public List<TrainResult> runBatch(List<Claim> claims) {
            batches.add(claims);
            started.release();
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new CancellationException("interrupted while held");
            }
            return claims.stream().map(each).toList();
        }

        @Override
        public TrainResult run(Claim claim) {
            throw new AssertionError("the worker runs batches, even of one");
        }

        @Override
        public String workloadDefinition(String workload) {
            return "quadratic for " + workload;
        }

        @Override
        public double targetError(String workload) {
            return Double.NaN;
        }
    }
}
