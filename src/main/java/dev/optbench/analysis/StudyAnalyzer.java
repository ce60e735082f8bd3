package dev.optbench.analysis;

import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Analyses one study: per optimizer, then its rankings and sensitivities (SPEC section 8). */
final class StudyAnalyzer {
    private final AnalysisOptions options;

    StudyAnalyzer(AnalysisOptions options) {
        this.options = options;
    }

    StudyAnalysis analyze(StudyData data) {
        StudyDefinition def = data.definition();
        Map<String, List<Trial>> byOptimizer = new LinkedHashMap<>();
        def.optimizers().forEach(o -> byOptimizer.put(o, new ArrayList<>()));
        for (Trial t : data.trials()) {
            byOptimizer.computeIfAbsent(t.optimizer(), o -> new ArrayList<>()).add(t);
        }
        Map<String, OptimizerAnalysis> optimizers = new LinkedHashMap<>();
        Map<String, Bootstrap> bootstraps = new LinkedHashMap<>();
        Map<String, List<Trial>> finished = new LinkedHashMap<>();
        for (Map.Entry<String, List<Trial>> e : byOptimizer.entrySet()) {
            Bootstrap bootstrap = new Bootstrap(options.resamples(), options.seed(), e.getKey());
            List<Trial> usable = e.getValue().stream().filter(TrialMetrics::usable).toList();
            bootstraps.put(e.getKey(), bootstrap);
            finished.put(e.getKey(), usable);
            optimizers.put(e.getKey(), optimizer(e.getKey(), e.getValue(), usable, bootstrap, data, def));
        }

        Map<String, BudgetQuantiles> full = new LinkedHashMap<>();
        Map<String, BudgetQuantiles> loss = new LinkedHashMap<>();
        optimizers.forEach((name, a) -> {
            if (a.full() != null) {
                full.put(name, a.full());
            }
            if (a.trainingLoss() != null) {
                loss.put(name, a.trainingLoss().get(a.trainingLoss().size() - 1));
            }
        });
        List<RankEntry> ranking = Rankings.rank(full);
        List<RankEntry> lossRanking = Rankings.rank(loss);
        return new StudyAnalysis(def.name(), def.workload(), def.protocol(), data.target(), optimizers, ranking,
                Rankings.inclusion(full), lossRanking, Rankings.inclusion(loss),
                budgetSensitivity(finished, bootstraps), targetSensitivity(finished, bootstraps, data.target()));
    }

    private OptimizerAnalysis optimizer(String name, List<Trial> all, List<Trial> usable, Bootstrap bootstrap,
            StudyData data, StudyDefinition def) {
        int excluded = all.size() - usable.size();
        int diverged = (int) usable.stream().filter(t -> t.state() == TrialState.DIVERGED).count();
        List<BoundaryWarning> noWarnings = List.of();
        if (usable.isEmpty()) {
            return new OptimizerAnalysis(name, 0, 0, excluded, null, List.of(), null, null, noWarnings);
        }
        Ranked ranked = Ranked.by(usable, TrialMetrics::validation);
        Trial b = ranked.best();
        BestTrial best = new BestTrial(b.index(), b.state(), TrialMetrics.validation(b), TrialMetrics.test(b),
                b.hparams(), b.searched());
        List<BudgetQuantiles> testCurve = bootstrap.curve(ranked.values(TrialMetrics::test));

        StepsToTarget steps = null;
        boolean stepsKnown = data.target() != null || usable.stream().anyMatch(t -> t.stepsToTarget() != null);
        if (stepsKnown) {
            double[] s = ranked.values(t -> TrialMetrics.steps(t, data.target()));
            int reached = 0;
            for (double v : s) {
                reached += Double.isInfinite(v) ? 0 : 1;
            }
            steps = new StepsToTarget(data.target(), s[0], reached, s.length - reached, bootstrap.curve(s));
        }

        List<BudgetQuantiles> lossCurve = null;
        List<Trial> withLoss = usable.stream().filter(t -> !Double.isNaN(TrialMetrics.trainingLoss(t))).toList();
        if (withLoss.stream().anyMatch(t -> t.state() != TrialState.DIVERGED)) {
            Ranked byLoss = Ranked.by(withLoss, TrialMetrics::trainingLoss);
            lossCurve = bootstrap.curve(byLoss.keys());
        }
        List<BoundaryWarning> warnings = BoundaryCheck.check(ranked.trials(),
                SearchRange.parse(def.spaces().get(name)));
        return new OptimizerAnalysis(name, usable.size(), diverged, excluded, best, testCurve, steps, lossCurve, warnings);
    }

