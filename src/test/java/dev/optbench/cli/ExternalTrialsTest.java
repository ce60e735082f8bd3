package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyStores;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External trials (SPEC section 10): a command per trial, its environment, its output lines and exits. */
@org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES) // a safety net: nothing here waits on time
class ExternalTrialsTest {
    @TempDir Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private String store() {
        return "sqlite:" + dir.resolve("ext.db");
    }

    private Map<String, JsonNode> rowsByOptimizer(String study) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode row : JSON.readTree(CliRun.of("study", "export", study, "--format", "json", "--store", store()).out())) {
            out.put(row.get("optimizer").asText() + "#" + row.get("trial").asInt(), row);
        }
        return out;
    }

    @Test
    void theExamplePyTorchScriptRunsTwoLabelsTimesThreeTrialsAndAnalyses() throws Exception {
        Assumptions.assumeTrue(pythonHasTorch(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch):"
                + " the external PyTorch example is skipped");
        Path example = Path.of("examples/external-pytorch").toAbsolutePath();
        CliRun created = CliRun.of("study", "create", "torch", "--command", "/usr/bin/python3 " + example.resolve("train.py"),
                "--steps", "60", "--space", example.resolve("space.json").toString(), "--optimizers", "sgd,adam",
                "--trials", "3", "--store", store());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("created study torch: 2 optimizers × 3 trials");
        CliRun ran = CliRun.of("study", "run", "torch", "--workers", "2", "--store", store());
        assertThat(ran.exitCode()).as(ran.err()).isZero();
        Map<String, JsonNode> rows = rowsByOptimizer("torch");
        assertThat(rows).hasSize(6);
        rows.values().forEach(r -> {
            assertThat(r.get("state").asText()).as(r.toString()).isIn("completed", "diverged");
            assertThat(r.get("provenance").get("workload").asText()).contains("external command: /usr/bin/python3")
                    .contains("OPTBENCH_STEPS 60");
        });
        assertThat(rows.values().stream().filter(r -> r.get("state").asText().equals("completed"))).isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.get("steps").asLong()).isEqualTo(60);
                    assertThat(r.get("validation_error").asDouble()).isBetween(0.0, 1.0);
                });
        CliRun analysed = CliRun.of("analyze", "torch", "--json", "--bootstrap", "200", "--store", store());
        assertThat(analysed.exitCode()).as(analysed.err()).isZero();
        JsonNode a = JSON.readTree(analysed.out());
        assertThat(a.toString()).contains("\"sgd\"").contains("\"adam\"");
        CliRun text = CliRun.of("analyze", "torch", "--store", store());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("workload external");
        CliRun report = CliRun.of("report", "torch", "--out", dir.resolve("report").toString(), "--store", store());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(Files.readString(dir.resolve("report/report.html"))).contains("torch").contains("external");
    }

    @Test
    void exitThreeGarbageATimeOutAndNaNEndAsFailedFailedFailedAndDiverged() throws Exception {
        dev.optbench.study.ExternalRunnerTest.fifo(dir, "hold");
        Path script = dir.resolve("trial.sh");
        Files.writeString(script, """
                case "$OPTBENCH_OPTIMIZER" in
                  exit3) echo '{"step": 1, "train_loss": 0.5}'; echo "first complaint" >&2; echo "something broke" >&2; exit 3;;
                  garbage) echo 'hello, world';;
                  hang) echo $$ > "$DIR/pid.hang"; echo '{"step": 1, "train_loss": 0.5}'; exec cat "$DIR/hold";;
                  nan) echo $$ > "$DIR/pid.nan"; echo '{"step": 1, "train_loss": 0.5}'; echo '{"step": 2, "train_loss": NaN}'; exec cat "$DIR/hold";;
                  status) echo '{"step": 3, "train_loss": 0.5}'; echo '{"status": "diverged"}';;
                  env) printf '%s\\n%s\\n%s\\n%s\\n' "$OPTBENCH_HPARAMS" "$OPTBENCH_SEED" "$OPTBENCH_STEPS" "$OPTBENCH_TRIAL" > "$DIR/env"
                       echo '{"step": 10, "train_loss": 0.7, "validation_loss": 0.6}'
                       echo '{"step": 20, "train_loss": 0.4, "validation_error": 0.25, "validation_loss": 0.5, "test_error": 0.3}';;
                esac
                """.replace("$DIR", dir.toString()));
        Path space = dir.resolve("space.json");
        Files.writeString(space, "{\"x\": {\"min\": 0.5, \"max\": 0.5, \"scaling\": \"linear\"}, \"learning_rate\": {\"feasible_points\": [0.1]}}");
        CliRun created = CliRun.of("study", "create", "fail", "--command", "/bin/sh " + script, "--steps", "20",
                "--trial-timeout", "3", "--space", space.toString(), "--optimizers", "exit3,garbage,hang,nan,status,env",
                "--trials", "1", "--store", store());
        assertThat(created.exitCode()).as(created.err()).isZero();
        // "hang" and "nan" wait on a pipe no one writes: the run ends only because optbench kills them
        CliRun ran = CliRun.of("study", "run", "fail", "--workers", "3", "--store", store());
        assertThat(ran.exitCode()).as(ran.err()).isEqualTo(1); // failed trials
        Map<String, JsonNode> rows = rowsByOptimizer("fail");
        assertThat(rows.get("exit3#0").get("state").asText()).isEqualTo("failed");
        assertThat(rows.get("exit3#0").get("message").asText()).contains("exit status 3")
                .contains("last stderr: first complaint | something broke");
        assertThat(rows.get("garbage#0").get("state").asText()).isEqualTo("failed");
        assertThat(rows.get("garbage#0").get("message").asText()).contains("line 1 of its output is not a JSON object");
        assertThat(rows.get("hang#0").get("state").asText()).isEqualTo("failed");
        assertThat(rows.get("hang#0").get("message").asText()).contains("timed out after 3 s (--trial-timeout)");
        assertThat(rows.get("nan#0").get("state").asText()).isEqualTo("diverged");
        assertThat(rows.get("nan#0").get("validation_error").asDouble()).isEqualTo(1.0);
        assertThat(rows.get("status#0").get("state").asText()).isEqualTo("diverged");
        assertThat(rows.get("env#0").get("state").asText()).isEqualTo("completed");
        assertThat(rows.get("env#0").get("validation_error").asDouble()).isEqualTo(0.25);
        assertThat(rows.get("env#0").get("test_error").asDouble()).isEqualTo(0.3);
        assertThat(rows.get("env#0").get("steps").asLong()).isEqualTo(20);
        // The environment of SPEC section 10, exactly.
        List<String> env = Files.readAllLines(dir.resolve("env"));
        assertThat(JSON.readTree(env.get(0))).isEqualTo(JSON.readTree("{\"learning_rate\": 0.1, \"x\": 0.5}"));
        assertThat(Long.parseLong(env.get(1))).isEqualTo(rows.get("env#0").get("seed").asLong());
        assertThat(env.get(2)).isEqualTo("20");
        assertThat(env.get(3)).isEqualTo("fail/env#0");
        // The curve as stored: train, validation and test measurements at their steps.
        try (SqlStudyStore s = StudyStores.open(store())) {
            Trial t = s.trials("fail", true).stream().filter(x -> x.optimizer().equals("env")).findFirst().orElseThrow();
            assertThat(t.curve()).hasSize(5);
            assertThat(t.curve().get(1).loss()).isEqualTo(0.6);
            assertThat(t.curve().get(1).error()).isNaN();
        }
        // The time-out and the divergence killed their scripts.
        for (String which : List.of("hang", "nan")) {
            long pid = Long.parseLong(Files.readString(dir.resolve("pid." + which)).strip());
            assertThat(dev.optbench.study.ExternalRunnerTest.gone(pid)).as(which).isTrue();
        }
        // And the study analyses like any other.
        CliRun analysed = CliRun.of("analyze", "fail", "--json", "--bootstrap", "100", "--store", store());
        assertThat(analysed.exitCode()).as(analysed.err()).isZero();
    }

    @Test
    void aSigkilledWorkersTrialRunsAgainElsewhereAndItsChildDiesWithIt() throws Exception {
        Path script = dir.resolve("once.sh");
        Path started = dev.optbench.study.ExternalRunnerTest.fifo(dir, "started");
        dev.optbench.study.ExternalRunnerTest.fifo(dir, "hold"); // never written: the first try waits on it until killed
        Files.writeString(script, """
                if [ ! -e "$DIR/first" ]; then
                  : > "$DIR/first"; echo $$ > "$DIR/started"; exec cat "$DIR/hold"
                fi
                echo '{"step": 5, "validation_error": 0.25, "test_error": 0.5}'
                """.replace("$DIR", dir.toString()));
        Path space = dir.resolve("space.json");
        Files.writeString(space, "{\"learning_rate\": {\"feasible_points\": [0.1]}}");
        assertThat(CliRun.of("study", "create", "kill", "--command", "/bin/sh " + script, "--space", space.toString(),
                "--optimizers", "mine", "--trials", "1", "--store", store()).exitCode()).isZero();
        Process victim = workerProcess("kill", "victim");
        long child;
        try {
            child = Long.parseLong(Files.readString(started).strip()); // blocks until the trial's script has started
            assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isTrue();
            victim.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            victim.destroyForcibly();
        }
        assertThat(dev.optbench.study.ExternalRunnerTest.gone(child))
                .as("the external trial's process outlived its SIGKILLed worker").isTrue();
        // Its lease expires and another worker runs the trial again.
        CliRun rerun = CliRun.of("study", "run", "kill", "--lease-seconds", "1", "--store", store());
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        try (SqlStudyStore s = StudyStores.open(store())) {
            Trial t = s.trials("kill", false).get(0);
            assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(t.worker()).isNotEqualTo("victim");
            assertThat(t.validationError()).isEqualTo(0.25, within(0.0));
        }
    }

    private Process workerProcess(String study, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.optbench.cli.Main", "worker", "--store", store(), "--study", study,
                "--name", name, "--lease-seconds", "1");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile());
        return pb.start();
    }

    static boolean pythonHasTorch() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
