package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
    @TempDir Path dir;

    private Path csv(String name, String optimizer, int from, int to) throws Exception {
        StringBuilder b = new StringBuilder("optimizer,trial,validation_error,test_error\n");
        for (int i = from; i < to; i++) {
            b.append(optimizer).append(',').append(i).append(",0.2,0.2\n");
        }
        return Files.writeString(dir.resolve(name), b);
    }

    @Test
    void anImportThatMakesBudgetsUnequalWarnsInOneLine() throws Exception {
        String store = "sqlite:" + dir.resolve("s.db");
        Path both = dir.resolve("both.csv");
        Files.writeString(both, Files.readString(csv("a.csv", "adam", 0, 20))
                + Files.readString(csv("s.csv", "sgd", 0, 20)).lines().skip(1).reduce("", (x, y) -> x + y + "\n"));
        CliRun equal = CliRun.of("import", both.toString(), "--study", "imp", "--workload", "w", "--protocol", "full", "--store", store);
        assertThat(equal.exitCode()).as(equal.err()).isZero();
        assertThat(equal.err()).isEmpty();
        CliRun more = CliRun.of("import", csv("more.csv", "sgd", 20, 21).toString(), "--study", "imp", "--workload", "w",
                "--protocol", "full", "--store", store);
        assertThat(more.exitCode()).as(more.err()).isZero();
        assertThat(more.err().strip()).isEqualTo("optbench: warning: study imp now has unequal budgets (adam 20, sgd 21 trials);"
                + " the analysis takes each optimizer's best over all its own trials, so compare at 20 trials (the bootstrap"
                + " curves at k = 20) or import the missing trials");
    }
}
