package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyStores;
import dev.optbench.study.Trial;
import dev.optbench.workload.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproduceCommandTest {
    private static final List<String> STUDIES = List.of(
            "protocols-fmnist.tiny.fmnist_mlp-tiny.lr-only", "protocols-fmnist.tiny.fmnist_mlp-tiny.full",
            "protocols-fmnist.tiny.fmnist_mlp-tiny.fitted");

    @TempDir Path tmp;

    @Test
    void tinyProtocolsFmnistRunsEveryStudyReportsAndResumesWithoutRedoingTrials() throws Exception {
        Path data = TestData.fashion(tmp.resolve("fmnist"), 1200, 300);
        String store = "sqlite:" + tmp.resolve("studies.db");
        Path out = tmp.resolve("report");
        String[] args = {"reproduce", "protocols-fmnist", "--scale", "tiny", "--data-dir", data.toString(),
            "--store", store, "--out", out.toString(), "--bootstrap", "500"};

        CliRun first = CliRun.of(args);
        assertThat(first.exitCode()).as(first.err()).isZero();
        List<Trial> before = trials(store);
        assertThat(before).hasSize(3 * 6 * 8);
        assertThat(before).allSatisfy(t -> assertThat(t.state().countsAsFinished()).as(t.toString()).isTrue());
        Map<String, Long> perOptimizer = before.stream()
                .collect(Collectors.groupingBy(t -> t.study() + "/" + t.optimizer(), Collectors.counting()));
        assertThat(perOptimizer).hasSize(18).allSatisfy((k, n) -> assertThat(n).isEqualTo(8L));

        String html = Files.readString(out.resolve("report.html"));
        for (String name : List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam", "lr-only", "full", "fitted")) {
            assertThat(html).contains(name);
        }
        // the fitted study: stage 2 ran in the fitted spaces, which the report shows with stage 2's boundary check
        assertThat(html).contains("Fitted search spaces (protocol fitted)", "boundary check of stage 2 in the fitted space",
                "Tuning cost to match");
        assertThat(before.stream().filter(t -> t.study().endsWith(".fitted") && t.stage() == 2)).hasSize(6 * 4)
                .allSatisfy(t -> assertThat(t.hparams()).containsKey("learning_rate"));
        assertThat(first.out()).contains("report: " + out.resolve("report.html").toAbsolutePath());

        CliRun second = CliRun.of(args);
        assertThat(second.exitCode()).as(second.err()).isZero();
        List<Trial> after = trials(store);
        assertThat(after).extracting(Trial::finished).isEqualTo(before.stream().map(Trial::finished).toList());
        assertThat(after).extracting(Trial::worker).isEqualTo(before.stream().map(Trial::worker).toList());
    }

    @Test
    void aMissingDataSetNamesTheFileAndStoresNothing() {
        Path db = tmp.resolve("none.db");
        CliRun r = CliRun.of("reproduce", "protocols-fmnist", "--data-dir", tmp.resolve("empty").toString(),
                "--store", "sqlite:" + db, "--out", tmp.resolve("r").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("train-images-idx3-ubyte").contains("dataset-fashion-mnist");
        assertThat(db).doesNotExist();
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void aGpuRunOnAMachineWithoutOneStopsBeforeAnythingIsStored() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ai.djl.engine.Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        Path data = TestData.fashion(tmp.resolve("fmnist"), 200, 50);
        Path db = tmp.resolve("gpu.db");
        CliRun r = CliRun.of("reproduce", "protocols-fmnist", "--device", "gpu", "--data-dir", data.toString(),
                "--store", "sqlite:" + db, "--out", tmp.resolve("r").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--device gpu: no GPU");
        assertThat(db).doesNotExist();
    }

    @Test
    void listDescribesEveryExperimentAndScale() {
        CliRun r = CliRun.of("reproduce", "--list");
        assertThat(r.exitCode()).isZero();
        for (String name : List.of("protocols-fmnist", "deepobs-cifar100", "wilson-vgg", "char-lstm")) {
            assertThat(r.out()).contains(name);
        }
        assertThat(r.out()).contains("--scale tiny").contains("--scale cpu").contains("--scale paper");
    }

    @Test
    void trialsAndProtocolsOverrideTheScale() throws Exception {
        Path data = TestData.fashion(tmp.resolve("fmnist"), 600, 100);
        String store = "sqlite:" + tmp.resolve("some.db");
        CliRun r = CliRun.of("reproduce", "protocols-fmnist", "--scale", "tiny", "--trials", "3", "--protocols", "lr-only,full",
                "--data-dir", data.toString(), "--store", store, "--out", tmp.resolve("r").toString(), "--bootstrap", "200");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Long> perStudy = trials(store).stream().collect(Collectors.groupingBy(Trial::study, Collectors.counting()));
        assertThat(perStudy).containsOnly(Map.entry(STUDIES.get(0), 18L), Map.entry(STUDIES.get(1), 18L));
    }

    @Test
    void badTrialsAndProtocolsAreOneLineUsageErrorsThatStoreNothing() {
        Path db = tmp.resolve("bad.db");
        CliRun protocol = CliRun.of("reproduce", "protocols-fmnist", "--protocols", "lr-only,nope", "--store", "sqlite:" + db);
        assertThat(protocol.exitCode()).isEqualTo(2);
        assertThat(protocol.err().strip()).doesNotContain("\n").contains("no protocol 'nope'").contains("lr-only, full, fitted");
        CliRun trials = CliRun.of("reproduce", "protocols-fmnist", "--trials", "0", "--store", "sqlite:" + db);
        assertThat(trials.exitCode()).isEqualTo(2);
        assertThat(trials.err().strip()).doesNotContain("\n").contains("--trials must be at least 1, not 0");
        assertThat(db).doesNotExist();
    }

    @Test
    void badNamesAndScalesAreUsageErrors() {
        assertThat(CliRun.of("reproduce", "nope").exitCode()).isEqualTo(2);
        CliRun scale = CliRun.of("reproduce", "protocols-fmnist", "--scale", "huge");
        assertThat(scale.exitCode()).isEqualTo(2);
        assertThat(scale.err()).contains("unknown scale 'huge'");
        assertThat(CliRun.of("reproduce").exitCode()).isEqualTo(2);
    }

    private static List<Trial> trials(String store) {
        try (SqlStudyStore s = StudyStores.open(store)) {
            List<Trial> all = new ArrayList<>();
            for (String study : STUDIES) {
                all.addAll(s.trials(study, false));
            }
            return all;
        }
    }
}
