package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every count and step budget has a bound: beyond it, one line and exit 2 before any work starts. */
class InputBoundsTest {
    @TempDir Path dir;

    private static CliRun refused(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
        return r;
    }

    private String store() {
        return "sqlite:" + dir.resolve("s.db");
    }

    @Test
    void traceStepsAreBoundedAndPositive() {
        for (String steps : new String[] {"99999999999999", "10000001", "0", "-1"}) {
            CliRun r = refused("trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.01", "--function", "quadratic",
                    "--steps", steps);
            assertThat(r.err()).contains("--steps " + steps).contains("1 to 10000000 steps");
        }
        CliRun ok = CliRun.of("trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.01", "--function", "quadratic",
                "--steps", "1");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out().lines().count()).isEqualTo(3); // header, start, one step
    }

    @Test
    void trainStepsMustBePositiveAndBounded() {
        for (String steps : new String[] {"-1", "0", "100000001"}) {
            CliRun r = refused("train", "--workload", "fmnist_mlp-tiny", "--optimizer", "sgd", "--hparams", "learning_rate=0.1",
                    "--steps", steps, "--no-progress");
            assertThat(r.err()).contains("--steps " + steps + " is out of range: give 1 to 100000000 steps");
        }
    }

    @Test
    void studyCreateBoundsTrialsSeedsStepsAndTheTotal() {
        String[] base = {"study", "create", "x", "--workload", "fmnist_mlp-tiny", "--protocol", "full", "--optimizers", "sgd,adam",
            "--store", store()};
        assertThat(refused(concat(base, "--trials", "2147483647")).err())
                .contains("--trials 2147483647 is out of range: give 1 to 100000");
        assertThat(refused(concat(base, "--trials", "2", "--seeds", "2147483647")).err())
                .contains("--seeds 2147483647 is out of range: give 1 to 1000");
        assertThat(refused(concat(base, "--trials", "100000", "--seeds", "1000")).err())
                .contains("200000000 trials (2 optimizers × 100000 trials × 1000 seeds)").contains("limit of 1000000");
        assertThat(Files.exists(dir.resolve("s.db"))).isFalse(); // refused before the store was opened
        Path space = dir.resolve("space.json");
        String[] external = {"study", "create", "e", "--command", "true", "--space", space.toString(), "--optimizers", "a",
            "--trials", "1", "--store", store()};
        for (String steps : new String[] {"-1", "0", "100000001"}) {
            assertThat(refused(concat(external, "--steps", steps)).err()).contains("--steps " + steps + " is out of range");
        }
    }

    @Test
    void workersAndBatchSizesAreBounded() throws Exception {
        String store = store();
        assertThat(CliRun.of("study", "create", "s", "--workload", "fmnist_mlp-tiny", "--protocol", "full", "--optimizers", "sgd",
                "--trials", "1", "--store", store).exitCode()).isZero();
        assertThat(refused("study", "run", "s", "--workers", "2147483647", "--store", store).err())
                .contains("--workers 2147483647 is out of range: give 1 to 1024");
        assertThat(refused("study", "run", "s", "--batch-trials", "100000", "--store", store).err())
                .contains("--batch-trials 100000 is out of range: give 1 to 1024");
        assertThat(refused("worker", "--study", "s", "--batch-trials", "5000", "--store", store).err())
                .contains("--batch-trials 5000 is out of range");
        assertThat(refused("worker", "--study", "s", "--lease-seconds", "1e300", "--store", store).err())
                .contains("lease of 1.0E300 s is too long: give at most 86400 s");
    }

    @Test
    void echoedValuesAreCutAtEightyCharacters() {
        String huge = "w".repeat(1_000_000);
        CliRun workload = refused("train", "--workload", huge, "--optimizer", "sgd", "--hparams", "learning_rate=0.1");
        assertThat(workload.err()).contains("unknown workload '" + "w".repeat(80) + "… (1000000 characters)'");
        assertThat(workload.err().length()).isLessThan(1000);
        CliRun hparams = refused("train", "--workload", "fmnist_mlp-tiny", "--optimizer", "sgd", "--hparams",
                "learning_rate=" + "1\n".repeat(500_000));
        assertThat(hparams.err()).contains("'" + "1\\n".repeat(40) + "… (1000000 characters)' is not a number");
        CliRun study = refused("study", "status", huge, "--store", "sqlite:" + dir.resolve("none.db"));
        assertThat(study.err().length()).isLessThan(1000);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
