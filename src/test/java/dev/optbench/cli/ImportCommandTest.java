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

    @Test
    void awkwardLabelsSurviveExportImportExportThroughTheStore() throws Exception {
        String store = "sqlite:" + dir.resolve("s.db");
        Path in = Files.writeString(dir.resolve("in.csv"), "optimizer,trial,validation_error,test_error,learning_rate\n"
                + "\"a,b\",0,0.2,0.2,-0.5\n\"=1+2\",0,0.3,0.3,0.1\n\"x\"\"y\nz\",0,0.3,0.3,0.1\n\"'@me\",0,0.1,0.1,0.1\n"
                + "\"é 日本\",0,0.4,0.4,0.1\n"); // a leading ' before @ is the neutralizing mark: the label is @me
        assertThat(CliRun.of("import", in.toString(), "--study", "one", "--workload", "w", "--protocol", "p", "--store", store)
                .exitCode()).isZero();
        Path first = dir.resolve("first.csv");
        assertThat(CliRun.of("study", "export", "one", "-o", first.toString(), "--store", store).exitCode()).isZero();
        assertThat(Files.readString(first)).contains("\n\"a,b\",0,").contains("\n'=1+2,0,").contains("\n'@me,0,")
                .contains("\n\"x\"\"y\nz\",0,").contains(",-0.5,");
        CliRun again = CliRun.of("import", first.toString(), "--study", "two", "--workload", "w", "--protocol", "p", "--store", store);
        assertThat(again.exitCode()).as(again.err()).isZero();
        Path second = dir.resolve("second.csv");
        assertThat(CliRun.of("study", "export", "two", "-o", second.toString(), "--store", store).exitCode()).isZero();
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        CliRun status = CliRun.of("study", "status", "two", "--store", store);
        assertThat(status.out()).contains("a,b").contains("=1+2").contains("\n@me ").doesNotContain("'@me").contains("é 日本")
                .contains("\nx\"y\\nz "); // a label's line break is shown as \n: the table stays one line per optimizer
    }
}
