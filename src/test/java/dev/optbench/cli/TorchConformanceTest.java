package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.train.InitialState;
import dev.optbench.workload.DatasetKind;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torch engine (python/optbench_torch, run by /usr/bin/python3: Debian's torch in CI) against
 * the Java side (issue 21, item 4): its own unit tests; each update rule and schedule reproduces
 * Java's `optbench trace` path to 1e-6; each twin has the Java network's parameter count. Skipped,
 * with the reason, where /usr/bin/python3 has no torch or the checkout has no python/.
 */
public class TorchConformanceTest {
    static final String PYTHON = "/usr/bin/python3";
    /** The package's source: python/ in the checkout (-Doptbench.python.src moves it). */
    static final Path SOURCE = Path.of(System.getProperty("optbench.python.src", "python")).toAbsolutePath();

    @TempDir Path dir;

    @BeforeAll
    static void needsTorch() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(SOURCE.resolve("optbench_torch")),
                "no " + SOURCE + "/optbench_torch in this checkout");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "no " + PYTHON);
        Assumptions.assumeTrue(python(List.of("-c", "import torch, numpy"), Path.of(".")).code() == 0,
                PYTHON + " has no torch and numpy (Debian: apt-get install python3-torch)");
    }

    record Ran(int code, String out) {}

    /** Runs /usr/bin/python3 ARGS in {@code cwd} with the package on PYTHONPATH; stdout and stderr together. */
    static Ran python(List<String> args, Path cwd) throws Exception {
        return python(args, cwd, Map.of());
    }

    /** With {@code env} added to the environment. */
    static Ran python(List<String> args, Path cwd, Map<String, String> env) throws Exception {
        List<String> argv = new ArrayList<>(List.of(PYTHON));
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", SOURCE.toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Ran(-1, out + " (timed out)");
        }
        return new Ran(p.exitValue(), out);
    }

    private Path resource(String name) throws Exception {
        Path f = dir.resolve(name);
        try (var in = TorchConformanceTest.class.getResourceAsStream("/torch/" + name)) {
            Files.copy(in, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return f;
    }

    @Test
    void theEnginesOwnUnitTestsPass() throws Exception {
        Ran r = python(List.of("-m", "unittest", "discover", "-s", SOURCE.resolve("tests").toString()), SOURCE);
        assertThat(r.code()).as(r.out()).isZero();
    }

    @Test
    void eachRuleAndScheduleReproducesJavasTraceToOneInAMillion() throws Exception {
        Path check = resource("trace_check.py");
        List<Map<String, Object>> cases = new ArrayList<>();
        Map<String, String> rules = new LinkedHashMap<>();
        rules.put("sgd", "learning_rate=0.001");
        rules.put("momentum", "learning_rate=0.001,momentum=0.8");
        rules.put("nesterov", "learning_rate=0.001,momentum=0.9");
        rules.put("rmsprop", "learning_rate=0.01,rho=0.8,momentum=0.5,epsilon=1e-6");
        rules.put("adam", "learning_rate=0.05,beta1=0.8,beta2=0.99,epsilon=1e-8");
        rules.put("nadam", "learning_rate=0.05,beta1=0.9,beta2=0.999,epsilon=1e-7");
        Map<String, String> schedules = Map.of("constant", "", "linear_decay", ",decay_steps_factor=0.8,decay_factor=0.1",
                "warmup_cosine", ",warmup_factor=0.1", "warmup_linear_decay", ",warmup_factor=0.1,decay_steps_factor=0.9,end_factor=0.05");
        List<String> schedule = List.of("constant", "linear_decay", "warmup_cosine", "warmup_linear_decay");
        int i = 0;
        for (Map.Entry<String, String> c : rules.entrySet()) {
            for (String function : List.of("rosenbrock", "quadratic")) {
                String kind = schedule.get(i++ % schedule.size()); // every schedule meets several rules
                String hparams = c.getValue() + schedules.get(kind);
                StudyCliTest.Result t = StudyCliTest.run("trace", "--optimizer", c.getKey(), "--hparams", hparams,
                        "--function", function, "--steps", "60", "--schedule", kind);
                assertThat(t.code()).as(t.err()).isZero();
                Path csv = dir.resolve(c.getKey() + "-" + function + ".csv");
                Files.writeString(csv, t.out());
                Map<String, Double> h = new LinkedHashMap<>();
                for (String kv : hparams.split(",")) {
                    h.put(kv.split("=")[0], Double.parseDouble(kv.split("=")[1]));
                }
                cases.add(Map.of("csv", csv.toString(), "optimizer", c.getKey(), "hparams", h, "function", function));
            }
        }
        Path file = dir.resolve("cases.json");
        new ObjectMapper().writeValue(file.toFile(), cases);
        Ran r = python(List.of(check.toString(), file.toString()), dir);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out().lines().filter(l -> l.equals("ok 60"))).hasSize(12);

        // the check can fail: Java's path moved by 1e-5 at step 10 is caught there
        Path first = Path.of((String) cases.get(0).get("csv"));
        List<String> rows = new ArrayList<>(Files.readAllLines(first));
        String[] row = rows.get(11).split(",");
        row[1] = Double.toString(Double.parseDouble(row[1]) + 1e-5);
        rows.set(11, String.join(",", row));
        Files.write(first, rows);
        new ObjectMapper().writeValue(file.toFile(), List.of(cases.get(0)));
        Ran moved = python(List.of(check.toString(), file.toString()), dir);
        assertThat(moved.code()).isEqualTo(1);
        assertThat(moved.out()).contains("step 10:");
    }

    /** One example's shape as the data set gives it (text: the sequence). */
    static long[] featureShape(Workload w) {
        return switch (w.dataset()) {
            case FASHION_MNIST -> new long[] {1, 28, 28};
            case CIFAR10, CIFAR100 -> new long[] {3, 32, 32};
            case IMAGENET -> new long[] {3, w.data().imageSize(), w.data().imageSize()};
            case TEXT -> new long[] {w.data().sequenceLength()};
        };
    }

    @Test
    void eachTwinHasTheJavaNetworksParameterCount() throws Exception {
        int vocab = 77; // text: the corpus's characters; any vocabulary serves both sides
        StringBuilder script = new StringBuilder("import json\nfrom optbench_torch import models\nout = {}\n");
        Map<String, Long> java = new LinkedHashMap<>();
        for (Workload w : Workloads.all()) {
            int classes = w.dataset() == DatasetKind.TEXT ? vocab : w.dataset().classes();
            java.put(w.name(), InitialState.parameterCount(w, classes, featureShape(w)));
            script.append("out['").append(w.name()).append("'] = models.count_parameters('").append(w.architecture().name())
                    .append("', ").append(w.tiny() ? "True" : "False").append(", ").append(classes).append(", ")
                    .append(w.dataset() == DatasetKind.TEXT ? vocab : "None").append(")\n");
        }
        script.append("print(json.dumps(out))\n");
        Ran r = python(List.of("-c", script.toString()), dir);
        assertThat(r.code()).as(r.out()).isZero();
        String[] lines = r.out().strip().split("\n");
        JsonNode counts = new ObjectMapper().readTree(lines[lines.length - 1]);
        Map<String, Long> torch = new LinkedHashMap<>();
        counts.fields().forEachRemaining(e -> torch.put(e.getKey(), e.getValue().asLong()));
        assertThat(torch).isEqualTo(java);
    }

    @Test
    void aTorchStudyRunsEndToEndThroughTheCliOnTheRealEngine() throws Exception {
        String store = "sqlite:" + dir.resolve("e2e.db");
        Path space = dir.resolve("space.json");
        Files.writeString(space, "{\"sgd\": {\"learning_rate\": {\"feasible_points\": [0.1]}},"
                + " \"adam\": {\"learning_rate\": {\"feasible_points\": [0.001]}}}");
        StudyCliTest.Result created = StudyCliTest.run("study", "create", "e2e", "--workload", "fmnist_mlp-tiny", "--protocol",
                "lr-only", "--optimizers", "sgd,adam", "--trials", "1", "--engine", "torch", "--space", space.toString(),
                "--store", store);
        assertThat(created.code()).as(created.err()).isZero();
        StudyCliTest.Result ran = StudyCliTest.run("study", "run", "e2e", "--python", PYTHON, "--batch-trials", "2",
                "--store", store);
        assertThat(ran.code()).as(ran.err()).isZero();
        StudyCliTest.Result json = StudyCliTest.run("study", "export", "e2e", "--format", "json", "--store", store);
        JsonNode trials = new ObjectMapper().readTree(json.out());
        JsonNode list = trials.isArray() ? trials : trials.get("trials");
        assertThat(list).hasSize(2);
        for (JsonNode t : list) {
            assertThat(t.get("validation_error").asDouble()).isLessThan(0.5); // it learned
            assertThat(t.toString()).contains("\"completed\"").contains("\"engine\":\"torch\"")
                    .contains("\"batch_trials\":\"2\"").contains("\"torch\":\"1.");
        }
    }
}
