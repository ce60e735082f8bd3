package dev.optbench.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TreeMap;

/**
 * The analysis as one JSON object (the structure of issue 5, plus training-loss ranking,
 * sensitivities and performance profiles). JSON has no infinity: a step count that is +∞
 * ("target not reached") is written as null.
 */
public final class AnalysisJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AnalysisJson() {}

    public static String write(AnalysisResult result) {
        try {
            return JSON.writeValueAsString(tree(result));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode tree(AnalysisResult result) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode studies = root.putArray("studies");
        result.studies().forEach(s -> studies.add(study(s)));
        ArrayNode flips = root.putArray("rank_flips");
        for (RankFlip f : result.rankFlips()) {
            ObjectNode n = flips.addObject();
            n.put("workload", f.workload());
            n.putArray("studies").add(f.studyA()).add(f.studyB());
            n.putArray("protocols").add(f.protocolA()).add(f.protocolB());
            n.putArray("optimizers").add(f.first()).add(f.second());
            num(num(n.putArray("medians_a"), f.firstMedianA()), f.secondMedianA());
            num(num(n.putArray("medians_b"), f.firstMedianB()), f.secondMedianB());
            n.put("significant", f.significant());
        }
        ArrayNode profiles = root.putArray("performance_profiles");
        for (PerformanceProfile p : result.performanceProfiles()) {
            ObjectNode n = profiles.addObject();
            n.put("protocol", p.protocol());
            ArrayNode names = n.putArray("studies");
            p.studies().forEach(names::add);
            ArrayNode taus = n.putArray("tau");
            p.taus().forEach(taus::add);
            ObjectNode ratios = n.putObject("ratios");
            p.ratios().forEach((o, byStudy) -> {
                ObjectNode r = ratios.putObject(o);
                byStudy.forEach((study, v) -> num(r, study, v));
            });
            ObjectNode rho = n.putObject("rho");
            p.rho().forEach((o, values) -> {
                ArrayNode a = rho.putArray(o);
                values.forEach(a::add);
            });
        }
        ObjectNode settings = root.putObject("settings");
        settings.put("bootstrap", result.options().resamples());
        settings.put("seed", result.options().seed());
        settings.put("quantiles", "type 1 (inverse empirical CDF): Q(p) = x(ceil(p*B))");
        settings.put("ties", "equal validation errors: lower trial index is better");
        settings.put("cost_to_match", "smallest k in 1..n with exact median best-of-k test error <= target's exact median"
                + " at its full budget; exact best-of-k distribution, not the sampled bootstrap; null = never");
        return root;
    }

    private static ObjectNode study(StudyAnalysis s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("study", s.study());
        n.put("workload", s.workload());
        n.put("protocol", s.protocol());
        num(n, "target", s.target() == null ? Double.NaN : s.target());
        s.data().forEach(n.putArray("data")::add);
        n.put("engine", s.engine());
        ObjectNode opts = n.putObject("optimizers");
        s.optimizers().forEach((name, a) -> opts.set(name, optimizer(a)));
        ranking(n.putArray("ranking"), s.ranking());
        inclusion(n.putArray("inclusion"), s.inclusion());
        ranking(n.putArray("training_loss_ranking"), s.trainingLossRanking());
        inclusion(n.putArray("training_loss_inclusion"), s.trainingLossInclusion());
        ObjectNode sens = n.putObject("sensitivity");
        sensitivity(sens.putArray("budget"), s.budgetSensitivity(), "fraction");
        sensitivity(sens.putArray("target"), s.targetSensitivity(), "target");
        ArrayNode cost = n.putArray("cost_to_match");
        for (CostToMatch c : s.costToMatch()) {
            ObjectNode x = cost.addObject();
            x.put("optimizer", c.optimizer());
            x.put("target", c.target());
            num(x, "target_median", c.targetMedian());
            if (c.never()) {
                x.putNull("trials");
            } else {
                x.put("trials", c.trials());
            }
            x.put("never", c.never());
            x.put("available", c.available());
        }
        ArrayNode separate = n.putArray("separations");
        for (Separation p : s.separations()) {
            ObjectNode x = separate.addObject();
            x.put("better", p.better());
            x.put("worse", p.worse());
            x.put("budget", p.budget());
            if (p.needed() == null) {
                x.putNull("needed");
            } else {
                x.put("needed", p.needed());
            }
            x.put("capped", p.capped());
            x.put("never", p.never());
        }
        return n;
    }

    private static ObjectNode optimizer(OptimizerAnalysis a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("trials", a.trials());
        n.put("diverged", a.diverged());
        n.put("excluded", a.excluded());
        if (a.best() == null) {
            n.putNull("best");
        } else {
            ObjectNode b = n.putObject("best");
            b.put("trial", a.best().trial());
            b.put("state", a.best().state().id());
            b.put("validation_error", a.best().validationError());
            b.put("test_error", a.best().testError());
            ObjectNode h = b.putObject("hparams");
            new TreeMap<>(a.best().hparams()).forEach((k, v) -> num(h, k, v));
        }
        quantiles(n.putArray("bootstrap"), a.bootstrap());
        StepsToTarget st = a.stepsToTarget();
        if (st == null) {
            n.putNull("steps_to_target");
        } else {
            ObjectNode t = n.putObject("steps_to_target");
            num(t, "target", st.target() == null ? Double.NaN : st.target());
            num(t, "best", st.best());
            t.put("reached", st.reached());
            t.put("not_reached", st.notReached());
            quantiles(t.putArray("bootstrap"), st.bootstrap());
        }
        if (a.trainingLoss() == null) {
            n.putNull("training_loss");
        } else {
            quantiles(n.putArray("training_loss"), a.trainingLoss());
        }
        SeedSpread sp = a.seedSpread();
        if (sp != null) {
            ObjectNode x = n.putObject("seed_spread");
            x.put("point", sp.point());
            ArrayNode ts = x.putArray("trials");
            sp.trials().forEach(ts::add);
            ArrayNode ss = x.putArray("seeds");
            sp.seeds().forEach(ss::add);
            num(x, "test_mean", sp.testMean());
            num(x, "test_min", sp.testMin());
            num(x, "test_max", sp.testMax());
            num(x, "test_sd", sp.testSd());
            num(x, "validation_mean", sp.validationMean());
            num(x, "validation_min", sp.validationMin());
            num(x, "validation_max", sp.validationMax());
            num(x, "validation_sd", sp.validationSd());
            num(x, "leave_best_seed_out_mean", sp.leaveBestOutMean());
            if (sp.runnerUp() == null) {
                x.putNull("runner_up_point");
            } else {
                x.put("runner_up_point", sp.runnerUp());
            }
            num(x, "runner_up_mean", sp.runnerUpMean());
            x.put("lucky_seed", sp.lucky());
        }
        FitSummary fit = a.fit();
        if (fit != null) {
            ObjectNode x = n.putObject("fit");
            try {
                x.set("wide", JSON.readTree(fit.wide()));
                x.set("fitted", JSON.readTree(fit.fitted()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            ObjectNode why = x.putObject("reasons");
            fit.reasons().forEach(why::put);
            x.put("stage1_points", fit.stage1Points());
            x.put("stage1_finished", fit.stage1Finished());
            x.put("stage2_points", fit.stage2Points());
            x.put("stage2_boundary_passed", fit.boundaryPassed());
        }
        ArrayNode w = n.putArray("boundary_warnings");
        for (BoundaryWarning bw : a.boundaryWarnings()) {
            ObjectNode x = w.addObject();
            x.put("hparam", bw.hparam());
            x.put("side", bw.side());
            x.put("bound", bw.bound());
            ArrayNode trials = x.putArray("trials");
            bw.trials().forEach(trials::add);
            x.put("message", bw.message());
        }
        return n;
    }

    private static void quantiles(ArrayNode out, List<BudgetQuantiles> qs) {
        for (BudgetQuantiles q : qs) {
            ObjectNode n = out.addObject();
            n.put("budget", q.budget());
            num(n, "median", q.median());
            num(n, "p5", q.p5());
            num(n, "p95", q.p95());
        }
    }

    private static void ranking(ArrayNode out, List<RankEntry> ranking) {
        for (RankEntry e : ranking) {
            ObjectNode n = out.addObject();
            n.put("optimizer", e.optimizer());
            n.put("rank", e.rank());
            num(n, "median", e.median());
            num(n, "p5", e.p5());
            num(n, "p95", e.p95());
            ArrayNode tied = n.putArray("tied_with");
            e.tiedWith().forEach(tied::add);
        }
    }

    private static void inclusion(ArrayNode out, List<InclusionCheck> checks) {
        for (InclusionCheck c : checks) {
            ObjectNode n = out.addObject();
            n.put("subset", c.subset());
            n.put("superset", c.superset());
            num(n, "superset_median", c.supersetMedian());
            num(n, "subset_p95", c.subsetP95());
            n.put("consistent", c.consistent());
        }
    }

    private static void sensitivity(ArrayNode out, List<SensitivityRanking> rankings, String key) {
        for (SensitivityRanking r : rankings) {
            ObjectNode n = out.addObject();
            n.put(key, r.value());
            ArrayNode order = n.putArray("order");
            Rankings.medianOrder(r.ranking()).forEach(order::add);
            ranking(n.putArray("ranking"), r.ranking());
            n.put("order_changed", r.orderChanged());
            n.put("significant_change", r.significantChange());
        }
    }

    private static ObjectNode num(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
        return n;
    }

    private static ArrayNode num(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
        return a;
    }
}
