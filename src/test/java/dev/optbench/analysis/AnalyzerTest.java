package dev.optbench.analysis;

import static dev.optbench.analysis.TestTrials.done;
import static dev.optbench.analysis.TestTrials.trial;
import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyzerTest {
    @Test
    void bestTrialCountsDivergedAsOneAndExcludesUnfinished() {
        List<Trial> trials = List.of(
                trial("sgd", 0, TrialState.DIVERGED, null, null),
                trial("sgd", 1, TrialState.FAILED, 0.01, 0.01),
                trial("sgd", 2, TrialState.PENDING, null, null),
                trial("sgd", 3, TrialState.RUNNING, null, null),
                done("sgd", 4, 0.30, 0.31),
                done("sgd", 5, 0.20, 0.22),
                done("sgd", 6, 0.20, 0.25)); // tie with #5: lower index wins
        OptimizerAnalysis a = TestTrials.analyze(TestTrials.study("s", "w", "full", List.of("sgd"), trials, null), 1000)
                .optimizers().get("sgd");
        assertThat(a.trials()).isEqualTo(4);
        assertThat(a.diverged()).isEqualTo(1);
        assertThat(a.excluded()).isEqualTo(3);
        assertThat(a.best().trial()).isEqualTo(5);
        assertThat(a.best().testError()).isEqualTo(0.22);
        // at k=1 a uniform draw of 4 trials: test errors 0.22, 0.25, 0.31, 1.0 → p95 is the diverged 1.0
        assertThat(a.bootstrap().get(0).p95()).isEqualTo(1.0);
        assertThat(a.bootstrap().get(0).p5()).isEqualTo(0.22);
    }

    @Test
    void optimizerWithoutFinishedTrialsIsReportedButNotRanked() {
        StudyAnalysis s = TestTrials.analyze(TestTrials.study("s", "w", "full", List.of("sgd", "adam"),
                List.of(done("sgd", 0, 0.2, 0.2), trial("adam", 0, TrialState.PENDING, null, null)), null), 100);
        assertThat(s.optimizers().get("adam").best()).isNull();
        assertThat(s.optimizers().get("adam").excluded()).isEqualTo(1);
        assertThat(s.ranking()).extracting(RankEntry::optimizer).containsExactly("sgd");
        assertThat(AnalysisJson.tree(new Analyzer(AnalysisOptions.of(100, 1)).analyze(List.of(
                TestTrials.study("s", "w", "full", List.of("adam"), List.of(), null))))
                .at("/studies/0/optimizers/adam/best").isNull()).isTrue();
    }

    @Test
    void rankingTiesOverlappingIntervalsAndChecksInclusion() {
        List<Trial> trials = List.of(
                done("momentum", 0, 0.1, 0.10),
                done("sgd", 0, 0.2, 0.20),
                // two trials: at k=2 the better (test 0.15) is chosen with chance 3/4 → median 0.15, p95 0.25
                done("adam", 0, 0.3, 0.15), done("adam", 1, 0.4, 0.25));
        StudyAnalysis s = TestTrials.analyze(TestTrials.study("s", "w", "full", List.of("sgd", "momentum", "adam"),
                trials, null), 10_000);
        assertThat(s.ranking()).extracting(RankEntry::optimizer, RankEntry::rank)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("momentum", 1),
                        org.assertj.core.groups.Tuple.tuple("adam", 2), org.assertj.core.groups.Tuple.tuple("sgd", 2));
        RankEntry adam = s.ranking().get(1);
        assertThat(adam.median()).isEqualTo(0.15);
        assertThat(adam.p95()).isEqualTo(0.25);
        assertThat(adam.tiedWith()).containsExactly("sgd");
        // sgd ⊆ momentum holds (0.10 ≤ 0.20); sgd ⊆ adam holds (0.15 ≤ 0.20); momentum ⊆ adam fails (0.15 > 0.10)
        assertThat(s.inclusion()).extracting(c -> c.subset() + "<" + c.superset() + ":" + c.consistent())
                .containsExactlyInAnyOrder("sgd<momentum:true", "momentum<adam:false", "sgd<adam:true");
    }

    @Test
    void rankFlipsBetweenProtocolsOnTheSameWorkload() {
        StudyData a = TestTrials.study("lr", "w", "lr-only", List.of("sgd", "adam"),
                List.of(done("sgd", 0, 0.1, 0.10), done("adam", 0, 0.2, 0.20)), null);
        StudyData b = TestTrials.study("all", "w", "full", List.of("sgd", "adam"),
                List.of(done("sgd", 0, 0.2, 0.20), done("adam", 0, 0.1, 0.10)), null);
        StudyData other = TestTrials.study("x", "other", "full", List.of("sgd", "adam"),
                List.of(done("sgd", 0, 0.1, 0.10), done("adam", 0, 0.2, 0.20)), null);
        AnalysisResult r = new Analyzer(AnalysisOptions.of(100, 1)).analyze(List.of(a, b, other));
        assertThat(r.rankFlips()).hasSize(1);
        RankFlip f = r.rankFlips().get(0);
        assertThat(List.of(f.studyA(), f.studyB(), f.first(), f.second())).containsExactly("lr", "all", "sgd", "adam");
        assertThat(f.significant()).isTrue();
    }

    @Test
    void stepsToTargetFromCurvesWithNotReachedAsInfinity() {
        List<Measurement> fast = List.of(v(10, 0.5), v(20, 0.3), v(30, 0.2));
        List<Measurement> never = List.of(v(10, 0.6), v(20, 0.5), v(30, 0.4));
        List<Trial> trials = List.of(
                trial("sgd", 0, TrialState.COMPLETED, 0.2, 0.2, Map.of(), fast),
                trial("adam", 0, TrialState.COMPLETED, 0.4, 0.4, Map.of(), never));
        StudyAnalysis s = TestTrials.analyze(TestTrials.study("s", "w", "full", List.of("sgd", "adam"), trials, 0.3), 100);
        assertThat(s.optimizers().get("sgd").stepsToTarget().best()).isEqualTo(20); // ≤ target counts
        StepsToTarget adam = s.optimizers().get("adam").stepsToTarget();
        assertThat(adam.best()).isInfinite();
        assertThat(adam.notReached()).isEqualTo(1);
        assertThat(adam.full().median()).isInfinite();
        var json = AnalysisJson.tree(new Analyzer(AnalysisOptions.of(100, 1)).analyze(
                List.of(TestTrials.study("s", "w", "full", List.of("sgd", "adam"), trials, 0.3))));
        assertThat(json.at("/studies/0/optimizers/adam/steps_to_target/best").isNull()).isTrue();
        assertThat(json.at("/studies/0/optimizers/sgd/steps_to_target/best").asDouble()).isEqualTo(20);
        // the target sensitivity at an easier target (×1.5 = 0.45) lets adam reach it at step 30
        SensitivityRanking easier = s.targetSensitivity().stream().filter(x -> Math.abs(x.value() - 0.45) < 1e-12)
                .findFirst().orElseThrow();
        assertThat(easier.ranking()).extracting(RankEntry::optimizer, RankEntry::median)
                .contains(org.assertj.core.groups.Tuple.tuple("adam", 30.0));
    }

    @Test
    void budgetSensitivityDetectsAnOrderChange() {
        // A is fast but ends worse; B is slow but ends better (budget = 100 steps)
        List<Measurement> a = List.of(v(25, 0.20), t(25, 0.21), v(50, 0.18), t(50, 0.19), v(100, 0.15), t(100, 0.16));
        List<Measurement> b = List.of(v(25, 0.50), t(25, 0.51), v(50, 0.30), t(50, 0.31), v(100, 0.10), t(100, 0.11));
        List<Trial> trials = List.of(trial("sgd", 0, TrialState.COMPLETED, 0.15, 0.16, Map.of(), a),
                trial("adam", 0, TrialState.COMPLETED, 0.10, 0.11, Map.of(), b));
        StudyAnalysis s = TestTrials.analyze(TestTrials.study("s", "w", "full", List.of("sgd", "adam"), trials, null), 100);
        assertThat(s.budgetSensitivity()).extracting(SensitivityRanking::value).containsExactly(0.25, 0.5, 1.0);
        assertThat(s.budgetSensitivity()).extracting(SensitivityRanking::orderChanged).containsExactly(true, true, false);
        assertThat(Rankings.medianOrder(s.budgetSensitivity().get(0).ranking())).containsExactly("sgd", "adam");
        assertThat(s.budgetSensitivity().get(0).ranking().get(0).median()).isEqualTo(0.21);
        assertThat(Rankings.medianOrder(s.budgetSensitivity().get(2).ranking())).containsExactly("adam", "sgd");
        assertThat(s.budgetSensitivity().get(0).significantChange()).isTrue();
        // before any evaluation every trial counts 1.0: all tied, which is no change of order
        List<SensitivityRanking> early = new Analyzer(new AnalysisOptions(100, 1, List.of(0.1, 1.0), List.of(1.0)))
                .analyze(List.of(TestTrials.study("s", "w", "full", List.of("sgd", "adam"), trials, null))).studies().get(0)
                .budgetSensitivity();
        assertThat(early.get(0).ranking()).extracting(RankEntry::median).containsOnly(1.0);
        assertThat(early.get(0).orderChanged()).isFalse();
    }

    @Test
    void trainingLossRankingChoosesByTrainEvalLoss() {
        // sgd's best-by-validation trial has the higher training loss; the loss ranking picks trial 1
        Trial s0 = trial("sgd", 0, TrialState.COMPLETED, 0.10, 0.10, Map.of(), List.of(te(100, 0.50)));
        Trial s1 = trial("sgd", 1, TrialState.COMPLETED, 0.20, 0.20, Map.of(), List.of(te(100, 0.05)));
        Trial a0 = trial("momentum", 0, TrialState.COMPLETED, 0.05, 0.05, Map.of(), List.of(te(100, 0.60)));
        StudyAnalysis s = TestTrials.analyze(TestTrials.study("s", "w", "full", List.of("sgd", "momentum"),
                List.of(s0, s1, a0), null), 1000);
        assertThat(s.trainingLossRanking()).extracting(RankEntry::optimizer).containsExactly("sgd", "momentum");
        assertThat(s.trainingLossRanking().get(0).p5()).isEqualTo(0.05);
        // sgd ⊆ momentum: momentum's median 0.60 > sgd's p95 0.50 (at k=2 the 0.50 trial is chosen with chance 1/4)
        assertThat(s.trainingLossInclusion()).singleElement().extracting(InclusionCheck::consistent).isEqualTo(false);
        assertThat(s.ranking()).extracting(RankEntry::optimizer).first().isEqualTo("momentum");
    }

    @Test
    void boundaryCheckUsesLogUnitsForLogRangesAndSkipsFeasiblePoints() {
        String space = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"},"
                + " \"momentum\": {\"min\": 0.0, \"max\": 1.0, \"scaling\": \"linear\"},"
                + " \"decay_factor\": {\"feasible_points\": [0.001, 0.5]}}";
        List<Trial> trials = new ArrayList<>();
        // best 10% of 20 = 2 trials: #0 (lr 1.5e-4: log position 0.044 → lower warning; momentum 0.97 → upper)
        // and #1 (lr 1e-3: log position 0.25, linear position 0.0009: no warning in log units)
        trials.add(trial("adam", 0, TrialState.COMPLETED, 0.10, 0.1,
                Map.of("learning_rate", 1.5e-4, "momentum", 0.97, "decay_factor", 0.001), List.of()));
        trials.add(trial("adam", 1, TrialState.COMPLETED, 0.11, 0.1,
                Map.of("learning_rate", 1e-3, "momentum", 0.5, "decay_factor", 0.001), List.of()));
        for (int i = 2; i < 20; i++) { // worse trials at the bounds do not warn
            trials.add(trial("adam", i, TrialState.COMPLETED, 0.5 + i / 100.0, 0.5,
                    Map.of("learning_rate", 0.99, "momentum", 0.0), List.of()));
        }
        StudyData data = new StudyData(TestTrials.definition("s", "w", "full", List.of("adam"), Map.of("adam", space)),
                trials, null);
        List<BoundaryWarning> w = TestTrials.analyze(data, 100).optimizers().get("adam").boundaryWarnings();
        assertThat(w).extracting(x -> x.hparam() + ":" + x.side() + ":" + x.trials())
                .containsExactly("learning_rate:lower:[0]", "momentum:upper:[0]");
        assertThat(w.get(0).message()).contains("of the best 2 trials").contains("widen the range");
        assertThat(new SearchRange("x", 1e-4, 1, true).position(1e-2)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void performanceProfileRatiosAndRho() {
        StudyData w1 = TestTrials.study("w1", "a", "full", List.of("sgd", "adam"), List.of(
                steps(done("sgd", 0, 0.1, 0.1), 100.0), steps(done("adam", 0, 0.1, 0.1), 50.0)), null);
        StudyData w2 = TestTrials.study("w2", "b", "full", List.of("sgd", "adam"), List.of(
                steps(done("sgd", 0, 0.1, 0.1), 100.0), steps(done("adam", 0, 0.1, 0.1), null)), null);
        PerformanceProfile p = new Analyzer(AnalysisOptions.of(100, 1)).analyze(List.of(w1, w2))
                .performanceProfiles().get(0);
        assertThat(p.ratios().get("sgd")).containsEntry("w1", 2.0).containsEntry("w2", 1.0);
        assertThat(p.ratios().get("adam").get("w2")).isInfinite();
        int one = p.taus().indexOf(1.0);
        int two = p.taus().indexOf(2.0);
        int four = p.taus().indexOf(4.0);
        assertThat(p.rho().get("sgd").get(one)).isEqualTo(0.5);
        assertThat(p.rho().get("sgd").get(two)).isEqualTo(1.0);
        assertThat(p.rho().get("sgd").get(two - 1)).isEqualTo(0.5); // τ = 1.95
        assertThat(p.rho().get("adam").get(four)).isEqualTo(0.5);
    }

    @Test
    void syntheticStudyAnalysisIsReproducibleAndJsonHasTheIssueStructure() {
        StudyData data = SyntheticStudies.study("syn", "fmnist_mlp", "full", SyntheticStudies.OPTIMIZERS, 50, 3);
        AnalysisResult r1 = new Analyzer(AnalysisOptions.of(2000, 9)).analyze(List.of(data));
        AnalysisResult r2 = new Analyzer(AnalysisOptions.of(2000, 9)).analyze(List.of(data));
        assertThat(AnalysisJson.write(r1)).isEqualTo(AnalysisJson.write(r2));
        var json = AnalysisJson.tree(r1);
        var study = json.at("/studies/0");
        assertThat(study.get("study").asText()).isEqualTo("syn");
        assertThat(study.get("workload").asText()).isEqualTo("fmnist_mlp");
        assertThat(study.get("protocol").asText()).isEqualTo("full");
        var adam = study.at("/optimizers/adam");
        assertThat(adam.get("trials").asInt()).isEqualTo(50);
        assertThat(adam.at("/best").has("trial")).isTrue();
        assertThat(adam.at("/best/hparams").has("learning_rate")).isTrue();
        assertThat(adam.at("/bootstrap")).hasSize(7); // 1, 2, 4, …, 32, 50
        assertThat(adam.at("/bootstrap/6/budget").asInt()).isEqualTo(50);
        assertThat(adam.at("/steps_to_target").has("bootstrap")).isTrue();
        assertThat(adam.at("/boundary_warnings").isArray()).isTrue();
        assertThat(study.get("ranking")).hasSize(6);
        assertThat(study.get("inclusion")).hasSize(8);
        assertThat(json.get("rank_flips").isArray()).isTrue();
        assertThat(study.at("/sensitivity/budget")).hasSize(3);
        // the bootstrap median never increases with the budget (more trials can only help)
        for (var o : (Iterable<com.fasterxml.jackson.databind.JsonNode>) () -> study.get("optimizers").elements()) {
            double prev = Double.POSITIVE_INFINITY;
            for (var q : o.get("bootstrap")) {
                assertThat(q.get("median").asDouble()).isLessThanOrEqualTo(prev);
                prev = q.get("median").asDouble();
            }
        }
        String text = AnalysisText.write(r1);
        assertThat(text).contains("Study syn: workload fmnist_mlp, protocol full").contains("Inclusion consistency")
                .contains("Budget sensitivity").contains("k=50");
    }

    private static Trial steps(Trial t, Double steps) {
        return new Trial(t.study(), t.optimizer(), t.index(), t.state(), t.searched(), t.hparams(), t.seed(), t.worker(),
                t.started(), t.finished(), t.steps(), t.seconds(), t.validationError(), t.testError(), steps,
                t.provenance(), t.message(), t.curve());
    }

    private static Measurement v(long step, double error) {
        return new Measurement(step, Split.VALIDATION, error, error);
    }

    private static Measurement t(long step, double error) {
        return new Measurement(step, Split.TEST, error, error);
    }

    private static Measurement te(long step, double loss) {
        return new Measurement(step, Split.TRAIN_EVAL, loss, loss / 2);
    }
}
