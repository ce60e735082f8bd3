package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optbench.train.Split;
import dev.optbench.workload.Datasets;
import dev.optbench.workload.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java side of the torch engine's protocol, against a fake engine (src/test/resources/torch/
 * fake_engine.py, stdlib Python) that speaks it: K trials in one process, tagged lines, one trial
 * failing alone, one diverging, provenance stored, a crash returning trials to pending, the job
 * file's contents, and the refusal of an optimizer class the operator did not allow.
 */
public class TorchRunnerTest {
    @TempDir Path dir;

    /** The fake engine as a --python program: a wrapper that runs fake_engine.py with {@code dir}. */
    private Path fakePython() throws Exception {
        Path fake = dir.resolve("fake_engine.py");
        try (var in = TorchRunnerTest.class.getResourceAsStream("/torch/fake_engine.py")) {
            Files.copy(in, fake, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path wrapper = dir.resolve("python");
        Files.writeString(wrapper, "#!/bin/sh\nexec python3 '" + fake + "' '" + dir + "' \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        return wrapper;
    }

    private Worker worker(SqlStudyStore store, CommandPolicy policy, List<String> notices, int k) throws Exception {
        ClaimGate gate = new ClaimGate(store, policy, dev.optbench.optim.OptimizerRegistry.BUILT_IN, new Notices(notices::add));
        EngineRunner runner = new EngineRunner(gate, new TrainerRunner(null),
                new TorchRunner(fakePython().toString(), Set.of(), null, k));
        return new Worker(store, gate, runner, null, "w1", 30_000, new Worker.Listener() {});
    }

    private static StudyDefinition torchStudy(String name, List<String> optimizers) {
        return StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, name, "fmnist_mlp-tiny", "lr-only", optimizers, 1, 7, null, null, 1, null,
                new TorchEngine("cpu", Map.of()));
    }

    private List<String> runs() throws Exception {
        Path runs = dir.resolve("runs");
        return Files.exists(runs) ? Files.readAllLines(runs) : List.of();
    }

    @Test
    void kTrialsRunInOneProcessEachEndingOnItsOwnWithProvenanceStored() throws Exception {
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            store.createStudy(torchStudy("t", List.of("sgd", "momentum", "adam")));
            int stored = worker(store, CommandPolicy.NONE, new ArrayList<>(), 3).run();
            assertThat(stored).isEqualTo(2); // sgd completed, adam diverged; momentum failed alone
            assertThat(runs()).hasSize(1); // three trials, one process

            Map<String, Trial> t = store.trials("t", true).stream().collect(Collectors.toMap(Trial::optimizer, Function.identity()));
            assertThat(t.get("sgd").state()).isEqualTo(TrialState.COMPLETED);
            assertThat(t.get("sgd").validationError()).isEqualTo(0.25);
            assertThat(t.get("sgd").testError()).isEqualTo(0.375);
            long budget = Workloads.get("fmnist_mlp-tiny").stepBudget();
            assertThat(t.get("sgd").steps()).isEqualTo(budget);
            assertThat(t.get("sgd").curve()).extracting(m -> m.split() + "@" + m.step() + ":" + m.loss() + "/" + m.error())
                    .containsExactly("TRAIN@1:2.0/NaN", "TRAIN@" + budget + ":0.5/NaN", "TRAIN_EVAL@" + budget + ":0.45/0.125",
                            "VALIDATION@" + budget + ":0.55/0.25", "TEST@" + budget + ":0.6/0.375");
            assertThat(t.get("momentum").state()).isEqualTo(TrialState.FAILED);
            assertThat(t.get("momentum").message()).contains("boom in momentum");
            assertThat(t.get("adam").state()).isEqualTo(TrialState.DIVERGED);
            assertThat(t.get("adam").validationError()).isEqualTo(1.0);
            for (Trial x : List.of(t.get("sgd"), t.get("adam"), t.get("momentum"))) {
                assertThat(x.provenance()).containsEntry("engine", "torch").containsEntry("torch", "fake-1.0")
                        .containsEntry("layout", "eager K=3").containsEntry("batch_trials", "3");
                assertThat(x.provenance().get("workload")).contains("torch engine on cpu");
            }
        }
    }

    @Test
    void theJobFileHoldsTheClaimedTrialsWorkloadAndDataPathAndTheEnvironmentOnlyTheBase() throws Exception {
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            StudyDefinition def = torchStudy("j", List.of("sgd", "adam"));
            store.createStudy(def);
            worker(store, CommandPolicy.NONE, new ArrayList<>(), 2).run();
            JsonNode copy = Json.MAPPER.readTree(dir.resolve("job-1.json").toFile());
            JsonNode job = copy.get("job");
            assertThat(job.get("protocol").asInt()).isEqualTo(1);
            assertThat(job.get("device").asText()).isEqualTo("cpu");
            assertThat(job.get("init").isNull()).isTrue();
            JsonNode w = job.get("workload");
            assertThat(w.get("name").asText()).isEqualTo("fmnist_mlp-tiny");
            assertThat(w.get("architecture").asText()).isEqualTo("MLP");
            assertThat(w.get("tiny").asBoolean()).isTrue();
            assertThat(w.get("classes").asInt()).isEqualTo(10);
            assertThat(w.get("steps").asLong()).isEqualTo(Workloads.get("fmnist_mlp-tiny").stepBudget());
            assertThat(w.get("data").get("kind").asText()).isEqualTo("FASHION_MNIST");
            assertThat(w.get("data").get("path").asText())
                    .isEqualTo(Datasets.dataPath(Workloads.get("fmnist_mlp-tiny").data(), null).toString());
            Map<String, Trial> stored = store.trials("j", false).stream()
                    .collect(Collectors.toMap(x -> "j/" + x.optimizer() + "#" + x.index(), Function.identity()));
            assertThat(job.get("trials")).hasSize(2);
            for (JsonNode jt : job.get("trials")) {
                Trial s = stored.get(jt.get("id").asText());
                assertThat(s).as(jt.toString()).isNotNull();
                assertThat(jt.get("optimizer").asText()).isEqualTo(s.optimizer());
                assertThat(jt.get("seed").asLong()).isEqualTo(s.seed());
                assertThat(jt.get("optimizer_class").isNull()).isTrue();
                Map<String, Double> h = new TreeMap<>();
                jt.get("hparams").fields().forEachRemaining(e -> h.put(e.getKey(), e.getValue().asDouble()));
                assertThat(h).isEqualTo(new TreeMap<>(s.hparams()));
            }
            List<String> env = new ArrayList<>();
            copy.get("env").forEach(e -> env.add(e.asText()));
            assertThat(env).contains("OPTBENCH_JOB").doesNotContain("OPTBENCH_STORE", "OPTBENCH_HPARAMS");
            assertThat(env.stream().filter(e -> e.startsWith("OPTBENCH_"))).containsExactly("OPTBENCH_JOB");
        }
    }

