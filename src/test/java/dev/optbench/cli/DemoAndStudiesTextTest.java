package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.experiment.Experiments;
import dev.optbench.experiment.PlannedStudy;
import dev.optbench.experiment.Scale;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `demo --help` says what the demo runs; `studies` keeps its columns aligned whatever the names' lengths. */
class DemoAndStudiesTextTest {
    @TempDir Path dir;

    @Test
    void demoHelpNamesEveryProtocolAndTheTrialCountTheDemoRuns() {
        CliRun r = CliRun.of("demo", "--help");
        String help = r.out().replaceAll("\\s+", " ");
        List<PlannedStudy> plan = Experiments.get("protocols-fmnist").plan(Scale.TINY);
        for (PlannedStudy p : plan) {
            assertThat(help).contains(p.protocol());
        }
        int trials = plan.stream().mapToInt(p -> p.optimizers().size() * p.trialsPerOptimizer()).sum();
        assertThat(help).contains(plan.size() == 3 ? "three studies" : plan.size() + " studies").contains(trials + " trials")
                .contains("about 10–25 s").doesNotContain("a few minutes");
    }

    @Test
    void studiesColumnsStartAtTheSameCharacterInEveryRow() {
        String store = "sqlite:" + dir.resolve("s.db");
        for (String name : new String[] {"a", "a-study-name-longer-than-the-old-24-character-column"}) {
            CliRun c = CliRun.of("study", "create", name, "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                    "--optimizers", "sgd", "--trials", "2", "--store", store);
            assertThat(c.exitCode()).as(c.err()).isZero();
        }
        List<String> lines = CliRun.of("studies", "--store", store).out().lines().toList();
        assertThat(lines).hasSize(3);
        for (String column : new String[] {"workload", "protocol", "optimizers", "done/total", "created"}) {
            int at = lines.get(0).indexOf(column);
            assertThat(lines.get(1).charAt(at - 1)).as(column + " in row 1").isEqualTo(' ');
            assertThat(lines.get(1).charAt(at)).as(column + " in row 1").isNotEqualTo(' ');
            assertThat(lines.get(2).charAt(at - 1)).as(column + " in row 2").isEqualTo(' ');
            assertThat(lines.get(2).charAt(at)).as(column + " in row 2").isNotEqualTo(' ');
        }
        assertThat(lines.get(1)).contains("fmnist_mlp-tiny").contains("0/2");
    }
}
