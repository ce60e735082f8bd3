package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.layout.Layout;
import dev.optbench.layout.LayoutTable;
import dev.optbench.layout.Layouts;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** study run without --workers uses the layout chooser and prints its choice on one line. */
class StudyRunLayoutTest {
    @TempDir Path dir;

    @Test
    void studyRunPrintsTheDefaultThenTheMeasuredLayout() {
        Assumptions.assumeTrue(System.getenv("OPTBENCH_THREADS") == null, "OPTBENCH_THREADS fixes the thread count");
        String old = System.getProperty("optbench.cache");
        System.setProperty("optbench.cache", dir.resolve("cache").toString());
        try {
            String store = "sqlite:" + dir.resolve("s.db");
            assertThat(CliRun.of("study", "create", "one", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-grid",
                    "--optimizers", "sgd", "--trials", "2", "--store", store).exitCode()).isZero();
            int cores = Runtime.getRuntime().availableProcessors();
            CliRun first = CliRun.of("study", "run", "one", "--store", store);
            assertThat(first.exitCode()).as(first.err()).isZero();
            // 2 pending trials: K = ⌈2 / workers⌉
            int k = Layouts.maxBatch("fmnist_mlp-tiny") > 1 ? (2 + cores - 1) / cores : 1;
            assertThat(first.err()).contains("layout: " + new Layout(cores, 1, k).describe() + " (default for " + cores
                    + " core" + (cores == 1 ? "" : "s") + ", not measured: 'optbench bench layout --workloads fmnist_mlp-tiny' measures it");

            LayoutTable measured = new LayoutTable(LayoutTable.localHost(), "fmnist_mlp-tiny", cores,
                    Instant.parse("2026-12-01T19:40:00Z"), "bench layout",
                    List.of(new LayoutTable.Entry(new Layout(1, 1, 1), 500), new LayoutTable.Entry(new Layout(cores, 1, 1), 400)));
            measured.write(LayoutTable.file(LayoutTable.cacheDir(), LayoutTable.localHost(), "fmnist_mlp-tiny"));
            assertThat(CliRun.of("study", "run", "one", "--store", store, "--retry-failed").exitCode()).isZero();
            // a finished study still prints its layout line; a new study picks the measured row
            assertThat(CliRun.of("study", "create", "two", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-grid",
                    "--optimizers", "sgd", "--trials", "1", "--store", store).exitCode()).isZero();
            CliRun second = CliRun.of("study", "run", "two", "--store", store);
            assertThat(second.exitCode()).as(second.err()).isZero();
            assertThat(second.err()).contains("layout: 1 worker × 1 thread × 1 trial per batch "
                    + "(measured 2026-12-01, bench layout: 500 trial-steps/s)\n");
            CliRun given = CliRun.of("study", "run", "two", "--store", store, "--workers", "2", "--batch-trials", "1");
            assertThat(given.err()).contains("layout: 2 workers × 1 thread × 1 trial per batch (")
                    .contains("; --workers 2, --batch-trials 1)");
            CliRun bad = CliRun.of("study", "run", "two", "--store", store, "--workers", "none");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("--workers must be 'auto' or a whole number of at least 1, not 'none'");
        } finally {
            if (old == null) {
                System.clearProperty("optbench.cache");
            } else {
                System.setProperty("optbench.cache", old);
            }
        }
    }
}
