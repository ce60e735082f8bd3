package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyCliTest {
    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    static synchronized Result run(String... args) {
        CliRun r = CliRun.of(args);
        return new Result(r.exitCode(), r.out(), r.err());
    }

    private String dump(String url) {
        try (SqlStudyStore s = StudyStores.open(url)) {
            return s.dump();
        }
    }

    @Test
    void batchTrialsTrainsAStudyTogetherAndRejectsABadK() throws Exception {
        String store = "sqlite:" + dir.resolve("batch.db");
        assertThat(run("study", "create", "b", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only",
                "--optimizers", "sgd,adam", "--trials", "2", "--seed", "3", "--store", store).code()).isZero();
        for (String bad : List.of("0", "-2", "many")) {
            Result r = run("study", "run", "b", "--batch-trials", bad, "--store", store);
            assertThat(r.code()).as(bad).isEqualTo(2);
            assertThat(r.err()).contains("--batch-trials " + bad + ": give a whole number K >= 1 or auto")
                    .doesNotContain("Exception");
        }
        // one worker: with two (the default on 2 cores), whichever claims first may leave the other a trial
        Result ran = run("study", "run", "b", "--batch-trials", "4", "--workers", "1", "--store", store);
        assertThat(ran.code()).as(ran.err()).isZero();
        assertThat(ran.err()).contains("4/4");
        Result json = run("study", "export", "b", "--format", "json", "--store", store);
        JsonNode rows = new ObjectMapper().readTree(json.out());
        assertThat(rows).hasSize(4);
        for (JsonNode row : rows) { // all four trained as one batch of four
            assertThat(row.get("provenance").get("batch_trials").asText()).isEqualTo("4");
            // the native settings that decide a trial's last bits (see NativeSetup)
            assertThat(row.get("provenance").get("native").asText()).startsWith("oneMKL ").contains("code path")
                    .contains("glibc allocator").contains("update rules: ").contains("stacked MLPs and CNNs: ");
        }
    }

    @Test
    void seedsAndFittedOptionsAndTheirBadValues() {
        String store = "sqlite:" + dir.resolve("fit.db");
        Result created = run("study", "create", "rep", "--workload", "fmnist_mlp-tiny", "--protocol", "fitted",
                "--optimizers", "sgd,adam", "--trials", "4", "--seeds", "3", "--fit-top", "0.5", "--store", store);
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("2 optimizers × 12 trials (fitted, 4 points × 3 seeds, stage 1: 2 points");
        try (SqlStudyStore s = StudyStores.open(store)) {
            assertThat(s.study("rep").fit()).isEqualTo(new dev.optbench.space.FitOptions(0.5, 0.5, 0.5));
            assertThat(s.trials("rep", false)).hasSize(24);
        }
        String before = dump(store);
        for (String[] bad : new String[][] {{"--protocol", "fitted", "--fit-share", "1.5"},
            {"--protocol", "full", "--fit-margin", "1"}, {"--protocol", "full", "--seeds", "0"},
            {"--protocol", "fitted", "--trials", "1"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("study", "create", "bad", "--workload", "fmnist_mlp-tiny",
                    "--optimizers", "sgd", "--store", store));
            args.addAll(List.of(bad));
            if (!args.contains("--trials")) {
                args.addAll(List.of("--trials", "4"));
            }
            Result r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).containsAnyOf("--fit-share", "--fit-margin", "--seeds", "at least 2 points");
        }
        assertThat(dump(store)).isEqualTo(before);
    }

    @Test
    void createRunStatusExportAndList() throws Exception {
        String store = "sqlite:" + dir.resolve("cli.db");
        Result created = run("study", "create", "grid", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-grid",
                "--optimizers", "sgd,adam", "--trials", "2", "--seed", "5", "--store", store);
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("created study grid: 2 optimizers × 2 trials (lr-grid, grid sampler)");
        Result ran = run("study", "run", "grid", "--workers", "2", "--store", store);
        assertThat(ran.code()).as(ran.err()).isZero();
        assertThat(ran.err()).contains("study grid").contains("4/4");
        assertThat(ran.out()).contains("sgd").contains("adam").contains("best val");
        Result status = run("study", "status", "grid", "--store", store);
        assertThat(status.code()).isZero();
        assertThat(status.out().lines().filter(l -> l.startsWith("sgd") || l.startsWith("adam")))
                .hasSize(2).allSatisfy(l -> assertThat(l.split("\\s+")[0]).isIn("sgd", "adam"));
        Result csv = run("study", "export", "grid", "--format", "csv", "--store", store);
        List<String> lines = csv.out().lines().toList();
        assertThat(lines.get(0)).startsWith("optimizer,trial,state,beta1,beta2,epsilon,learning_rate,validation_error,test_error,steps,seconds");
        assertThat(lines).hasSize(5);
        // lr-grid: the learning rates are the two ends of each optimizer's log range.
        assertThat(lines.get(1)).startsWith("adam,0,").contains(",1.0E-5,");
        assertThat(lines.get(4)).startsWith("sgd,1,");
        Result json = run("study", "export", "grid", "--format", "json", "--store", store);
        JsonNode rows = new ObjectMapper().readTree(json.out());
        assertThat(rows).hasSize(4);
        assertThat(rows.get(2).get("hparams").get("learning_rate").asDouble()).isEqualTo(0.001, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(rows.get(2).get("steps").asLong()).isPositive();
        assertThat(rows.get(2).get("provenance").get("workload").asText()).contains("fmnist_mlp-tiny");
        Path file = dir.resolve("out.csv");
        assertThat(run("study", "export", "grid", "--store", store, "-o", file.toString()).code()).isZero();
        assertThat(Files.readString(file)).isEqualTo(csv.out());
        Result list = run("studies", "--store", store);
        assertThat(list.out()).contains("grid").contains("fmnist_mlp-tiny").contains("4/4");
        // Resuming a finished study runs nothing and succeeds.
        String before = dump(store);
        assertThat(run("study", "run", "grid", "--store", store).code()).isZero();
        assertThat(dump(store)).isEqualTo(before);
    }

    @Test
    void badInputGetsOneLineErrorsExitTwoAndLeavesTheStoreIntact() throws Exception {
        String store = "sqlite:" + dir.resolve("keep.db");
        assertThat(run("study", "create", "s1", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only",
                "--optimizers", "sgd", "--trials", "3", "--store", store).code()).isZero();
        String before = dump(store);
        Path badSpace = dir.resolve("bad.json");
        Files.writeString(badSpace, "{\"learning_rate\": {\"min\": -1, \"max\": 1, \"scaling\": \"log\"}}");
        List<List<String>> cases = List.of(
                List.of("study", "status", "nope"),
                List.of("study", "run", "nope"),
                List.of("study", "export", "nope"),
                List.of("worker", "--study", "nope"),
                List.of("study", "export", "s1", "--format", "xml"),
                List.of("study", "run", "s1", "--device", "tpu"),
                List.of("worker", "--study", "s1", "--device", "tpu"),
                List.of("study", "create", "s1", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only", "--optimizers", "sgd", "--trials", "3"),
                List.of("study", "create", "s2", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only", "--optimizers", "sgd,adamw", "--trials", "3"),
                List.of("study", "create", "s2", "--workload", "no_such_workload", "--protocol", "lr-only", "--optimizers", "sgd", "--trials", "3"),
                List.of("study", "create", "s2", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-wild", "--optimizers", "sgd", "--trials", "3"),
                List.of("study", "create", "s2", "--workload", "fmnist_mlp-tiny", "--protocol", "full", "--optimizers", "sgd", "--trials", "0"),
                List.of("study", "create", "s2", "--workload", "fmnist_mlp-tiny", "--protocol", "full", "--optimizers", "sgd", "--trials", "2",
                        "--space", badSpace.toString()));
        for (List<String> c : cases) {
            String[] args = java.util.stream.Stream.concat(c.stream(), java.util.stream.Stream.of("--store", store)).toArray(String[]::new);
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", c) + " → " + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1).allSatisfy(l -> assertThat(l).startsWith("optbench: "));
        }
        if (ai.djl.engine.Engine.getInstance().getGpuCount() == 0) {
            for (String cmd : List.of("study run s1", "worker --study s1")) {
                Result r = run((cmd + " --device gpu --store " + store).split(" "));
                assertThat(r.code()).as(cmd + " → " + r.err()).isEqualTo(2);
                assertThat(r.err()).startsWith("optbench: --device gpu: no GPU visible");
            }
        }
        assertThat(run("study", "status", "nope", "--store", store).err())
                .isEqualTo("optbench: unknown study 'nope' (list studies with 'optbench studies')" + System.lineSeparator());
        assertThat(dump(store)).isEqualTo(before);
    }

    @Test
    void badAndUnreachableStoresAreOneLineErrorsWithoutPasswords() {
        for (String url : List.of("mysql://h/db?user=u&password=pw123456", "postgresql://127.0.0.1:1/db?user=u&password=pw123456",
                "sqlite:" + dir.resolve("no/such/dir/x.db"), "sqlite:" + dir)) {
            for (String[] args : List.of(new String[] {"studies", "--store", url}, new String[] {"worker", "--store", url},
                    new String[] {"study", "status", "s", "--store", url})) {
                Result r = run(args);
                // an unreachable server is a runtime failure (exit 1); a bad URL or path is input (exit 2)
                assertThat(r.code()).as(url + " " + r.err()).isEqualTo(url.startsWith("postgresql://127.0.0.1:1/") ? 1 : 2);
                assertThat(r.err().strip().lines()).hasSize(1);
                assertThat(r.err()).doesNotContain("pw123456");
            }
        }
        assertThat(Files.exists(dir.resolve("no"))).isFalse();
        // A mistyped SQLite path in a read-only command: an error, and no stray empty store.
        Result typo = run("study", "status", "s", "--store", "sqlite:" + dir.resolve("optbnech.db"));
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).startsWith("optbench: no store at sqlite:" + dir.resolve("optbnech.db"));
        assertThat(Files.exists(dir.resolve("optbnech.db"))).isFalse();
    }

    @Test
    void unknownStudyOnPostgresLeavesItIntact() throws Exception {
        String base = System.getenv("OPTBENCH_TEST_PG");
        Assumptions.assumeTrue(base != null && !base.isBlank(), "OPTBENCH_TEST_PG is not set: PostgreSQL CLI test skipped");
        String schema = "cli_" + Long.toHexString(System.nanoTime());
        String jdbc = "jdbc:" + base;
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String url = base + "&currentSchema=" + schema;
        try {
            assertThat(run("study", "create", "p1", "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                    "--optimizers", "momentum,rmsprop", "--trials", "2", "--store", url).code()).isZero();
            String before = dump(url);
            for (String[] args : List.of(new String[] {"study", "status", "nope", "--store", url},
                    new String[] {"worker", "--study", "nope", "--store", url},
                    new String[] {"study", "create", "p1", "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                        "--optimizers", "sgd", "--trials", "1", "--store", url})) {
                Result r = run(args);
                assertThat(r.code()).as(r.err()).isEqualTo(2);
                assertThat(r.err().strip().lines()).hasSize(1);
                assertThat(r.err()).doesNotContain("password=optbench");
            }
            assertThat(dump(url)).isEqualTo(before);
            assertThat(run("study", "status", "p1", "--store", url).out()).contains("rmsprop").contains("momentum");
        } finally {
            try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void protocolsListsEveryProtocolWithRangesPerOptimizer() {
        Result r = run("protocols");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("lr-grid:", "lr-only:", "lr-schedule:", "full:")
                .contains("learning_rate log [1e-5, 100]").contains("one_minus_momentum log [0.001, 1]");
        Result vgg = run("protocols", "--workload", "cifar10_vgg16", "--json");
        assertThat(vgg.out()).contains("learning_rate_over_sqrt_epsilon").contains("\"scaling\" : \"log\"");
        assertThat(run("protocols", "--workload", "nope").code()).isEqualTo(2);
    }

    @Test
    void benchStoreReportsThroughputAndCleansUp() {
        String store = "sqlite:" + dir.resolve("bench.db");
        Result r = run("bench", "store", "--trials", "200", "--workers", "2", "--store", store);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("created 200 trials in [0-9.]+ s; claim \\+ complete: [0-9.]+ s, [0-9]+ trials/s with 2 workers");
        assertThat(run("studies", "--store", store).out()).contains("no studies");
    }
}
