package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import dev.optbench.analysis.TrialCsv;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudyStores;
import dev.optbench.study.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalysisCommandsTest {
    private static final String CSV = """
            optimizer,trial,validation_error,test_error,steps_to_target,learning_rate
            sgd,0,0.30,0.31,,0.5
            sgd,1,0.20,0.22,800,0.05
            sgd,2,0.25,0.24,900,0.005
            adam,0,0.15,0.16,400,0.001
            adam,1,0.18,0.17,500,0.0001
            """;

    @TempDir Path dir;

    private String store() {
        return "sqlite:" + dir.resolve("s.db");
    }

    @Test
    void importThenAnalyzeAsJson() throws Exception {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, CSV);
        CliRun imp = CliRun.of("import", csv.toString(), "--study", "ext", "--workload", "paper_vgg", "--protocol", "lr-grid",
                "--store", store());
        assertThat(imp.exitCode()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("imported 5 trials (sgd, adam) into new study ext");
        try (SqlStudyStore s = StudyStores.open(store())) {
            StudyDefinition d = s.study("ext");
            assertThat(d.trialsPerOptimizer()).isEqualTo(3);
            assertThat(d.optimizers()).containsExactly("sgd", "adam");
            assertThat(s.trials("ext", false)).hasSize(5); // no pending placeholders
        }
        CliRun r = CliRun.of("analyze", "ext", "--json", "--bootstrap", "2000", "--seed", "3", "--store", store());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode s = j.at("/studies/0");
        assertThat(s.get("workload").asText()).isEqualTo("paper_vgg");
        assertThat(s.get("protocol").asText()).isEqualTo("lr-grid");
        assertThat(s.at("/optimizers/sgd/trials").asInt()).isEqualTo(3);
        assertThat(s.at("/optimizers/sgd/best/trial").asInt()).isEqualTo(1);
        assertThat(s.at("/optimizers/sgd/best/test_error").asDouble()).isEqualTo(0.22);
        assertThat(s.at("/optimizers/sgd/best/hparams/learning_rate").asDouble()).isEqualTo(0.05);
        assertThat(s.at("/optimizers/sgd/bootstrap")).extracting(n -> n.get("budget").asInt()).containsExactly(1, 2, 3);
        assertThat(s.at("/optimizers/adam/steps_to_target/best").asDouble()).isEqualTo(400); // stored values
        assertThat(s.at("/optimizers/sgd/steps_to_target/not_reached").asInt()).isEqualTo(1);
        assertThat(s.at("/ranking/0/optimizer").asText()).isEqualTo("adam");
        assertThat(s.at("/inclusion/0/subset").asText()).isEqualTo("sgd");
        assertThat(s.at("/inclusion/0/superset").asText()).isEqualTo("adam");
        assertThat(j.get("rank_flips").isArray()).isTrue();

        CliRun text = CliRun.of("analyze", "ext", "--bootstrap", "500", "--store", store());
        assertThat(text.exitCode()).isZero();
        assertThat(text.out()).contains("Study ext: workload paper_vgg, protocol lr-grid").contains("sgd ⊆ adam");
    }

    @Test
    void badRowIsRejectedWithItsLineAndNothingIsImported() throws Exception {
        Path good = dir.resolve("good.csv");
        Files.writeString(good, CSV);
        assertThat(CliRun.of("import", good.toString(), "--study", "ext", "--workload", "w", "--protocol", "p",
                "--store", store()).exitCode()).isZero();
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "optimizer,trial,validation_error,test_error\nsgd,7,0.2,0.2\nsgd,8,oops,0.2\n");
        for (String study : List.of("ext", "fresh")) {
            CliRun r = CliRun.of("import", bad.toString(), "--study", study, "--workload", "w", "--protocol", "p",
                    "--store", store());
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("optbench: " + bad
                    + " line 3: validation_error 'oops' is not a finite number; fix the value");
        }
        try (SqlStudyStore s = StudyStores.open(store())) {
            assertThat(s.trials("ext", false)).hasSize(5);
            assertThat(s.findStudy("fresh")).isEmpty();
        }
        Path clash = dir.resolve("clash.csv");
        Files.writeString(clash, "optimizer,trial,validation_error,test_error\nsgd,9,0.2,0.2\nsgd,0,0.1,0.1\n");
        CliRun r = CliRun.of("import", clash.toString(), "--study", "ext", "--workload", "w", "--protocol", "p",
                "--store", store());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("already has trial sgd#0");
        try (SqlStudyStore s = StudyStores.open(store())) {
            assertThat(s.trials("ext", false)).hasSize(5); // sgd#9 was not half-imported
        }
        CliRun other = CliRun.of("import", good.toString(), "--study", "ext", "--workload", "w2", "--protocol", "p",
                "--store", store());
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).contains("is on workload w with protocol p");
    }

    @Test
    void studiesWithCurvesInTheStoreAreAnalysedAndReported() throws Exception {
        // synthetic trials with curves, on a real workload so its target (fmnist_mlp: 0.12) applies
        for (String protocol : List.of("lr-only", "full")) {
            StudyData syn = SyntheticStudies.study("mlp-" + protocol, "fmnist_mlp", protocol, List.of("sgd", "momentum", "adam"),
                    12, protocol.length());
            StudyDefinition d = syn.definition();
            try (SqlStudyStore s = StudyStores.open(store())) {
                s.createStudy(new StudyDefinition(d.name(), d.workload(), d.protocol(), d.optimizers(), 12, 0,
                        TrialCsv.SAMPLER, d.spaces(), d.created()));
                s.importTrials(d.name(), syn.trials());
                List<Trial> back = s.trials(d.name(), true);
                Trial first = syn.trials().get(0);
                assertThat(back.stream().filter(t -> t.optimizer().equals(first.optimizer()) && t.index() == first.index())
                        .findFirst().orElseThrow().curve()).isEqualTo(first.curve());
            }
        }
        CliRun r = CliRun.of("analyze", "mlp-lr-only", "mlp-full", "--json", "--bootstrap", "1000", "--store", store());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.at("/studies/0/target").asDouble()).isEqualTo(0.12);
        assertThat(j.at("/studies/0/optimizers/adam/steps_to_target/target").asDouble()).isEqualTo(0.12);
        assertThat(j.at("/studies/1/sensitivity/budget")).hasSize(3);
        assertThat(j.at("/studies/1/training_loss_ranking")).hasSize(3);
        assertThat(j.at("/performance_profiles/0/protocol").asText()).isEqualTo("lr-only");

        // an export imports back: same trials, same best trials and bootstrap
        Path exported = dir.resolve("export.csv");
        assertThat(CliRun.of("study", "export", "mlp-full", "-o", exported.toString(), "--store", store()).exitCode())
                .isZero();
        assertThat(CliRun.of("import", exported.toString(), "--study", "back", "--workload", "fmnist_mlp", "--protocol",
                "full", "--store", store()).exitCode()).isZero();
        JsonNode both = new ObjectMapper().readTree(CliRun.of("analyze", "mlp-full", "back", "--json", "--bootstrap",
                "1000", "--store", store()).out());
        for (String o : List.of("sgd", "momentum", "adam")) {
            JsonNode a = both.at("/studies/0/optimizers/" + o);
            JsonNode b = both.at("/studies/1/optimizers/" + o);
            assertThat(b.get("trials")).isEqualTo(a.get("trials"));
            assertThat(b.get("diverged")).isEqualTo(a.get("diverged"));
            assertThat(b.get("best")).isEqualTo(a.get("best"));
            assertThat(b.get("bootstrap")).isEqualTo(a.get("bootstrap"));
        }
        try (SqlStudyStore s = StudyStores.open(store())) {
            Trial t = s.trials("back", false).stream().filter(x -> x.optimizer().equals("momentum")).findFirst().orElseThrow();
            assertThat(t.searched()).containsKeys("learning_rate", "one_minus_momentum").doesNotContainKey("momentum");
        }

        Path out = dir.resolve("report");
        CliRun rep = CliRun.of("report", "mlp-lr-only", "mlp-full", "--out", out.toString(), "--bootstrap", "1000",
                "--store", store());
        assertThat(rep.exitCode()).as(rep.err()).isZero();
        assertThat(out.resolve("report.html")).exists();
        assertThat(out.resolve("fig1-best-test-error.svg")).exists();
        assertThat(Files.readString(out.resolve("report.html"))).contains("mlp-lr-only").contains("mlp-full");
    }

    @Test
    void unknownStudyAndBadOptionsAreInputErrors() throws Exception {
        CliRun none = CliRun.of("analyze", "nope", "--store", store()); // no store file yet: not created by a read
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(dir.resolve("s.db")).doesNotExist();
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, CSV);
        assertThat(CliRun.of("import", csv.toString(), "--study", "ext", "--workload", "w", "--protocol", "p",
                "--store", store()).exitCode()).isZero();
        CliRun r = CliRun.of("analyze", "nope", "--store", store());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).contains("nope");
        assertThat(CliRun.of("analyze", "x", "--bootstrap", "0", "--store", store()).exitCode()).isEqualTo(2);
        assertThat(CliRun.of("report", "x", "--store", store()).exitCode()).isEqualTo(2); // --out missing
        CliRun missing = CliRun.of("import", dir.resolve("missing.csv").toString(), "--study", "a", "--workload", "w",
                "--protocol", "p", "--store", store());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("optbench: cannot read");
    }

    @Test
    void benchAnalysisRunsAndReportsMedians() {
        CliRun r = CliRun.of("bench", "analysis", "--trials", "20", "--bootstrap", "200", "--runs", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("synthetic study: 20 trials x 6 optimizers").contains("analysis: median")
                .contains("report (analysis + ");
    }
}
