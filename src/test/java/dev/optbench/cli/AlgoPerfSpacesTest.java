package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.space.SpaceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AlgoPerf's published search spaces (src/test/resources/algoperf, byte for byte, sources in
 * SOURCE.md) load unchanged and run a short study on fmnist_mlp-tiny that then analyses.
 */
class AlgoPerfSpacesTest {
    @TempDir Path dir;

    private static final Path ROOT = Path.of("src/test/resources/algoperf");

    /** file, optimizer label, trials, sha256 from SOURCE.md. */
    record Case(String file, String optimizer, int trials, String sha256) {}

    static final List<Case> CASES = List.of(
            new Case("adamw/tuning_search_space.json", "adamw", 2,
                    "63699efee799aadbdc6f7641b60943bfa9013ecbf93d9fbf46be9cca0c2e9841"),
            new Case("nadamw/tuning_search_space.json", "nadamw", 2,
                    "813be8770d3cde9ce90f15928ed818b9b7bd501c121d17e53debb091eef2290d"),
            new Case("nesterov/tuning_search_space.json", "nesterov", 2,
                    "a2c49f6501cadc2320cfac42d6572c4dc066bf0cbfa8aa95b396f99d99580997"),
            new Case("nesterov/tuning_search_space_no_beta1.json", "momentum", 2,
                    "768d12d48cb5e29b5c63ca51785d7faa29d6940746d847ed41181cb02726d0b6"),
            new Case("mnist/discrete_space.json", "adam", 4,
                    "4bb4158262e8178bc8e521058fdde1653e3b89d5a9644bc5edb059a6a7fba169"));

    @Test
    void theCopiesAreTheFilesAsPublished() throws Exception {
        String source = Files.readString(ROOT.resolve("SOURCE.md"));
        for (Case c : CASES) {
            byte[] bytes = Files.readAllBytes(ROOT.resolve(c.file()));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            assertThat(sha).as(c.file()).isEqualTo(c.sha256());
            assertThat(source).contains("| " + c.file()).contains(c.sha256());
        }
    }

    @Test
    void theListingNamesAdamwAndNadamwAsAdamAndNadamWithWeightDecaySearched() {
        CliRun list = CliRun.of("optimizers");
        assertThat(list.out()).contains("adamw     = adam with decoupled weight_decay searched (AlgoPerf's ADAMW baseline;"
                + " not a rule of its own: its space must name weight_decay)")
                .contains("nadamw    = nadam with decoupled weight_decay searched").contains("warmup_cosine")
                .contains("warmup_linear_decay");
    }

    @Test
    void eachLoadsUnchangedAndRunsAStudyThatAnalyses() throws Exception {
        String store = "sqlite:" + dir.resolve("algoperf.db");
        ObjectMapper json = new ObjectMapper();
        for (Case c : CASES) {
            Path file = ROOT.resolve(c.file());
            SpaceFile.load(dev.optbench.optim.OptimizerRegistry.BUILT_IN, file, List.of(c.optimizer())); // loads as it is
            String name = c.optimizer() + "-algoperf";
            CliRun created = CliRun.of("study", "create", name, "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                    "--optimizers", c.optimizer(), "--trials", Integer.toString(c.trials()), "--space", file.toString(),
                    "--store", store);
            assertThat(created.exitCode()).as(c.file() + ": " + created.err()).isZero();
            CliRun ran = CliRun.of("study", "run", name, "--workers", "2", "--store", store);
            assertThat(ran.exitCode()).as(c.file() + ": " + ran.err()).isZero();
            CliRun analysed = CliRun.of("analyze", name, "--json", "--bootstrap", "200", "--store", store);
            assertThat(analysed.exitCode()).as(c.file() + ": " + analysed.err()).isZero();
            JsonNode a = json.readTree(analysed.out());
            assertThat(a.toString()).contains(c.optimizer());
            JsonNode rows = json.readTree(CliRun.of("study", "export", name, "--format", "json", "--store", store).out());
            assertThat(rows).hasSize(c.trials());
            for (JsonNode row : rows) {
                assertThat(row.get("state").asText()).as(row.toString()).isIn("completed", "diverged");
                assertThat(row.get("steps").asLong()).isPositive();
            }
            checkResolved(c, rows);
        }
    }

    /** AlgoPerf's names become optbench's: one_minus_beta1 is the momentum γ in momentum/nesterov spaces. */
    private static void checkResolved(Case c, JsonNode rows) {
        JsonNode h = rows.get(0).get("hparams");
        switch (c.optimizer()) {
            case "adamw", "nadamw" -> {
                assertThat(h.get("beta2").asDouble()).isEqualTo(0.999);
                assertThat(h.get("warmup_factor").asDouble()).isEqualTo(0.05);
                assertThat(h.get("weight_decay").asDouble()).isBetween(5e-3, 1.0);
                assertThat(1 - h.get("beta1").asDouble()).isEqualTo(
                        rows.get(0).get("searched").get("one_minus_beta1").asDouble(), within(1e-15));
            }
            case "nesterov" -> {
                assertThat(h.has("beta1")).isFalse();
                assertThat(1 - h.get("momentum").asDouble()).isEqualTo(
                        rows.get(0).get("searched").get("one_minus_beta1").asDouble(), within(1e-15));
                assertThat(h.get("end_factor").asDouble()).isIn(1e-3, 1e-2);
                assertThat(h.get("decay_steps_factor").asDouble()).isEqualTo(0.9);
            }
            case "momentum" -> assertThat(h.get("momentum").asDouble()).isEqualTo(0.9, within(1e-15));
            default -> { // the discrete example: trial k takes point k mod 3, in order
                List<Map<String, Double>> points = List.of(
                        Map.of("learning_rate", 1e-3, "beta1", 1 - 0.999, "epsilon", 0.9),
                        Map.of("learning_rate", 1e-2, "beta1", 1 - 0.99, "epsilon", 0.99),
                        Map.of("learning_rate", 1e-1, "beta1", 1 - 0.9, "epsilon", 0.999));
                for (int k = 0; k < rows.size(); k++) {
                    JsonNode row = rows.get(k);
                    Map<String, Double> want = points.get(row.get("trial").asInt() % 3);
                    want.forEach((name, v) -> assertThat(row.get("hparams").get(name).asDouble()).as(name)
                            .isEqualTo(v, within(1e-15)));
                }
            }
        }
    }
}
