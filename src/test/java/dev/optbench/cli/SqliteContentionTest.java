package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.Claim;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StoreRetry;
import dev.optbench.study.StudyStores;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialRunner;
import dev.optbench.study.Worker;
import dev.optbench.train.Measurement;
import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One SQLite file under contention: 4 workers storing short trials (each with a curve of 60
 * measurements), while a separate process follows it with 'study status --watch' and 'analyze'
 * runs over and over. No "database is locked" (or busy) may reach anyone.
 */
class SqliteContentionTest {
    @TempDir Path dir;

    /**
     * A decaying curve from the trial's learning rate, three splits every step. Each trial ends only
     * on a permit of {@code gate}, so the test decides how far the workers get.
     */
    static final class ShortRunner implements TrialRunner {
        final AtomicInteger runs = new AtomicInteger();
        final Semaphore gate = new Semaphore(0);

        @Override
        public TrainResult run(Claim claim) {
            double lr = claim.hparams().get("learning_rate");
            List<Measurement> curve = new ArrayList<>();
            for (int step = 1; step <= 20; step++) {
                double e = Math.exp(-step * Math.min(lr, 1.0)) * 0.9 + 0.05;
                curve.add(new Measurement(step, Split.TRAIN_EVAL, e, e));
                curve.add(new Measurement(step, Split.VALIDATION, e, e));
                curve.add(new Measurement(step, Split.TEST, e, e * 1.05));
            }
            try {
                gate.acquire();
            } catch (InterruptedException ex) {
                throw new java.util.concurrent.CancellationException("interrupted");
            }
            runs.incrementAndGet();
            return new TrainResult(RunStatus.COMPLETED, 20, curve, 0.12, 160);
        }

        @Override
        public String workloadDefinition(String workload) {
            return "short synthetic curve for " + workload;
        }

        @Override
        public double targetError(String workload) {
            return 0.25;
        }
    }

    @Test
    void fourWorkersAWatchAndAnalysesShareOneFileWithoutLockErrors() throws Exception {
        String store = "sqlite:" + dir.resolve("busy.db");
        int perOptimizer = 150;
        CliRun created = CliRun.of("study", "create", "c", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only",
                "--optimizers", "sgd,adam", "--trials", Integer.toString(perOptimizer), "--store", store);
        assertThat(created.exitCode()).as(created.err()).isZero();

        Process watch = cli(dir.resolve("watch.log"), "study", "status", "c", "--watch", "--store", store);
        ShortRunner runner = new ShortRunner();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        List<String> reports = Collections.synchronizedList(new ArrayList<>());
        StoreRetry retry = new StoreRetry(300_000, reports::add);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SqlStudyStore own = StudyStores.open(store).retrying(retry);
            // a lease far longer than a held trial waits for its permit: this test is about lock contention,
            // and a lease lost to a starved renewal would rerun a trial and leave the last one without a permit
            Worker w = new Worker(own, runner, "c", "w" + i, 600_000, new Worker.Listener() {
                @Override
                public void failed(Claim c, String message) {
                    errors.add(new AssertionError(c.label() + " failed: " + message));
                }
            });
            Thread t = new Thread(() -> {
                try (own) {
                    w.run();
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            workers.add(t);
            t.start();
        }
        // Six analyses, each while the workers store the next 40 trials: they cannot finish before the last.
        List<String> analyses = new ArrayList<>();
        int overlapping = 0; // analyses that ran while the workers were writing
        for (int a = 0; a < 6; a++) {
            runner.gate.release(40);
            CliRun r = CliRun.of("analyze", "c", "--store", store); // in this process: the workers print nothing
            analyses.add("exit " + r.exitCode() + ": " + r.err() + r.out());
            overlapping += workers.stream().anyMatch(Thread::isAlive) ? 1 : 0;
        }
        runner.gate.release(1_000_000); // the rest, and more: a trial run twice shows in the count below, not as a hang
        for (Thread t : workers) {
            t.join(300_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(watch.waitFor(60, TimeUnit.SECONDS)).as("the watch ends when the study does").isTrue();
        String watched = Files.readString(dir.resolve("watch.log"));

        assertThat(errors).isEmpty();
        assertThat(reports).isEmpty(); // contention is not an outage
        assertThat(runner.runs.get()).isEqualTo(2 * perOptimizer);
        assertThat(overlapping).as("analyses during the run").isEqualTo(6);
        for (String s : analyses) {
            assertThat(s).doesNotContainIgnoringCase("locked").doesNotContainIgnoringCase("busy");
            assertThat(s).startsWith("exit 0:");
        }
        assertThat(watch.exitValue()).as(watched).isZero();
        assertThat(watched).doesNotContainIgnoringCase("locked").doesNotContainIgnoringCase("busy").contains("sgd");
        try (SqlStudyStore s = StudyStores.open(store)) {
            List<Trial> trials = s.trials("c", true);
            assertThat(trials).hasSize(2 * perOptimizer).allSatisfy(t -> assertThat(t.curve()).hasSize(60));
        }
    }

    private static Process cli(Path log, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.optbench.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
