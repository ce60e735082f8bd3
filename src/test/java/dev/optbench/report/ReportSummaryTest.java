package dev.optbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report leads with the verdict, numbers every section, and explains its odd-looking rows. */
class ReportSummaryTest {
    @TempDir Path dir;

    private String report(List<StudyData> data) throws Exception {
        AnalysisResult r = new Analyzer(AnalysisOptions.of(500, 1)).analyze(data);
        return Files.readString(ReportWriter.write(r, data, dir).html());
    }

    /** sgd clearly beats momentum (sgd ⊆ momentum: a violation), with curves evaluated from step {@code first}. */
    private static StudyData violating(long first) {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            trials.add(trial("sgd", i, 0.10 + 0.001 * i, first));
            trials.add(trial("momentum", i, 0.30 + 0.001 * i, first));
        }
        StudyData s = SyntheticStudies.study("v", "w", "full", List.of("sgd", "momentum"), 8, 1);
        return new StudyData(s.definition(), trials, 0.5);
    }

    private static Trial trial(String optimizer, int index, double error, long first) {
        List<Measurement> curve = new ArrayList<>();
        for (long step = first; step <= 400; step += 100) {
            curve.add(new Measurement(step, Split.VALIDATION, 1.0, error + (400 - step) * 1e-4));
            curve.add(new Measurement(step, Split.TEST, 1.0, error + (400 - step) * 1e-4));
        }
        return new Trial("v", optimizer, index, TrialState.COMPLETED, java.util.Map.of("learning_rate", 0.01 * (index + 1)),
                java.util.Map.of("learning_rate", 0.01 * (index + 1)), index, "w", java.time.Instant.EPOCH,
                java.time.Instant.EPOCH, 400, 2.0 + index, error, error, null, java.util.Map.of("host", "h"), null, curve);
    }

    @Test
    void theSummaryComesFirstWithTheViolatedInclusionDrawn() throws Exception {
        String html = report(List.of(violating(100)));
        int summary = html.indexOf("<h2 id=\"s1-summary\">1. Summary");
        assertThat(summary).isPositive();
        assertThat(html.indexOf("<h2", html.indexOf("</nav>"))).isEqualTo(summary); // the first section after the contents
        assertThat(html.indexOf("Clear winner: sgd")).isBetween(summary, html.indexOf("2. Studies</h2>"));
        // the diagram: one red, dashed, crossed edge sgd ⊆ momentum
        assertThat(html).contains("<svg class=\"inclusion\"", "stroke=\"" + InclusionDiagram.VIOLATED + "\"",
                "<title>sgd ⊆ momentum: violated</title>", "violated: sgd ⊆ momentum");
        assertThat(html).doesNotContain("stroke=\"" + InclusionDiagram.HOLDS + "\"");
    }

    @Test
    void sectionsAreNumberedOneToNWithAContentsEntryEach() throws Exception {
        List<String> two = List.of("sgd", "adam"); // small: the numbering does not depend on the number of figures
        String html = report(List.of(SyntheticStudies.study("mlp-lr", "fmnist_mlp", "lr-only", two, 8, 1),
                SyntheticStudies.study("mlp-full", "fmnist_mlp", "full", two, 8, 2)));
        Matcher m = Pattern.compile("<h2 id=\"s(\\d+)-[a-z]+\">(\\d+)\\. ").matcher(html);
        int expected = 1;
        while (m.find()) {
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(expected);
            assertThat(Integer.parseInt(m.group(2))).isEqualTo(expected);
            assertThat(html).contains("<a href=\"#s" + expected + "-");
            expected++;
        }
        assertThat(expected - 1).as("every section numbered, past the old stop at 7").isGreaterThanOrEqualTo(12);
        assertThat(Pattern.compile("<h2>[^<0-9]").matcher(html.substring(html.indexOf("</nav>"))).find()).as("an unnumbered section").isFalse();
        assertThat(html).contains("<h3 id=\"s1-1\">1.1 Workload fmnist_mlp</h3>");
    }

    @Test
    void aBudgetCutBeforeTheFirstEvaluationSaysSo() throws Exception {
        // evaluations at 100 … 400: the 25% cut is step 100 (evaluated), so no note; from 200 on, 25% sees nothing
        assertThat(report(List.of(violating(100)))).doesNotContain("No evaluation before this cut");
        String html = report(List.of(violating(200)));
        assertThat(html).contains("25% (step 100)<", "No evaluation before this cut (the first is at step 200): every "
                + "trial counts as error 1.0, so all tie at 1.0000.");
        assertThat(html).doesNotContain("50% (step 200)<br>"); // the 50% cut sees step 200
    }

    @Test
    void theOneSidedIntervalAndSingleWorkloadProfilesAreExplained() throws Exception {
        String html = report(List.of(violating(100)));
        assertThat(html).contains("Why the 5–95% interval often starts at the best trial's own test error",
                "1 − (1 − 1/N)<sup>N</sup> ≈ 0.63");
        assertThat(html).contains("A performance profile over a single workload is a step from 0 to 1");
        assertThat(dir.resolve("fig8-profile-0-full.png")).doesNotExist();
    }

    @Test
    void wallClockTimeToResultWithItsHardware() throws Exception {
        String html = report(List.of(violating(100)));
        // sgd's trial 0: 2 s for 400 steps, first at or below 0.5 at step 100: 0.5 s; momentum's trial 0 too
        assertThat(html).contains("<td>sgd</td><td class=\"num\">0.500</td><td class=\"num\">#0</td>",
                "hardware of v: host h; cores not recorded; 1 trial(s) per batch; engine: not recorded");
    }

    /** A study on {@code workload} whose sgd trials each take {@code sgd} seconds and momentum's {@code momentum}. */
    private static StudyData timed(String name, String workload, double sgd, double momentum) {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (String o : List.of("sgd", "momentum")) {
                Trial t = trial(o, i, 0.2 + 0.01 * i, 100);
                trials.add(new Trial(name, o, i, t.state(), t.searched(), t.hparams(), t.seed(), t.worker(), t.started(),
                        t.finished(), t.steps(), o.equals("sgd") ? sgd : momentum, t.validationError(), t.testError(), null,
                        t.provenance(), null, t.curve()));
            }
        }
        StudyData s = SyntheticStudies.study(name, workload, "full", List.of("sgd", "momentum"), 4, 1);
        var d = s.definition();
        return new StudyData(new dev.optbench.study.StudyDefinition(name, workload, "full", d.optimizers(), 4, d.seed(),
                d.sampler(), d.spaces(), d.created()), trials, 0.5);
    }

    @Test
    void aProtocolOverTwoWorkloadsGetsATimeProfileWithAlgoPerfsScore() throws Exception {
        // w1: sgd 4 s, momentum 8 s (ratios 1 and 2); w2 the other way round. Each optimizer: ratios {1, 2},
        // B = ((4 − 1) + (4 − 2)) / (3 · 2) = 5/6
        String html = report(List.of(timed("t1", "w1", 4, 8), timed("t2", "w2", 8, 4)));
        assertThat(dir.resolve("fig12-time-profile-0-full.png")).exists();
        Figure f = new Figures(new Analyzer(AnalysisOptions.of(100, 1)).analyze(List.of(timed("t1", "w1", 4, 8),
                timed("t2", "w2", 8, 4))), List.of(timed("t1", "w1", 4, 8), timed("t2", "w2", 8, 4))).all().stream()
                .filter(x -> x.id().equals("fig12-time-profile-0-full")).findFirst().orElseThrow();
        assertThat(((org.knowm.xchart.XYChart) f.chart()).getSeriesMap().keySet())
                .containsExactlyInAnyOrder("sgd (B = 0.833)", "momentum (B = 0.833)");
        assertThat(html).doesNotContain("With one workload per protocol the profile is a single step");
        // the first evaluation (step 100 of 400) reaches the target: a quarter of the trial's seconds
        assertThat(html).contains("<td>t1</td><td>sgd</td><td class=\"num\">1.000</td>");
        // every trial's time in the CSV: t1's sgd trials take 4 s, so 1 s to the target at step 100 of 400
        List<String> csv = Files.readAllLines(dir.resolve("time-to-target.csv"));
        assertThat(csv.get(0)).isEqualTo("study,optimizer,trial,state,steps,seconds,seconds_to_target,host,batch_trials");
        assertThat(csv).contains("t1,sgd,0,completed,400,4.0,1.0,h,", "t2,momentum,3,completed,400,4.0,1.0,h,")
                .hasSize(1 + 2 * 8);
    }

    @Test
    void theSummaryRendersOnItsOwnForADashboard() {
        List<StudyData> data = List.of(violating(100));
        String html = SummaryHtml.of(new Analyzer(AnalysisOptions.of(100, 1)).analyze(data));
        assertThat(html).startsWith("<h3>Workload w</h3>").contains("Clear winner: sgd", "<svg class=\"inclusion\"")
                .doesNotContain("<h2", "<html").contains("(study v, 8 finished trials per optimizer)");
        // the same study on the torch engine beside it: each is named with its engine
        StudyData torch = SyntheticStudies.study("g", "w", "full", List.of("sgd", "momentum"), 8, 1);
        torch = new StudyData(torch.definition().withTorch(new dev.optbench.study.TorchEngine("cuda", java.util.Map.of())),
                torch.trials(), torch.target());
        String both = SummaryHtml.of(new Analyzer(AnalysisOptions.of(100, 1)).analyze(List.of(violating(100), torch)));
        assertThat(both).contains("(study v, DJL, 8 finished trials per optimizer)")
                .contains("(study g, torch on cuda, 8 finished trials per optimizer)");
    }
}
