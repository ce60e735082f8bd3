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

    /** The inclusion relations the consistency check covers: the built-ins' and the plug-ins' (SPEC section 10). */
    private final List<dev.optbench.optim.InclusionRelation> inclusions;

    StudyAnalyzer(AnalysisOptions options, List<dev.optbench.optim.InclusionRelation> inclusions) {
        this.inclusions = List.copyOf(inclusions);
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
        int offset = work.stream().mapToInt(PerOptimizer::offset).max().orElse(0);
        return new StudyAnalysis(def.name(), def.workload(), def.protocol(), data.target(), optimizers,
                Rankings.rank(full), Rankings.inclusion(full, inclusions), Rankings.rank(loss),
                Rankings.inclusion(loss, inclusions),
                budgetSensitivity, targetSensitivity, CostToMatch.table(testByRank, offset), dataUsed(data),
                Separation.table(testByRank, full), engine(def));
    }

    /** What trains the study's trials: "DJL", "torch on cuda"/"torch on cpu", or "external command". */
    static String engine(dev.optbench.study.StudyDefinition def) {
        return def.isTorch() ? "torch on " + def.torch().device() : def.isExternal() ? "external command" : "DJL";
    }

    /** The distinct "data" provenance values of the study's trials, in trial order. */
    private static List<String> dataUsed(StudyData data) {
        return data.trials().stream().map(t -> t.provenance().get("data")).filter(java.util.Objects::nonNull)
                .distinct().toList();
    }

    /** One optimizer's analysis plus its full-budget bootstrap at each budget fraction and target. */
    private record PerOptimizer(OptimizerAnalysis analysis, Map<Double, BudgetQuantiles> atFraction,
            Map<Double, BudgetQuantiles> atTarget, double[] testByRank, int offset) {}

    /**
     * How one optimizer's trials are read: a fitted study's stage 2 only, counted after its stage-1
     * points ({@code offset}), in the fitted space; with seed repeats one outcome per point.
     */
    private record View(List<Trial> trials, int offset, String space, Map<Integer, List<Trial>> seeds,
            dev.optbench.space.SpaceFitting.Fitted fitted, int stage1Finished) {}

    private static View view(String name, List<Trial> all, StudyDefinition def) {
        List<Trial> trials = all;
        int offset = 0;
        String space = def.spaces().get(name);
        dev.optbench.space.SpaceFitting.Fitted fitted = null;
        int stage1Finished = 0;
        if (def.fit() != null && space != null) {
            fitted = dev.optbench.study.FittedStage.fittedSpace(def, name, all);
            stage1Finished = dev.optbench.study.FittedStage.scored(all).size();
            trials = all.stream().filter(t -> t.stage() == 2).toList();
            offset = def.stage1Points();
            space = fitted.space().toJson();
        }
        Map<Integer, List<Trial>> seeds = null;
        if (def.seeds() > 1) {
            seeds = PointOutcomes.byPoint(trials);
            trials = PointOutcomes.aggregate(trials);
        }
        return new View(trials, offset, space, seeds, fitted, stage1Finished);
    }

    private PerOptimizer perOptimizer(String name, List<Trial> original, StudyData data, StudyDefinition def, long stepBudget,
            List<Double> targets) {
        Bootstrap bootstrap = new Bootstrap(options.resamples(), options.seed(), name);
        View view = view(name, original, def);
        List<Trial> all = view.trials();
        List<Trial> usable = all.stream().filter(TrialMetrics::usable).toList();
        OptimizerAnalysis analysis = optimizer(name, all, usable, bootstrap, data, def, view);
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
        return new PerOptimizer(analysis, atFraction, atTarget, testByRank, view.offset());
    }

    /** Budgets relabelled as trials of the whole study: a fitted study's stage-1 points come first. */
    private static List<BudgetQuantiles> shift(List<BudgetQuantiles> curve, int offset) {
        if (offset == 0 || curve == null) {
            return curve;
        }
        return curve.stream().map(q -> new BudgetQuantiles(q.budget() + offset, q.median(), q.p5(), q.p95())).toList();
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
            StudyData data, StudyDefinition def, View view) {
        int excluded = all.size() - usable.size();
        int diverged = (int) usable.stream().filter(t -> t.state() == TrialState.DIVERGED).count();
        List<BoundaryWarning> noWarnings = List.of();
        if (usable.isEmpty()) {
            return new OptimizerAnalysis(name, 0, 0, excluded, null, List.of(), null, null, noWarnings, null,
                    fitSummary(def, name, view, 0, noWarnings));
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
        List<BoundaryWarning> warnings = BoundaryCheck.check(ranked.trials(), SearchRange.parse(view.space()));
        SeedSpread spread = view.seeds() == null ? null : PointOutcomes.spread(ranked.trials(), view.seeds());
        int o = view.offset();
        if (steps != null) {
            steps = new StepsToTarget(steps.target(), steps.best(), steps.reached(), steps.notReached(), shift(steps.bootstrap(), o));
        }
        return new OptimizerAnalysis(name, usable.size(), diverged, excluded, best, shift(testCurve, o), steps,
                shift(lossCurve, o), warnings, spread, fitSummary(def, name, view, usable.size(), warnings));
    }

    private static FitSummary fitSummary(StudyDefinition def, String name, View view, int stage2Finished,
            List<BoundaryWarning> warnings) {
        if (view.fitted() == null) {
            return null;
        }
        return new FitSummary(def.spaces().get(name), view.fitted().space().toJson(), view.fitted().reasons(),
                def.stage1Points(), view.stage1Finished(), def.trialsPerOptimizer() - def.stage1Points(), warnings);
    }
}