    /** Rankings from the curves at fractions of the step budget (the largest step evaluated). */
    private List<SensitivityRanking> budgetSensitivity(Map<String, List<Trial>> finished, Map<String, Bootstrap> bs) {
        long budget = 0;
        for (List<Trial> ts : finished.values()) {
            for (Trial t : ts) {
                budget = Math.max(budget, Curves.lastStep(t.curve()));
            }
        }
        List<SensitivityRanking> out = new ArrayList<>();
        if (budget == 0) {
            return out;
        }
        List<RankEntry> reference = null;
        List<Double> fractions = new ArrayList<>(options.budgetFractions());
        fractions.sort(java.util.Comparator.reverseOrder()); // reference (largest) first
        Map<Double, List<RankEntry>> rankings = new LinkedHashMap<>();
        for (double f : fractions) {
            double cutoff = f * budget;
            Map<String, BudgetQuantiles> full = new LinkedHashMap<>();
            finished.forEach((name, ts) -> {
                if (ts.isEmpty()) {
                    return;
                }
                Map<Trial, double[]> at = new IdentityHashMap<>();
                ts.forEach(t -> at.put(t, TrialMetrics.errorsAt(t, cutoff)));
                Ranked r = Ranked.by(ts, t -> at.get(t)[0]);
                full.put(name, bs.get(name).full(r.values(t -> at.get(t)[1])));
            });
            rankings.put(f, Rankings.rank(full));
        }
        for (double f : options.budgetFractions()) {
            List<RankEntry> ranking = rankings.get(f);
            if (reference == null) {
                reference = rankings.get(fractions.get(0));
            }
            out.add(new SensitivityRanking("budget", f, ranking,
                    !Rankings.medianOrder(ranking).equals(Rankings.medianOrder(reference)),
                    Rankings.significantlyReordered(reference, ranking)));
        }
        return out;
    }

    /** Rankings by bootstrapped steps to target at several targets (factors of the workload's). */
    private List<SensitivityRanking> targetSensitivity(Map<String, List<Trial>> finished, Map<String, Bootstrap> bs,
            Double target) {
        List<SensitivityRanking> out = new ArrayList<>();
        boolean curves = finished.values().stream().flatMap(List::stream)
                .anyMatch(t -> Curves.has(t.curve(), dev.optbench.train.Split.VALIDATION));
        if (target == null || !curves) {
            return out;
        }
        Map<String, Ranked> ranked = new LinkedHashMap<>();
        finished.forEach((name, ts) -> {
            if (!ts.isEmpty()) {
                ranked.put(name, Ranked.by(ts, TrialMetrics::validation));
            }
        });
        List<RankEntry> reference = null;
        for (double factor : options.targetFactors()) {
            double t = target * factor;
            Map<String, BudgetQuantiles> full = new LinkedHashMap<>();
            ranked.forEach((name, r) -> full.put(name, bs.get(name).full(r.values(x -> TrialMetrics.steps(x, t)))));
            List<RankEntry> ranking = Rankings.rank(full);
            if (reference == null) {
                reference = ranking;
            }
            out.add(new SensitivityRanking("target", t, ranking,
                    !Rankings.medianOrder(ranking).equals(Rankings.medianOrder(reference)),
                    Rankings.significantlyReordered(reference, ranking)));
        }
        return out;
    }
}
