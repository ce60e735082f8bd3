package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.train.Split;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Workers running real tiny trials (fmnist_mlp-tiny through the trainer) against one store:
 * in-process threads, and separate worker processes killed with SIGKILL or stopped with SIGTERM.
 */
abstract class RealTrialsContract extends StoreFixture {
    static final String WORKLOAD = "fmnist_mlp-tiny";

    private void create(String name, List<String> optimizers, int trials) {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, name, WORKLOAD, "lr-schedule", optimizers, trials, 3, null, null));
        }
    }

    @Test
    void threeWorkersFinishTwoOptimizersTimesSixTinyTrialsEachExactlyOnce() throws Exception {
        create("tiny", List.of("sgd", "adam"), 6);
        TrainerRunner trainer = new TrainerRunner(null);
        CountDownLatch allStarted = new CountDownLatch(3);
        CountingRunner runner = new CountingRunner(new TrialRunner() { // each worker's first trial waits for the others'
            @Override
            public dev.optbench.train.TrainResult run(Claim claim) {
                allStarted.countDown();
                try {
                    assertThat(allStarted.await(300, TimeUnit.SECONDS)).as("three workers started a trial").isTrue();
                } catch (InterruptedException e) {
                    throw new java.util.concurrent.CancellationException("interrupted");
                }
                return trainer.run(claim);
            }

            @Override
            public String workloadDefinition(String workload) {
                return trainer.workloadDefinition(workload);
            }

            @Override
            public double targetError(String workload) {
                return trainer.targetError(workload);
            }
        });
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            SqlStudyStore own = StudyStores.open(url);
            Worker worker = new Worker(own, runner, "tiny", "w" + w, 30_000, new Worker.Listener() {});
            Thread t = new Thread(() -> {
                try (own) {
                    worker.run();
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(300_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(runner.finished).hasSize(12).allSatisfy((k, v) -> assertThat(v.get()).as(k).isEqualTo(1));
        try (SqlStudyStore store = StudyStores.open(url)) {
            List<Trial> trials = store.trials("tiny", true);
            assertThat(trials).hasSize(12).allSatisfy(t -> {
                assertThat(t.state().countsAsFinished()).isTrue();
                assertThat(t.curve()).isNotEmpty();
                if (t.state() == TrialState.COMPLETED) {
                    assertThat(t.curve()).anySatisfy(m -> assertThat(m.split()).isEqualTo(Split.VALIDATION));
                } else { // diverged: stopped early, counts with error 1.0
                    assertThat(t.validationError()).isEqualTo(1.0);
                    assertThat(t.testError()).isEqualTo(1.0);
                    assertThat(t.stepsToTarget()).isNull();
                }
                assertThat(t.provenance().get("workload")).contains(WORKLOAD);
            });
            Set<String> workers = new HashSet<>();
            trials.forEach(t -> workers.add(t.worker()));
            assertThat(workers).hasSize(3);
            // Trial k of both optimizers shares its seed (same initialization and data order).
            assertThat(trials.get(0).seed()).isEqualTo(trials.get(6).seed());
        }
    }

    @Test
    void aWorkerKilledMidTrialLeavesItToAnotherAfterTheLeaseExpires() throws Exception {
        create("crash", List.of("momentum"), 1);
        Process victim = heldWorker("crash", "victim", 1);
        try (SqlStudyStore store = StudyStores.open(url)) {
            List<Claim> held = awaitHeld(victim, "crash", "victim", 1);
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no release
            assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(victim.exitValue()).isEqualTo(137);
            Trial orphan = store.trials("crash", false).get(0);
            assertThat(orphan.state()).isEqualTo(TrialState.RUNNING);
            assertThat(orphan.worker()).isEqualTo("victim");
            runOut(store, held);
            CountingRunner runner = new CountingRunner(new TrainerRunner(null));
            int stored = new Worker(store, runner, "crash", "rescuer", 10_000, new Worker.Listener() {}).run();
            assertThat(stored).isEqualTo(1);
            Trial done = store.trials("crash", true).get(0);
            assertThat(done.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(done.worker()).isEqualTo("rescuer");
            assertThat(done.curve()).isNotEmpty();
            assertThat(runner.finished.get("momentum#0").get()).isEqualTo(1);
        } finally {
            victim.destroyForcibly();
        }
    }

    @Test
    void aStoppedWorkerProcessReleasesItsTrial() throws Exception {
        create("ctrlc", List.of("sgd"), 1);
        Process worker = workerProcess("ctrlc", "polite", 30);
        try (SqlStudyStore store = StudyStores.open(url)) {
            awaitRunningBy(store, "ctrlc", "polite", worker);
            worker.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook cancels and releases
            assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Trial t = store.trials("ctrlc", false).get(0);
            assertThat(t.state()).isIn(TrialState.PENDING, TrialState.COMPLETED); // released, or it had just finished
            if (t.state() == TrialState.PENDING) {
                assertThat(t.worker()).isNull();
                assertThat(store.claim("ctrlc", "next", 10_000)).isPresent(); // at once, no lease to wait for
            }
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void aBatchWorkerHoldsKTrialsAtOnceRenewsEveryLeaseAndStoresEachResult() throws Exception {
        create("batch", List.of("sgd", "adam"), 3);
        long lease = 1000;
        List<Claim> claimed = java.util.Collections.synchronizedList(new ArrayList<>());
        SqlStudyStore own = StudyStores.open(url);
        BatchedTrainerRunner real = new BatchedTrainerRunner(null, "cpu", 4);
        CountDownLatch release = new CountDownLatch(1); // the first batch, trained, waits for the test
        TrialRunner runner = new TrialRunner() {
            @Override
            public int batchLimit(String workload) {
                return real.batchLimit(workload);
            }

            @Override
            public List<dev.optbench.train.TrainResult> runBatch(List<Claim> claims) {
                List<dev.optbench.train.TrainResult> results = real.runBatch(claims);
                try {
                    if (claims.size() == 4 && !release.await(300, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the batch");
                    }
                } catch (InterruptedException e) {
                    throw new java.util.concurrent.CancellationException("interrupted");
                }
                return results;
            }

            @Override
            public dev.optbench.train.TrainResult run(Claim claim) {
                return real.run(claim);
            }

            @Override
            public String workloadDefinition(String workload) {
                return real.workloadDefinition(workload);
            }

            @Override
            public double targetError(String workload) {
                return real.targetError(workload);
            }
        };
        // when each trial was claimed and each time its lease was renewed (the worker reports both)
        Map<String, List<Long>> beats = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch renewedEnough = new CountDownLatch(4); // the held batch's four leases renewed 8 times each
        Worker worker = new Worker(own, runner, "batch", "batcher", lease,
                new Worker.Listener() {
                    @Override
                    public void claimed(Claim claim) {
                        claimed.add(claim);
                        beats.computeIfAbsent(claim.label(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                .add(System.nanoTime());
                    }

                    @Override
                    public void renewed(Claim claim) {
                        List<Long> b = beats.get(claim.label());
                        b.add(System.nanoTime());
                        if (b.size() == 9) {
                            renewedEnough.countDown();
                        }
                    }
                });
        Thread t = new Thread(() -> {
            try (own) {
                worker.run();
            }
        });
        try (SqlStudyStore store = StudyStores.open(url)) {
            t.start();
            // two leases' worth of quarter-lease beats while the batch is held: none of its leases may run out
            assertThat(renewedEnough.await(300, TimeUnit.SECONDS)).as("leases renewed: %s", beats).isTrue();
            assertThat(store.leases("batch")).filteredOn(l -> "batcher".equals(l.worker())).hasSize(4)
                    .allSatisfy(l -> assertThat(l.remainingMillis()).as("a held lease ran out").isPositive());
            assertThat(store.expireLeases("batch")).isZero();
            List<Claim> held;
            synchronized (claimed) {
                held = List.copyOf(claimed);
            }
            for (Claim c : held) { // the four held: each renewed before its lease could end
                List<Long> live = beats.get(c.label());
                List<Long> b;
                synchronized (live) { // the worker is still renewing
                    b = List.copyOf(live);
                }
                for (int i = 1; i < b.size(); i++) {
                    assertThat(b.get(i) - b.get(i - 1)).as("%s: a gap between renewals", c.label())
                            .isLessThan(TimeUnit.MILLISECONDS.toNanos(lease));
                }
            }
            release.countDown();
            t.join();
            assertThat(claimed).hasSize(6);
            assertThat(claimed.stream().map(Claim::attempt)).containsOnly(1);
            List<Trial> trials = store.trials("batch", true);
            assertThat(trials).hasSize(6).allSatisfy(x -> {
                assertThat(x.state().countsAsFinished()).isTrue();
                assertThat(x.worker()).isEqualTo("batcher");
                assertThat(x.curve()).isNotEmpty();
            });
            assertThat(trials.stream().map(x -> x.provenance().get("batch_trials"))).containsOnly("4", "2");
        }
    }

    @Test
    void aKilledBatchWorkerProcessLeavesAllItsTrialsToPendingAfterTheLeaseExpires() throws Exception {
        create("batchcrash", List.of("momentum"), 3);
        Process victim = heldWorker("batchcrash", "victim", 3);
        try (SqlStudyStore store = StudyStores.open(url)) {
            List<Claim> held = awaitHeld(victim, "batchcrash", "victim", 3);
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no release
            assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(store.trials("batchcrash", false)).allSatisfy(x -> {
                assertThat(x.state()).isEqualTo(TrialState.RUNNING);
                assertThat(x.worker()).isEqualTo("victim");
            });
            runOut(store, held);
            assertThat(store.expireLeases("batchcrash")).isEqualTo(3);
            assertThat(store.trials("batchcrash", false)).allSatisfy(x -> {
                assertThat(x.state()).isEqualTo(TrialState.PENDING);
                assertThat(x.worker()).isNull();
            });
        } finally {
            victim.destroyForcibly();
        }
    }

    private Process workerProcess(String study, String name, double leaseSeconds, String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("optbench-worker-", ".log");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.optbench.cli.Main", "worker", "--store", url, "--study", study,
                "--name", name, "--lease-seconds", Double.toString(leaseSeconds)));
        command.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPTBENCH_THREADS", "1");
        Process p = pb.start();
        p.onExit().thenRun(() -> log.toFile().deleteOnExit());
        lastLog = log.toFile();
        return p;
    }

    private File lastLog;

    /** A worker process (HeldWorkerMain) whose claimed trials wait until it is killed; 3 s leases. */
    private Process heldWorker(String study, String name, int batch) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                HeldWorkerMain.class.getName(), url, study, name, "3000", Integer.toString(batch))
                .redirectErrorStream(true).start();
    }

    /** Reads the worker's output until it holds {@code n} trials; returns their claims. */
    private static List<Claim> awaitHeld(Process p, String study, String worker, int n) throws Exception {
        List<Claim> held = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        while (held.size() < n) {
            String line = lines.readLine();
            if (line == null) {
                throw new AssertionError("the worker ended holding " + held.size() + " of " + n + " trials: " + output);
            }
            output.append(line).append('\n');
            if (line.startsWith("held ")) {
                String[] f = line.split(" ");
                held.add(new Claim(study, WORKLOAD, f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), worker,
                        Map.of(), 0));
            }
        }
        return held;
    }

    /** The dead worker's leases run out: moved to a minute ago, as time would, without waiting for it. */
    private static void runOut(SqlStudyStore store, List<Claim> held) {
        for (Claim c : held) {
            assertThat(store.renew(c, -60_000)).as("%s still held by its dead worker", c.label()).isTrue();
        }
    }

    private void awaitRunningBy(SqlStudyStore store, String study, String worker, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            Trial t = store.trials(study, false).get(0);
            if (t.state() == TrialState.RUNNING && worker.equals(t.worker())) {
                return; // stopped at any point of the trial, the worker releases it (or had just finished it)
            }
            if (!p.isAlive()) {
                throw new AssertionError("worker process exited early: " + Files.readString(lastLog.toPath()));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("worker never started its trial: " + Files.readString(lastLog.toPath()));
    }
}
