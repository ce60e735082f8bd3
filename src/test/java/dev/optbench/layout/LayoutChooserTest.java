package dev.optbench.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutChooserTest {
    @TempDir Path dir;

    private static final Instant WHEN = Instant.parse("2026-12-01T19:40:00Z");

    private static LayoutTable table(int cores, LayoutTable.Entry... entries) {
        return new LayoutTable("host", "fmnist_mlp", cores, WHEN, "bench trials", List.of(entries));
    }

    private static LayoutTable.Entry e(int w, int t, int k, double rate) {
        return new LayoutTable.Entry(new Layout(w, t, k), rate);
    }

    private static final LayoutTable TWO_CORES = table(2, e(1, 1, 1, 364), e(2, 1, 1, 467), e(1, 2, 1, 209),
            e(2, 1, 8, 1900), e(1, 1, 16, 1500));

    /** A round measured while the machine was busy does not decide: each layout takes its median. */
    @Test
    void roundsMergeIntoEachLayoutsMedian() {
        LayoutTable a = table(2, e(1, 1, 1, 10), e(2, 1, 1, 30));
        LayoutTable b = table(2, e(1, 1, 1, 50), e(2, 1, 1, 20));
        LayoutTable c = table(2, e(1, 1, 1, 12), e(2, 1, 1, 25));
        LayoutTable m = LayoutTable.median(List.of(a, b, c));
        assertThat(m.entries()).containsExactly(e(1, 1, 1, 12), e(2, 1, 1, 25));
        assertThat(m.source()).isEqualTo("bench trials, median of 3 rounds");
        assertThat(LayoutTable.median(List.of(a, b)).entries()).containsExactly(e(1, 1, 1, 30), e(2, 1, 1, 25));
        assertThat(LayoutTable.median(List.of(a))).isEqualTo(a);
        assertThatThrownBy(() -> LayoutTable.median(List.of(a, table(2, e(1, 1, 1, 10)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2×1×1");
    }

    @Test
    void picksTheFastestMeasuredLayoutTheWorkloadAllows() {
        var c = LayoutChooser.choose(2, "fmnist_mlp", Optional.of(TWO_CORES), LayoutChooser.Fixed.NONE, 64);
        assertThat(c.layout()).isEqualTo(new Layout(2, 1, 8));
        assertThat(c.line()).isEqualTo("layout: 2 workers × 1 thread × 8 trials per batch "
                + "(measured 2026-12-01, bench trials: 1900 trial-steps/s)");
        // without a batched form, only K = 1 rows count
        var one = LayoutChooser.choose(2, "fmnist_mlp", Optional.of(TWO_CORES), LayoutChooser.Fixed.NONE, 1);
        assertThat(one.layout()).isEqualTo(new Layout(2, 1, 1));
        assertThat(one.line()).isEqualTo("layout: 2 workers × 1 thread × 1 trial per batch "
                + "(measured 2026-12-01, bench trials: 467 trial-steps/s)");
    }

    @Test
    void fixedChoicesFilterTheMeasuredRows() {
        var threads = LayoutChooser.choose(2, "fmnist_mlp", Optional.of(TWO_CORES),
                new LayoutChooser.Fixed(null, 2, "OPTBENCH_THREADS", null), 64);
        assertThat(threads.layout()).isEqualTo(new Layout(1, 2, 1));
        assertThat(threads.reason()).endsWith("; 2 threads fixed by OPTBENCH_THREADS");
        var workers = LayoutChooser.choose(2, "fmnist_mlp", Optional.of(TWO_CORES),
                new LayoutChooser.Fixed(1, null, null, null), 64);
        assertThat(workers.layout()).isEqualTo(new Layout(1, 1, 16));
        var batch = LayoutChooser.choose(2, "fmnist_mlp", Optional.of(TWO_CORES),
                new LayoutChooser.Fixed(null, null, null, 1), 64);
        assertThat(batch.layout()).isEqualTo(new Layout(2, 1, 1));
        assertThat(batch.reason()).endsWith("; --batch-trials 1");
    }

    @Test
    void fallsBackToOneSingleThreadedWorkerPerCore() {
        var none = LayoutChooser.choose(2, "fmnist_mlp", Optional.empty(), LayoutChooser.Fixed.NONE, 1);
        assertThat(none.line()).isEqualTo("layout: 2 workers × 1 thread × 1 trial per batch (default for 2 cores, "
                + "not measured: 'optbench bench layout --workloads fmnist_mlp' measures it)");
        assertThat(LayoutChooser.choose(16, "fmnist_mlp", Optional.empty(), LayoutChooser.Fixed.NONE, 64).layout())
                .isEqualTo(new Layout(16, 1, LayoutChooser.DEFAULT_BATCH));
        assertThat(LayoutChooser.choose(16, "fmnist_mlp", Optional.empty(), LayoutChooser.Fixed.NONE, 4).layout())
                .isEqualTo(new Layout(16, 1, 4));
        // a fixed thread count leaves cores / threads workers
        assertThat(LayoutChooser.choose(8, "fmnist_mlp", Optional.empty(), new LayoutChooser.Fixed(null, 4, "x", null), 1)
                .layout()).isEqualTo(new Layout(2, 4, 1));
        assertThat(LayoutChooser.choose(2, "fmnist_mlp", Optional.empty(), new LayoutChooser.Fixed(null, 4, "x", null), 1)
                .layout()).isEqualTo(new Layout(1, 4, 1));
    }

    @Test
    void trialsPerBatchShrinkSoEveryWorkerGetsSomeOfTheStudy() {
        var c = LayoutChooser.choose(2, "fmnist_mlp", Optional.empty(), LayoutChooser.Fixed.NONE, 64);
        assertThat(c.layout()).isEqualTo(new Layout(2, 1, 8));
        // 4 pending trials, 2 workers: ⌈4 / 2⌉ = 2 per batch, not 4 for the first worker and none for the second
        var four = LayoutChooser.fitTo(c, 4, LayoutChooser.Fixed.NONE);
        assertThat(four.layout()).isEqualTo(new Layout(2, 1, 2));
        assertThat(four.line()).endsWith("; 2 trials per batch for 4 pending trials)");
        assertThat(LayoutChooser.fitTo(c, 5, LayoutChooser.Fixed.NONE).layout()).isEqualTo(new Layout(2, 1, 3));
        assertThat(LayoutChooser.fitTo(c, 1, LayoutChooser.Fixed.NONE).layout()).isEqualTo(new Layout(2, 1, 1));
        assertThat(LayoutChooser.fitTo(c, 16, LayoutChooser.Fixed.NONE)).isSameAs(c);
        assertThat(LayoutChooser.fitTo(c, 0, LayoutChooser.Fixed.NONE)).isSameAs(c);
        // a K the user gave stays
        assertThat(LayoutChooser.fitTo(c, 4, new LayoutChooser.Fixed(null, null, null, 8))).isSameAs(c);
    }

    @Test
    void aTableOfAnotherMachineShapeOrWorkloadIsNotUsed() {
        var other = LayoutChooser.choose(4, "fmnist_mlp", Optional.of(TWO_CORES), LayoutChooser.Fixed.NONE, 1);
        assertThat(other.layout()).isEqualTo(new Layout(4, 1, 1));
        assertThat(other.reason()).startsWith("default for 4 cores, the measured table is for 2 cores");
        var nothingFits = LayoutChooser.choose(2, "fmnist_mlp", Optional.of(TWO_CORES),
                new LayoutChooser.Fixed(3, null, null, null), 1);
        assertThat(nothingFits.layout()).isEqualTo(new Layout(3, 1, 1));
        assertThat(nothingFits.reason()).contains("no measured layout fits").endsWith("; --workers 3");
        var otherWorkload = LayoutChooser.choose(2, "fmnist_2c2d", Optional.of(TWO_CORES), LayoutChooser.Fixed.NONE, 1);
        assertThat(otherWorkload.reason()).startsWith("default for 2 cores");
    }

    @Test
    void theTableRoundTripsThroughItsCacheFile() {
        Path file = LayoutTable.file(dir, "my host", "fmnist_mlp-tiny");
        assertThat(file.getFileName().toString()).isEqualTo("layout-my_host-fmnist_mlp-tiny.json");
        assertThat(LayoutTable.read(file)).isEmpty();
        TWO_CORES.write(file);
        assertThat(LayoutTable.read(file)).contains(TWO_CORES);
    }

    @Test
    void aCorruptCacheFileIsAnInputErrorNamingTheFix() throws Exception {
        Path file = dir.resolve("layout-h-w.json");
        Files.writeString(file, "{\"host\": \"h\"");
        assertThatThrownBy(() -> LayoutTable.read(file)).isInstanceOf(InputException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("delete it");
    }

    @Test
    void countsAreAutoOrPositive() {
        assertThat(Layouts.parseCount("auto", "--workers")).isNull();
        assertThat(Layouts.parseCount("3", "--workers")).isEqualTo(3);
        assertThatThrownBy(() -> Layouts.parseCount("0", "--workers")).isInstanceOf(InputException.class)
                .hasMessage("--workers must be 'auto' or a whole number of at least 1, not '0'");
        assertThatThrownBy(() -> Layouts.parseCount("two", "--batch-trials")).isInstanceOf(InputException.class);
    }
}
