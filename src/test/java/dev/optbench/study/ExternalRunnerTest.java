package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ExternalRunnerTest {
    @TempDir Path dir;

    private static Claim claim() {
        return new Claim("s", ExternalCommand.WORKLOAD, "mine", 2, 1, "w", Map.of("learning_rate", 0.1), 42);
    }

    @Test
    void outputLinesBecomeMeasurementsAndBadOnesAreNamed() {
        ExternalOutput out = new ExternalOutput();
        assertThat(out.accept("{\"step\": 10, \"train_loss\": 0.5}")).isTrue();
        assertThat(out.accept("")).isTrue();
        assertThat(out.accept("{\"step\": 20, \"validation_error\": 0.25, \"test_error\": 0.5}")).isTrue();
        assertThat(out.stepsRun()).isEqualTo(20);
        assertThat(out.measurements()).extracting(m -> m.split()).containsExactly(Split.TRAIN, Split.VALIDATION, Split.TEST);
        assertThat(out.measurements().get(1).loss()).isNaN();
        for (String bad : List.of("{\"train_loss\": 1}", "{\"step\": 1.5}", "{\"step\": 1, \"val_error\": 1}",
                "{\"step\": 1, \"train_loss\": \"low\"}", "[1, 2]", "{\"status\": \"done\"}", "step 1")) {
            ExternalOutput o = new ExternalOutput();
            assertThat(o.accept(bad)).as(bad).isFalse();
            assertThat(o.malformed()).as(bad).startsWith("line 1 of its output ");
            assertThat(o.diverged()).isFalse();
        }
        for (String diverged : List.of("{\"step\": 3, \"train_loss\": Infinity}", "{\"step\": 3, \"validation_loss\": NaN}",
                "{\"status\": \"diverged\"}")) {
            ExternalOutput o = new ExternalOutput();
            assertThat(o.accept(diverged)).as(diverged).isFalse();
            assertThat(o.diverged()).as(diverged).isTrue();
            assertThat(o.malformed()).isNull();
        }
    }

    @Test
    void measurementLinesReachTheLiveCurveOneEvaluationStepAtATime() {
        Claim claim = new Claim("s", ExternalCommand.WORKLOAD, "sgd", 0, 1, "w", Map.of(), 1);
        List<List<String>> batches = new java.util.ArrayList<>();
        TrialProgress progress = (c, evaluations) -> batches.add(evaluations.stream()
                .map(m -> m.split().id() + "@" + m.step()).toList());
        ExternalOutput out = new ExternalOutput(progress.listener(claim));
        for (String line : List.of("{\"step\": 1, \"train_loss\": 0.9}", "{\"step\": 2, \"train_loss\": 0.8}",
                "{\"step\": 2, \"validation_error\": 0.5}", "{\"step\": 3, \"train_loss\": 0.7}",
                "{\"step\": 4, \"train_loss\": 0.6, \"validation_error\": 0.4, \"test_error\": 0.45}",
                "{\"step\": 5, \"train_loss\": 0.5}")) {
            assertThat(out.accept(line)).isTrue();
        }
        // training-loss-only steps wait for the next evaluation: one write per evaluation step, not per step
        assertThat(batches).containsExactly(List.of("train@1", "train@2", "validation@2"),
                List.of("train@3", "train@4", "validation@4", "test@4"));
        assertThat(out.measurements()).hasSize(8); // the result keeps the whole curve, step 5 too
    }

    @Test
    void aCancelledTrialKillsItsWholeProcessTree() throws Exception {
        Path started = fifo("started");
        Path hold = fifo("hold"); // never written: the grandchild waits on it until killed
        Path script = dir.resolve("tree.sh");
        // The trial's shell starts a grandchild in the background, says both pids, then waits: both must go.
        Files.writeString(script, "cat " + hold + " & echo \"$$ $!\" > " + started + "\nwait\n");
        ExternalRunner runner = new ExternalRunner(new ExternalCommand("/bin/sh " + script, 10, 0));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<TrainResult> f = thread.submit(() -> runner.run(claim()));
            String[] pids = Files.readString(started).strip().split(" "); // blocks until the script has written them
            long child = Long.parseLong(pids[0]);
            long grandchild = Long.parseLong(pids[1]);
            assertThat(alive(child)).isTrue();
            f.cancel(true); // what the worker does on Ctrl-C or a lost lease
            thread.submit(() -> { }).get(30, TimeUnit.SECONDS); // the trial thread has returned
            assertThat(gone(child)).isTrue();
            assertThat(gone(grandchild)).isTrue();
        } finally {
            thread.shutdownNow();
        }
    }

    private Path fifo(String name) throws Exception {
        return fifo(dir, name);
    }

    /** A named pipe in {@code dir}: reading it waits until a script has written it and closed it. */
    public static Path fifo(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        assertThat(new ProcessBuilder("mkfifo", p.toString()).start().waitFor()).isZero();
        return p;
    }

    @Test
    void theRunnerThrowsCancellationWhenItsThreadIsInterrupted() throws Exception {
        ExternalRunner runner = new ExternalRunner(new ExternalCommand("cat " + fifo("hold"), 10, 0));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<TrainResult> f = thread.submit(() -> {
                Thread.currentThread().interrupt();
                return runner.run(claim());
            });
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(CancellationException.class);
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void aCompletedTrialReportsItsCurve() {
        ExternalRunner runner = new ExternalRunner(new ExternalCommand(
                "echo '{\"step\": 4, \"validation_error\": 0.5}'; echo \"$OPTBENCH_TRIAL $OPTBENCH_SEED\" >&2", 4, 0));
        TrainResult r = runner.run(claim());
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(r.stepsRun()).isEqualTo(4);
        assertThat(r.finalError(Split.VALIDATION)).isEqualTo(0.5);
        ExternalRunner failing = new ExternalRunner(new ExternalCommand("echo \"$OPTBENCH_TRIAL $OPTBENCH_SEED\" >&2; exit 7", 4, 0));
        assertThatThrownBy(() -> failing.run(claim())).isInstanceOf(ExternalTrialException.class)
                .hasMessage("exit status 7; last stderr: s/mine#2 42");
    }

    @Test
    void aTrialThatExitsZeroWithoutAValidationErrorFails() {
        for (String command : List.of("true", "echo '{\"step\": 3, \"train_loss\": 0.5, \"validation_loss\": 0.4}'",
                "echo '{\"step\": 3, \"validation_error\": NaN}'")) {
            ExternalRunner runner = new ExternalRunner(new ExternalCommand(command, 3, 0));
            assertThatThrownBy(() -> runner.run(claim())).as(command).isInstanceOf(ExternalTrialException.class)
                    .hasMessageStartingWith("reported no validation_error (exit status 0;");
        }
    }

    @Test
    void theTrialsEnvironmentIsBuiltFromNothing() {
        Map<String, String> parent = Map.of("OPTBENCH_STORE", "postgresql://db/x?user=u&password=p", "PGPASSWORD", "p",
                "PATH", "/usr/bin", "HOME", "/home/u", "LANG", "C.UTF-8", "LC_NUMERIC", "de_DE.UTF-8", "CUDA_VISIBLE_DEVICES",
                "1", "OPTBENCH_SEED", "99");
        Map<String, String> env = ExternalRunner.environment(parent, java.util.Set.of("CUDA_VISIBLE_DEVICES", "UNSET"), claim(),
                new ExternalCommand("x", 7, 0));
        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/usr/bin", "HOME", "/home/u", "LANG", "C.UTF-8",
                "LC_NUMERIC", "de_DE.UTF-8", "CUDA_VISIBLE_DEVICES", "1", "OPTBENCH_HPARAMS", "{\"learning_rate\":0.1}",
                "OPTBENCH_SEED", "42", "OPTBENCH_STEPS", "7", "OPTBENCH_TRIAL", "s/mine#2", "OPTBENCH_OPTIMIZER", "mine"));
    }

    @Test
    void aStoreOfTheFirstSchemaOpensAndItsStudiesAreBuiltIn() throws Exception {
        Path db = dir.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            for (String ddl : Schema.MIGRATIONS.get(0)) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO schema_version (version) VALUES (1)");
            s.execute("INSERT INTO studies (name, workload, protocol, optimizers, trials_per_optimizer, seed, sampler, spaces,"
                    + " created_ms) VALUES ('old', 'fmnist_mlp-tiny', 'lr-only', '[\"sgd\"]', 1, 0, 'halton', '{}', 0)");
        }
        try (SqlStudyStore store = StudyStores.open("sqlite:" + db)) {
            StudyDefinition old = store.study("old");
            assertThat(old.isExternal()).isFalse();
            assertThat(old.optimizers()).containsExactly("sgd");
            ExternalCommand cmd = new ExternalCommand("python3 t.py --fast", 50, 2.5);
            store.createStudy(new StudyDefinition("ext", ExternalCommand.WORKLOAD, "custom", List.of("mine"), 1, 0, "halton",
                    Map.of("mine", "{\"learning_rate\": {\"feasible_points\": [0.1]}}"), java.time.Instant.EPOCH, cmd));
        }
        try (SqlStudyStore store = StudyStores.open("sqlite:" + db)) {
            assertThat(store.study("ext").external()).isEqualTo(new ExternalCommand("python3 t.py --fast", 50, 2.5));
            assertThat(store.trials("ext", false)).hasSize(1);
        }
    }

    /** Whether the process has ended or ends (a killed process may take a moment to be reaped; 60 s is a safety net). */
    public static boolean gone(long pid) throws Exception {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return true;
        }
        try {
            h.get().onExit().get(60, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