    @Test
    void aCrashSendsTrialsWithoutAFinalStatusBackToPendingUntilTheirThirdClaim() throws Exception {
        Files.createFile(dir.resolve("crash"));
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            store.createStudy(torchStudy("c", List.of("sgd", "momentum", "adam")));
            worker(store, CommandPolicy.NONE, new ArrayList<>(), 3).run();
            // run 1: sgd completes, momentum and adam go back to pending; runs 2 and 3 hold only those two
            assertThat(runs()).hasSize(TorchRunner.MAX_ATTEMPTS);
            JsonNode second = Json.MAPPER.readTree(dir.resolve("job-2.json").toFile()).get("job").get("trials");
            assertThat(second).extracting(n -> n.get("optimizer").asText()).containsExactlyInAnyOrder("momentum", "adam");
            Map<String, Trial> t = store.trials("c", false).stream().collect(Collectors.toMap(Trial::optimizer, Function.identity()));
            assertThat(t.get("sgd").state()).isEqualTo(TrialState.COMPLETED);
            for (String o : List.of("momentum", "adam")) {
                assertThat(t.get(o).state()).isEqualTo(TrialState.FAILED);
                assertThat(t.get(o).message()).contains("crashed (exit status 3) in each of 3 attempts");
            }
        }
    }

    @Test
    void aBatchTakesItsFirstOptimizersTrialsBeforeOthersSoEachStackedGroupIsFull() throws Exception {
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            store.createStudy(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "m", "fmnist_mlp-tiny",
                    "lr-only", List.of("sgd", "momentum", "adam"), 3, 7, null, null, 1, null, new TorchEngine("cpu", Map.of())));
            worker(store, CommandPolicy.NONE, new ArrayList<>(), 3).run();
            // 9 trials, 3 per process: claim order alone (trial index first) would give each process all three
            // optimizers; a batch larger than an optimizer's pending trials fills up with the next one's
            List<List<String>> batches = new ArrayList<>();
            for (int n = 1; n <= runs().size(); n++) {
                JsonNode trials = Json.MAPPER.readTree(dir.resolve("job-" + n + ".json").toFile()).get("job").get("trials");
                List<String> o = new ArrayList<>();
                trials.forEach(t -> o.add(t.get("optimizer").asText()));
                batches.add(o);
            }
            assertThat(batches).hasSize(3);
            for (List<String> b : batches) {
                assertThat(b).hasSize(3).containsOnly(b.get(0)); // one optimizer's 3 trials, then the next one's
            }
            assertThat(store.trials("m", false)).allSatisfy(t -> assertThat(t.state()).isNotEqualTo(TrialState.PENDING));
        }
    }

    @Test
    void aProcessOutlivingTheStudysTimeOutIsKilledAndItsUnfinishedTrialsFailWithoutARetry() throws Exception {
        Files.createFile(dir.resolve("hang")); // the fake engine finishes sgd, then waits for ever
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            store.createStudy(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "h", "fmnist_mlp-tiny",
                    "lr-only", List.of("sgd", "momentum", "adam"), 1, 7, null, null, 1, null,
                    new TorchEngine("cpu", Map.of(), 0, 0.5)));
            worker(store, CommandPolicy.NONE, new ArrayList<>(), 3).run();
            assertThat(runs()).hasSize(1);
            Map<String, Trial> t = store.trials("h", false).stream().collect(Collectors.toMap(Trial::optimizer, Function.identity()));
            assertThat(t.get("sgd").state()).isEqualTo(TrialState.COMPLETED);
            for (String o : List.of("momentum", "adam")) {
                assertThat(t.get(o).state()).isEqualTo(TrialState.FAILED);
                assertThat(t.get(o).message()).contains("killed after 0.5 s (--trial-timeout)");
            }
            assertThat(store.study("h").torch().timeoutSeconds()).isEqualTo(0.5);
        }
    }

    @Test
    void anOptimizerClassRunsOnlyWhereItsOperatorAllowedIt() throws Exception {
        Path space = dir.resolve("space.json");
        Files.writeString(space, "{\"sgd\": {\"learning_rate\": {\"feasible_points\": [0.1]}},"
                + " \"lion\": {\"learning_rate\": {\"feasible_points\": [0.001]}, \"beta1\": {\"feasible_points\": [0.9]}}}");
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            store.createStudy(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "o", "fmnist_mlp-tiny", "lr-only", List.of("sgd", "lion"), 1, 7, null, space,
                    1, null, new TorchEngine("cpu", Map.of("lion", "my_optim.lion:Lion"))));
            List<String> notices = new ArrayList<>();
            worker(store, CommandPolicy.NONE, notices, 2).run();
            Map<String, Trial> t = store.trials("o", false).stream().collect(Collectors.toMap(Trial::optimizer, Function.identity()));
            assertThat(t.get("sgd").state()).isEqualTo(TrialState.COMPLETED);
            assertThat(t.get("lion").state()).isEqualTo(TrialState.PENDING); // never given to the engine
            assertThat(notices).anySatisfy(n -> assertThat(n).contains("refused to run study o's optimizer class"
                    + " 'my_optim.lion:Lion'").contains("--allow-optimizer-class 'my_optim.lion:Lion'"));
            assertThat(new ClaimGate(store, CommandPolicy.NONE, dev.optbench.optim.OptimizerRegistry.BUILT_IN, x -> { }).remaining("o"))
                    .contains("optimizer class lion not allowed");

            CommandPolicy allowed = new CommandPolicy(Set.of(), Set.of(), Set.of("my_optim.lion:Lion"));
            worker(store, allowed, new ArrayList<>(), 2).run();
            Trial lion = store.trials("o", false).stream().filter(x -> x.optimizer().equals("lion")).findFirst().orElseThrow();
            assertThat(lion.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(lion.hparams()).isEqualTo(Map.of("learning_rate", 0.001, "beta1", 0.9)); // passed to the class as given
            JsonNode job = Json.MAPPER.readTree(dir.resolve("job-2.json").toFile()).get("job").get("trials").get(0);
            assertThat(job.get("optimizer_class").asText()).isEqualTo("my_optim.lion:Lion");
        }
    }

    @Test
    void taggedLinesNameTheirTrialAndBadOnesAreMalformed() {
        for (String bad : List.of("{\"step\": 1, \"train_loss\": 1}", "{\"trial\": \"x\", \"step\": 1}",
                "{\"trial\": \"a\", \"step\": 1, \"val\": 1}", "{\"trial\": \"a\", \"status\": \"done\"}", "[1]")) {
            TaggedOutput o = new TaggedOutput(List.of("a"));
            assertThat(o.accept(bad)).as(bad).isFalse();
            assertThat(o.malformed()).as(bad).startsWith("line 1 of the torch engine's output ");
        }
        TaggedOutput o = new TaggedOutput(List.of("a", "b"));
        assertThat(o.accept("{\"trial\": \"a\", \"step\": 5, \"test_loss\": 0.5}")).isTrue();
        assertThat(o.trial("a").measurements).extracting(m -> m.split()).containsExactly(Split.TEST);
        assertThat(o.accept("{\"trial\": \"b\", \"status\": \"completed\"}")).isTrue(); // no validation_error: fails
        assertThat(o.trial("b").status).isEqualTo(TaggedOutput.Status.FAILED);
        assertThat(o.allEnded()).isFalse();
        assertThat(o.accept("{\"trial\": \"b\", \"step\": 6, \"train_loss\": 1}")).isFalse(); // after its end
    }

    @Test
    void eachTrialsTaggedMeasurementsReachItsOwnLiveCurve() {
        Map<String, List<String>> heard = new java.util.TreeMap<>();
        TrialProgress progress = (c, evaluations) -> evaluations.forEach(m -> heard.computeIfAbsent(c.optimizer(),
                k -> new ArrayList<>()).add(m.split().id() + "@" + m.step()));
        Map<String, dev.optbench.train.TrainListener> listeners = Map.of(
                "a", progress.listener(new Claim("s", "w", "sgd", 0, 1, "w", Map.of(), 1)),
                "b", progress.listener(new Claim("s", "w", "adam", 0, 1, "w", Map.of(), 1)));
        TaggedOutput o = new TaggedOutput(List.of("a", "b"), listeners::get);
        for (String line : List.of("{\"trial\": \"a\", \"step\": 10, \"train_loss\": 0.9, \"validation_error\": 0.5,"
                + " \"test_error\": 0.6}", "{\"trial\": \"b\", \"step\": 10, \"train_loss\": 0.8}",
                "{\"trial\": \"b\", \"step\": 10, \"validation_error\": 0.4, \"test_error\": 0.45}")) {
            assertThat(o.accept(line)).isTrue();
        }
        assertThat(heard).containsEntry("sgd", List.of("train@10", "validation@10", "test@10"))
                .containsEntry("adam", List.of("train@10", "validation@10", "test@10"));
    }

    @Test
    void aTorchStudysEngineIsStoredAndFingerprintedAndOldFingerprintsStayValid() throws Exception {
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            store.createStudy(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "g", "fmnist_mlp-tiny", "lr-only", List.of("adam"), 1, 7, null, null, 1,
                    null, new TorchEngine("cuda", Map.of())));
            assertThat(store.study("g").torch()).isEqualTo(new TorchEngine("cuda", Map.of()));
            assertThat(store.study("g").engine()).isEqualTo("torch");
            assertThat(store.unfinishedStudies("g").get(0).fingerprintMatches()).isTrue();
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("s.db"));
                java.sql.Statement st = c.createStatement()) {
            st.execute("UPDATE studies SET engine = '{\"engine\":\"torch\",\"device\":\"cpu\"}' WHERE name = 'g'");
        }
        try (SqlStudyStore store = StudyStores.open("sqlite:" + dir.resolve("s.db"))) {
            assertThat(store.unfinishedStudies("g").get(0).fingerprintMatches()).isFalse();
        }
        assertThat(StudyFingerprint.of("n", "w", "p", "[]", 1, 2, "halton", "{}", 3, null, 1, null))
                .isEqualTo(StudyFingerprint.of("n", "w", "p", "[]", 1, 2, "halton", "{}", 3, null, 1, null, null));
    }

    @Test
    void aStepBudgetOfTheStudyReplacesTheWorkloadsInTheJobAndIsStoredOnlyWhenGiven() {
        dev.optbench.workload.Workload full = Workloads.get("fmnist_2c2d"); // 10,000 steps, evaluated every 1,000
        TorchEngine short2000 = new TorchEngine("cuda", Map.of(), 2000);
        assertThat(short2000.budgeted(full).stepBudget()).isEqualTo(2000);
        assertThat(short2000.budgeted(full).evalInterval()).isEqualTo(1000);
        assertThat(new TorchEngine("cuda", Map.of(), 50).budgeted(full).evalInterval()).isEqualTo(50);
        assertThat(new TorchEngine("cuda", Map.of()).budgeted(full)).isSameAs(full);
        assertThat(TorchEngine.fromJson(short2000.toJson())).isEqualTo(short2000);
        // without --steps the stored form is what it was before the option, so old fingerprints hold
        assertThat(new TorchEngine("cpu", Map.of()).toJson()).isEqualTo("{\"engine\":\"torch\",\"device\":\"cpu\","
                + "\"optimizer_classes\":{}}");
        TorchJob job = TorchJob.of(StudySetup.define(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "b", "fmnist_2c2d", "lr-only",
                List.of("sgd"), 1, 7, null, null, 1, null, short2000), full, dir, List.of(), 1);
        assertThat(job.workload().stepBudget()).isEqualTo(2000);
        assertThat(job.toJson()).contains("\"steps\":2000,\"eval_interval\":1000");
        assertThat(short2000.describe()).contains("2000 steps");
        TorchEngine timed = new TorchEngine("cuda", Map.of(), 0, 600);
        assertThat(TorchEngine.fromJson(timed.toJson())).isEqualTo(timed);
        assertThat(timed.toJson()).contains("\"timeout_seconds\":600");
        assertThat(timed.describe()).contains("killed after 600 s");
    }
}
