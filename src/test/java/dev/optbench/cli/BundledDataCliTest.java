package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyStores;
import dev.optbench.study.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine without the Fashion-MNIST package, played by a process whose default data directory
 * (system property optbench.default-dir.fashion-mnist) does not exist: tiny trials run on the
 * bundled subset and every output says so; a full workload names the package to install.
 */
class BundledDataCliTest {
    @TempDir Path dir;

    @Test
    void withoutTheDataSetATinyStudyRunsOnTheBundledSubsetAndProvenanceAnalysisAndReportSaySo() throws Exception {
        Path missing = dir.resolve("no-fashion-mnist");
        String expected = "bundled Fashion-MNIST subset (6000 train / 1000 test rows) because " + missing + " is not installed";
        String store = "sqlite:" + dir.resolve("b.db");
        CliRun created = CliRun.of("study", "create", "b", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only",
                "--optimizers", "adam", "--trials", "1", "--store", store);
        assertThat(created.exitCode()).as(created.err()).isZero();
        Process run = optbench(missing, dir.resolve("run.log"), "study", "run", "b", "--store", store);
        assertThat(run.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(Files.readString(dir.resolve("run.log"))).isZero();
        try (SqlStudyStore s = StudyStores.open(store)) {
            Trial t = s.trials("b", true).get(0);
            assertThat(t.state().countsAsFinished()).isTrue();
            assertThat(t.curve()).isNotEmpty();
            assertThat(t.provenance()).containsEntry("data", expected);
        }
        CliRun json = CliRun.of("analyze", "b", "--json", "--store", store);
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.toString()).contains("\"data\":[\"" + expected.replace("\\", "\\\\") + "\"]");
        CliRun text = CliRun.of("analyze", "b", "--store", store);
        assertThat(text.out()).contains("data: " + expected);
        CliRun report = CliRun.of("report", "b", "--out", dir.resolve("r").toString(), "--store", store);
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(Files.readString(dir.resolve("r").resolve("report.html"))).contains("data: " + expected);
    }

    @Test
    void withoutTheDataSetAFullWorkloadNamesThePackage() throws Exception {
        Path missing = dir.resolve("no-fashion-mnist");
        Path log = dir.resolve("train.log");
        Process train = optbench(missing, log, "train", "--workload", "fmnist_mlp", "--optimizer", "sgd",
                "--hparams", "learning_rate=0.1", "--no-progress");
        assertThat(train.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(train.exitValue()).as(out).isEqualTo(2);
        assertThat(out.strip()).doesNotContain("\n").contains("missing directory " + missing)
                .contains("install the Debian package dataset-fashion-mnist");
    }

    private static Process optbench(Path defaultDir, Path log, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true",
                "-Doptbench.default-dir.fashion-mnist=" + defaultDir, "-cp", System.getProperty("java.class.path"),
                "dev.optbench.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPTBENCH_THREADS", "1");
        return pb.start();
    }
}
