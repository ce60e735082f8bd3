package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.train.Split;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
            store.createStudy(StudySetup.define(name, WORKLOAD, "lr-schedule", optimizers, trials, 3, null, null));
        }
    }

    @Test
    void threeWorkersFinishTwoOptimizersTimesSixTinyTrialsEachExactlyOnce() throws Exception {
        create("tiny", List.of("sgd", "adam"), 6);
        CountingRunner runner = new CountingRunner(new TrainerRunner(null));
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
            assertThat(workers).hasSizeGreaterThanOrEqualTo(2);
            // Trial k of both optimizers shares its seed (same initialization and data order).
            assertThat(trials.get(0).seed()).isEqualTo(trials.get(6).seed());
        }
    }

    @Test
    void aWorkerKilledMidTrialLeavesItToAnotherAfterTheLeaseExpires() throws Exception {
        create("crash", List.of("momentum"), 1);
        Process victim = workerProcess("crash", "victim", 3);
        try (SqlStudyStore store = StudyStores.open(url)) {
            awaitRunningBy(store, "crash", "victim", victim);
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no release
            assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(victim.exitValue()).isEqualTo(137);
            Trial orphan = store.trials("crash", false).get(0);
            assertThat(orphan.state()).isEqualTo(TrialState.RUNNING);
            assertThat(orphan.worker()).isEqualTo("victim");
            assertThat(store.claim("crash", "early", 10_000)).as("lease still held").isEmpty();
            CountingRunner runner = new CountingRunner(new TrainerRunner(null));
            long t0 = System.nanoTime();
            int stored = new Worker(store, runner, "crash", "rescuer", 10_000, new Worker.Listener() {}).run();
            assertThat(stored).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(120));
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

    private Process workerProcess(String study, String name, double leaseSeconds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("optbench-worker-", ".log");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.optbench.cli.Main", "worker", "--store", url, "--study", study,
                "--name", name, "--lease-seconds", Double.toString(leaseSeconds));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPTBENCH_THREADS", "1");
        Process p = pb.start();
        p.onExit().thenRun(() -> log.toFile().deleteOnExit());
        lastLog = log.toFile();
        return p;
    }

    private File lastLog;

    private void awaitRunningBy(SqlStudyStore store, String study, String worker, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            Trial t = store.trials(study, false).get(0);
            if (t.state() == TrialState.RUNNING && worker.equals(t.worker())) {
                Thread.sleep(300); // well inside the trial: data loading and training take over a second
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("worker process exited early: " + Files.readString(lastLog.toPath()));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("worker never started its trial: " + Files.readString(lastLog.toPath()));
    }
}
