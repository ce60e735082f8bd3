package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Features of issues 10 and 12 together: an external study with seed repeats, a discrete
 * AlgoPerf space under seed repeats, and the combinations refused (fitted with external trials
 * or with a discrete space).
 */
class MergedStudyFeaturesTest {
    @TempDir Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private String store() {
        return "sqlite:" + dir.resolve("m.db");
    }

    @Test
    void anExternalStudyWithSeedsRunsEveryPointUnderItsOwnSeedPerTrial() throws Exception {
        Path script = dir.resolve("trial.sh");
        // Each trial records the seed and trial number it was given; its error depends on the seed only.
        Files.writeString(script, """
                echo "$OPTBENCH_TRIAL $OPTBENCH_HPARAMS" > "$DIR/seen.$OPTBENCH_SEED"
                echo '{"step": 5, "train_loss": 0.5, "validation_error": 0.25, "test_error": 0.5}'
                """.replace("$DIR", dir.toString()));
        Path space = dir.resolve("space.json");
        Files.writeString(space, "{\"learning_rate\": {\"min\": 1e-3, \"max\": 1, \"scaling\": \"log\"}}");
        CliRun created = CliRun.of("study", "create", "ext", "--command", "/bin/sh " + script, "--steps", "5",
                "--space", space.toString(), "--optimizers", "mine", "--trials", "2", "--seeds", "3", "--store", store());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("1 optimizers × 6 trials (custom, 2 points × 3 seeds");
        CliRun ran = CliRun.of("study", "run", "ext", "--workers", "1", "--store", store());
        assertThat(ran.exitCode()).as(ran.err()).isZero();
        JsonNode rows = JSON.readTree(CliRun.of("study", "export", "ext", "--format", "json", "--store", store()).out());
        assertThat(rows).hasSize(6);
        Set<Long> seeds = new HashSet<>();
        java.util.Map<Integer, Long> seedOf = new java.util.HashMap<>();
        rows.forEach(r -> seedOf.put(r.get("trial").asInt(), r.get("seed").asLong()));
        for (JsonNode r : rows) {
            int trial = r.get("trial").asInt();
            assertThat(r.get("state").asText()).isEqualTo("completed");
            assertThat(r.get("point").asInt()).isEqualTo(trial / 3);
            assertThat(r.get("repeat").asInt()).isEqualTo(trial % 3);
            // the command was given the trial's own stored seed (its file is named by the seed it saw)
            String[] seen = Files.readString(dir.resolve("seen." + seedOf.get(trial))).trim().split(" ", 2);
            assertThat(seen[0]).isEqualTo("ext/mine#" + trial);
            seeds.add(seedOf.get(trial));
            // the repeats of a point share its hyperparameters
            String first = Files.readString(dir.resolve("seen." + seedOf.get(trial / 3 * 3))).trim().split(" ", 2)[1];
            assertThat(seen[1]).isEqualTo(first);
        }
        assertThat(Files.readString(dir.resolve("seen." + seedOf.get(0)))).isNotEqualTo(
                Files.readString(dir.resolve("seen." + seedOf.get(3))).replace("#3", "#0"));
        assertThat(seeds).hasSize(6);
        CliRun analysed = CliRun.of("analyze", "ext", "--json", "--bootstrap", "50", "--store", store());
        assertThat(analysed.exitCode()).as(analysed.err()).isZero();
    }

    @Test
    void aDiscreteSpaceUnderSeedsGivesPointPSpacePointPModN() throws Exception {
        Path space = dir.resolve("discrete.json");
        Files.writeString(space, "[{\"learning_rate\": 0.1}, {\"learning_rate\": 0.02}]");
        CliRun created = CliRun.of("study", "create", "d", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only",
                "--space", space.toString(), "--optimizers", "sgd", "--trials", "3", "--seeds", "2", "--store", store());
        assertThat(created.exitCode()).as(created.err()).isZero();
        JsonNode rows = JSON.readTree(CliRun.of("study", "export", "d", "--format", "json", "--store", store()).out());
        assertThat(rows).hasSize(6);
        List<String> lrByTrial = new java.util.ArrayList<>();
        rows.forEach(r -> lrByTrial.add(r.get("trial").asInt() + ":" + r.get("point").asInt() + ":"
                + r.get("hparams").get("learning_rate").asDouble()));
        assertThat(lrByTrial).containsExactly("0:0:0.1", "1:0:0.1", "2:1:0.02", "3:1:0.02", "4:2:0.1", "5:2:0.1");
    }

    @Test
    void theFittedProtocolIsRefusedForExternalTrialsAndDiscreteSpaces() throws Exception {
        Path script = dir.resolve("t.sh");
        Files.writeString(script, "true\n");
        Path ranges = dir.resolve("space.json");
        Files.writeString(ranges, "{\"learning_rate\": {\"min\": 1e-3, \"max\": 1, \"scaling\": \"log\"}}");
        Path discrete = dir.resolve("discrete.json");
        Files.writeString(discrete, "[{\"learning_rate\": 0.1}, {\"learning_rate\": 0.02}]");
        CliRun fittedExternal = CliRun.of("study", "create", "a", "--command", "/bin/sh " + script, "--protocol", "fitted",
                "--space", ranges.toString(), "--optimizers", "sgd", "--trials", "4", "--store", store());
        CliRun fitFlagExternal = CliRun.of("study", "create", "b", "--command", "/bin/sh " + script, "--fit-top", "0.3",
                "--space", ranges.toString(), "--optimizers", "sgd", "--trials", "4", "--store", store());
        CliRun fittedDiscrete = CliRun.of("study", "create", "c", "--workload", "fmnist_mlp-tiny", "--protocol", "fitted",
                "--space", discrete.toString(), "--optimizers", "sgd", "--trials", "4", "--store", store());
        assertThat(fittedExternal.exitCode()).isEqualTo(2);
        assertThat(fittedExternal.err().trim()).isEqualTo("optbench: --protocol fitted needs a built-in --workload; with --command"
                + " give another label, e.g. --protocol custom");
        assertThat(fitFlagExternal.exitCode()).isEqualTo(2);
        assertThat(fitFlagExternal.err().trim()).contains("--fit-share, --fit-top and --fit-margin belong to --protocol fitted")
                .doesNotContain("\n");
        assertThat(fittedDiscrete.exitCode()).isEqualTo(2);
        assertThat(fittedDiscrete.err().trim()).contains("the space of sgd is a list of discrete points").doesNotContain("\n");
        // nothing was stored by the refused commands
        assertThat(dir.resolve("m.db")).doesNotExist();
    }
}
