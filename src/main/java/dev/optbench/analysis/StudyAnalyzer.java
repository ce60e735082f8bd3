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
        long budget = 0;
        for (Trial t : data.trials()) {
            budget = Math.max(budget, Curves.lastStep(t.curve()));
        }
        boolean curves = data.trials().stream().anyMatch(t -> Curves.has(t.curve(), dev.optbench.train.Split.VALIDATION));
        List<Double> targets = new ArrayList<>();
        if (data.target() != null && curves) {
            options.targetFactors().forEach(f -> targets.add(data.target() * f));
        }
        long stepBudget = budget;
        // Optimizers are independent (each has its own seeded bootstrap): analyse them in parallel.
        List<PerOptimizer> work = byOptimizer.entrySet().parallelStream()
                .map(e -> perOptimizer(e.getKey(), e.getValue(), data, def, stepBudget, targets)).toList();

        Map<String, OptimizerAnalysis> optimizers = new LinkedHashMap<>();
        Map<String, BudgetQuantiles> full = new LinkedHashMap<>();
        Map<String, BudgetQuantiles> loss = new LinkedHashMap<>();
        for (PerOptimizer w : work) {
            OptimizerAnalysis a = w.analysis();
            optimizers.put(a.optimizer(), a);
            if (a.full() != null) {
                full.put(a.optimizer(), a.full());
            }
            if (a.trainingLoss() != null) {
                loss.put(a.optimizer(), a.trainingLoss().get(a.trainingLoss().size() - 1));
            }
        }
        List<SensitivityRanking> budgetSensitivity = new ArrayList<>();
        if (stepBudget > 0) {
            double reference = options.budgetFractions().stream().mapToDouble(Double::doubleValue).max().orElse(1.0);
            budgetSensitivity = sensitivity("budget", options.budgetFractions(), reference, work, PerOptimizer::atFraction);
        }
        List<SensitivityRanking> targetSensitivity = targets.isEmpty() ? List.of()
                : sensitivity("target", targets, targets.get(0), work, PerOptimizer::atTarget);
        Map<String, double[]> testByRank = new LinkedHashMap<>();
        work.forEach(w -> testByRank.put(w.analysis().optimizer(), w.testByRank()));
        return new StudyAnalysis(def.name(), def.workload(), def.protocol(), data.target(), optimizers,
                Rankings.rank(full), Rankings.inclusion(full), Rankings.rank(loss), Rankings.inclusion(loss),
                budgetSensitivity, targetSensitivity, CostToMatch.table(testByRank, 0));
    }

    /** One optimizer's analysis plus its full-budget bootstrap at each budget fraction and target. */
    private record PerOptimizer(OptimizerAnalysis analysis, Map<Double, BudgetQuantiles> atFraction,
            Map<Double, BudgetQuantiles> atTarget, double[] testByRank) {}

    private PerOptimizer perOptimizer(String name, List<Trial> all, StudyData data, StudyDefinition def, long stepBudget,
            List<Double> targets) {
        Bootstrap bootstrap = new Bootstrap(options.resamples(), options.seed(), name);
        List<Trial> usable = all.stream().filter(TrialMetrics::usable).toList();
        OptimizerAnalysis analysis = optimizer(name, all, usable, bootstrap, data, def);
        Map<Double, BudgetQuantiles> atFraction = new LinkedHashMap<>();
        Map<Double, BudgetQuantiles> atTarget = new LinkedHashMap<>();
        double[] testByRank = new double[0];
        if (!usable.isEmpty()) {
            testByRank = Ranked.by(usable, TrialMetrics::validation).values(TrialMetrics::test);
            if (stepBudget > 0) {
                for (double f : options.budgetFractions()) {
                    double cutoff = f * stepBudget;
                    Map<Trial, double[]> at = new IdentityHashMap<>();
                    usable.forEach(t -> at.put(t, TrialMetrics.errorsAt(t, cutoff)));
                    Ranked r = Ranked.by(usable, t -> at.get(t)[0]);
                    atFraction.put(f, bootstrap.full(r.values(t -> at.get(t)[1])));
                }
            }
            Ranked byValidation = Ranked.by(usable, TrialMetrics::validation);
            for (double target : targets) {
                atTarget.put(target, bootstrap.full(byValidation.values(t -> TrialMetrics.steps(t, target))));
            }
        }
        return new PerOptimizer(analysis, atFraction, atTarget, testByRank);
    }

    /**
     * Rankings at each value (budget fraction or target), each compared with the ranking at
     * {@code reference}: has the order by median changed, and has some pair significantly swapped?
     */
    private static List<SensitivityRanking> sensitivity(String kind, List<Double> values, double reference,
            List<PerOptimizer> work, java.util.function.Function<PerOptimizer, Map<Double, BudgetQuantiles>> at) {
        Map<Double, List<RankEntry>> rankings = new LinkedHashMap<>();
        List<Double> all = new ArrayList<>(values);
        if (!all.contains(reference)) {
            all.add(reference);
        }
        for (double v : all) {
            Map<String, BudgetQuantiles> full = new LinkedHashMap<>();
            for (PerOptimizer w : work) {
                BudgetQuantiles q = at.apply(w).get(v);
                if (q != null) {
                    full.put(w.analysis().optimizer(), q);
                }
            }
            rankings.put(v, Rankings.rank(full));
        }
        List<RankEntry> ref = rankings.get(reference);
        List<SensitivityRanking> out = new ArrayList<>();
        for (double v : values) {
            List<RankEntry> ranking = rankings.get(v);
            out.add(new SensitivityRanking(kind, v, ranking,
                    Rankings.medianOrderReversed(ref, ranking),
                    Rankings.significantlyReordered(ref, ranking)));
        }
        return out;
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
            boolean fromCurves = data.target() != null
                    && usable.stream().anyMatch(t -> Curves.has(t.curve(), dev.optbench.train.Split.VALIDATION));
            steps = new StepsToTarget(fromCurves ? data.target() : null, s[0], reached, s.length - reached,
                    bootstrap.curve(s));
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
}
