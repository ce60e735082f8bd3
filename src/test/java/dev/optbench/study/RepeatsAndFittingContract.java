package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.OptimizerAnalysis;
import dev.optbench.analysis.StudyAnalysis;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.TrialCsv;
import dev.optbench.space.FitOptions;
import dev.optbench.space.Range;
import dev.optbench.space.SearchSpace;
import dev.optbench.space.Seeds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Seed repeats and the fitted protocol's two stages, end to end through a store and workers. */
abstract class RepeatsAndFittingContract extends StoreFixture {
    /** Wide log ranges with the bowl's optimum (lr 1e-2, 1 − momentum 3e-2) deep inside. */
    static final String WIDE = "{\"learning_rate\": {\"min\": 1e-5, \"max\": 100.0, \"scaling\": \"log\"},"
            + " \"one_minus_momentum\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"}}";

    static StudyDefinition definition(String name, String protocol, int points, int seeds, FitOptions fit) {
        return new StudyDefinition(name, "quadratic", protocol, List.of("momentum", "nesterov"), points, 17, "halton",
                Map.of("momentum", WIDE, "nesterov", WIDE), Instant.ofEpochMilli(1_700_000_000_000L), seeds, fit);
    }

    private int runWorkers(String study, TrialRunner runner, int workers) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<SqlStudyStore> stores = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
        for (int w = 0; w < workers; w++) {
            SqlStudyStore s = StudyStores.open(url);
            stores.add(s);
            Worker worker = new Worker(s, runner, study, "w" + w, 5_000, new Worker.Listener() {});
            Thread t = new Thread(() -> stored.addAndGet(worker.run()));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
        stores.forEach(SqlStudyStore::close);
        return stored.get();
    }

    @org.junit.jupiter.api.io.TempDir java.nio.file.Path reportDir;

    private StudyAnalysis analyze(String study) {
        try (SqlStudyStore store = StudyStores.open(url)) {
            StudyData data = new StudyData(store.study(study), store.trials(study, true), 0.15);
            return new Analyzer(AnalysisOptions.of(2000, 3)).analyze(List.of(data)).studies().get(0);
        }
    }

    /** The report of the study renders; returns its HTML. */
    private String report(String study) throws Exception {
        try (SqlStudyStore store = StudyStores.open(url)) {
            StudyData data = new StudyData(store.study(study), store.trials(study, true), 0.15);
            var result = new Analyzer(AnalysisOptions.of(500, 3)).analyze(List.of(data));
            var w = dev.optbench.report.ReportWriter.write(result, List.of(data), reportDir);
            return java.nio.file.Files.readString(w.html());
        }
    }

    @Test
    void threeSeedsPerPointDistinctSeedsMeanOutcomeAndSpread() throws Exception {
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("rep", "full", 5, 3, null));
            assertThat(store.study("rep").seeds()).isEqualTo(3);
        }
        assertThat(runWorkers("rep", new BowlRunner(0.05), 2)).isEqualTo(2 * 5 * 3);
        List<Trial> trials;
        try (SqlStudyStore store = StudyStores.open(url)) {
            trials = store.trials("rep", false);
        }
        assertThat(trials).hasSize(30);
        for (String o : List.of("momentum", "nesterov")) {
            Map<Integer, List<Trial>> byPoint = trials.stream().filter(t -> t.optimizer().equals(o))
                    .collect(Collectors.groupingBy(Trial::point));
            assertThat(byPoint).hasSize(5);
            byPoint.forEach((p, ts) -> {
                assertThat(ts).hasSize(3);
                assertThat(ts).extracting(Trial::repeat).containsExactlyInAnyOrder(0, 1, 2);
                assertThat(ts.stream().map(Trial::seed).distinct().count()).as("distinct seeds of point %d", p).isEqualTo(3);
                assertThat(ts.stream().map(Trial::searched).distinct().count()).as("one point").isEqualTo(1);
                ts.forEach(t -> {
                    assertThat(t.index()).isEqualTo(3 * p + t.repeat());
                    assertThat(t.seed()).isEqualTo(Seeds.repeatSeed(17, p, t.repeat()));
                });
            });
        }
        Set<Long> allSeeds = trials.stream().filter(t -> t.optimizer().equals("momentum")).map(Trial::seed)
                .collect(Collectors.toSet());
        assertThat(allSeeds).hasSize(15);
        assertThat(Seeds.repeatSeed(17, 4, 0)).isEqualTo(Seeds.trialSeed(17, 4)); // one seed per point: as before

        StudyAnalysis s = analyze("rep");
        OptimizerAnalysis a = s.optimizers().get("momentum");
        assertThat(a.trials()).isEqualTo(5); // points
        List<Trial> best = trials.stream().filter(t -> t.optimizer().equals("momentum") && t.point() == a.best().trial())
                .toList();
        double meanVal = best.stream().mapToDouble(Trial::validationError).average().orElseThrow();
        double meanTest = best.stream().mapToDouble(Trial::testError).average().orElseThrow();
        assertThat(a.best().validationError()).isCloseTo(meanVal, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(a.best().testError()).isCloseTo(meanTest, org.assertj.core.data.Offset.offset(1e-12));
        // and it is the best mean of all points
        Map<Integer, Double> means = trials.stream().filter(t -> t.optimizer().equals("momentum"))
                .collect(Collectors.groupingBy(Trial::point, Collectors.averagingDouble(Trial::validationError)));
        assertThat(means.values()).allSatisfy(m -> assertThat(m).isGreaterThanOrEqualTo(meanVal - 1e-12));
        assertThat(a.seedSpread().trials()).containsExactlyInAnyOrderElementsOf(best.stream().map(Trial::index).toList());
        assertThat(a.seedSpread().testMin()).isEqualTo(best.stream().mapToDouble(Trial::testError).min().orElseThrow());
        assertThat(a.seedSpread().testMax()).isEqualTo(best.stream().mapToDouble(Trial::testError).max().orElseThrow());

        assertThat(report("rep")).contains("the dashed bar", "test errors over its seeds (min to max)");

        // export → import keeps seed, point and repeat
        String csv = TrialExport.csv(trials);
        TrialCsv back = TrialCsv.parse(dev.optbench.optim.OptimizerRegistry.BUILT_IN, csv, "export.csv", "again");
        assertThat(back.trials()).hasSize(30);
        for (int i = 0; i < trials.size(); i++) {
            Trial x = trials.get(i);
            Trial y = back.trials().get(i);
            assertThat(List.of(y.optimizer(), y.index(), y.point(), y.repeat(), y.seed(), y.stage()))
                    .isEqualTo(List.of(x.optimizer(), x.index(), x.point(), x.repeat(), x.seed(), x.stage()));
        }
        StudyDefinition imported = back.definition("again", "quadratic", "full", Instant.EPOCH);
        assertThat(imported.seeds()).isEqualTo(3);
        assertThat(imported.trialsPerOptimizer()).isEqualTo(5);
    }

    @Test
    void fittedRangesContainTheOptimumAreADecadeNarrowerAndPassTheBoundaryCheck() throws Exception {
        FitOptions fit = FitOptions.DEFAULT;
        try (SqlStudyStore store = StudyStores.open(url)) {
            store.createStudy(definition("fit", "fitted", 60, 1, fit));
            List<Trial> pending = store.trials("fit", false);
            assertThat(pending.stream().filter(t -> t.stage() == 2)).hasSize(2 * 30)
                    .allSatisfy(t -> assertThat(t.hparams()).isEmpty());
            assertThat(store.study("fit").fit()).isEqualTo(fit);
        }
        assertThat(runWorkers("fit", new BowlRunner(0.002), 3)).isEqualTo(120);
        Map<String, String> stored;
        List<Trial> trials;
        try (SqlStudyStore store = StudyStores.open(url)) {
            stored = store.fittedSpaces("fit");
            trials = store.trials("fit", false);
        }
        StudyAnalysis s = analyze("fit");
        for (String o : List.of("momentum", "nesterov")) {
            OptimizerAnalysis a = s.optimizers().get(o);
            SearchSpace wide = SearchSpace.fromJson(WIDE, "wide");
            SearchSpace fitted = SearchSpace.fromJson(stored.get(o), "fitted");
            // the analysis recomputes exactly the space the first claimer stored
            assertThat(SearchSpace.fromJson(a.fit().fitted(), "a")).isEqualTo(fitted);
            for (String h : List.of("learning_rate", "one_minus_momentum")) {
                Range.Log w = (Range.Log) wide.ranges().get(h);
                Range.Log f = (Range.Log) fitted.ranges().get(h);
                double opt = BowlRunner.OPTIMUM.get(h);
                assertThat(opt).as("%s %s contains the optimum", o, h).isBetween(f.min(), f.max());
                double narrower = Math.log10(w.max() / w.min()) - Math.log10(f.max() / f.min());
                assertThat(narrower).as("%s %s decades narrower", o, h).isGreaterThanOrEqualTo(1.0);
            }
            assertThat(a.fit().boundaryPassed()).as("%s stage-2 boundary check %s", o, a.boundaryWarnings()).isTrue();
            assertThat(a.trials()).isEqualTo(30); // stage 2 only
            assertThat(a.bootstrap().get(0).budget()).isEqualTo(31); // budgets count stage 1's 30 points first
            assertThat(a.full().budget()).isEqualTo(60);
            // every stage-2 trial lies in the fitted space, every stage-1 trial was finished before any stage 2 began
            List<Trial> mine = trials.stream().filter(t -> t.optimizer().equals(o)).toList();
            java.time.Instant lastStage1 = mine.stream().filter(t -> t.stage() == 1).map(Trial::finished)
                    .max(java.util.Comparator.naturalOrder()).orElseThrow();
            for (Trial t : mine.stream().filter(t -> t.stage() == 2).toList()) {
                assertThat(t.started()).isAfterOrEqualTo(lastStage1);
                t.searched().forEach((h, v) -> {
                    Range.Log f = (Range.Log) fitted.ranges().get(h);
                    assertThat(v).isBetween(f.min(), f.max());
                });
            }
            Set<Map<String, Double>> points = new HashSet<>();
            mine.forEach(t -> points.add(t.searched()));
            assertThat(points).hasSize(60);
        }
        String html = report("fit");
        assertThat(html).contains("Fitted search spaces (protocol fitted)", "boundary check of stage 2 in the fitted space: passed",
                "lower bound raised", "fig10-fit-0-fit-0-learning_rate", "fig10-fit-0-fit-1-one_minus_momentum");
        assertThat(reportDir.resolve("fig10-fit-0-fit-0-learning_rate.svg")).exists();
    }
}
