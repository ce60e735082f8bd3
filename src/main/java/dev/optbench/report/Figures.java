package dev.optbench.report;

import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.BudgetQuantiles;
import dev.optbench.analysis.OptimizerAnalysis;
import dev.optbench.analysis.PerformanceProfile;
import dev.optbench.analysis.SearchRange;
import dev.optbench.analysis.StepsToTarget;
import dev.optbench.analysis.StudyAnalysis;
import dev.optbench.analysis.StudyData;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The figures of SPEC section 9 (1–5) and the performance profiles, built with XChart. */
final class Figures {
    /** Hyperparameter scatters per study, at most (the rest are listed in the tables). */
    static final int MAX_HPARAMS = 12;

    /** How the importance figures measure importance (shown above them). */
    static final String IMPORTANCE_METHOD = "Importance: the share of the variance of the final validation error "
            + "(diverged trials count 1.0) explained by each hyperparameter alone, estimated from equal-count bins of its "
            + "values (scaled units) and corrected for the share that bins of noise would explain; see docs/analysis.md.";

    private final AnalysisResult result;
    private final List<StudyData> data;

    Figures(AnalysisResult result, List<StudyData> data) {
        this.result = result;
        this.data = data;
    }

    List<Figure> all() {
        List<Figure> out = new ArrayList<>();
        out.add(bestTestError());
        PanelFigures panels = new PanelFigures(result, data);
        out.addAll(panels.budgets());
        for (int j = 0; j < result.studies().size(); j++) {
            out.addAll(hyperparameters(j));
        }
        out.addAll(panels.importance());
        out.addAll(panels.curves());
        out.addAll(panels.timeProfiles());
        Figure steps = stepsToTarget();
        if (steps != null) {
            out.add(steps);
        }
        for (int p = 0; p < result.performanceProfiles().size(); p++) {
            if (result.performanceProfiles().get(p).studies().size() > 1) { // over one workload it is a 0/1 step
                out.add(profile(p));
            }
        }
        for (int j = 0; j < result.studies().size(); j++) {
            StudyAnalysis s = result.studies().get(j);
            out.addAll(FitFigures.of(j, s, data.get(j), chartLabel(s), label(s)));
        }
        for (int j = 0; j < result.studies().size(); j++) {
            StudyAnalysis s = result.studies().get(j);
            Figure f = CostHeatMap.of(s, "fig9-cost-to-match-" + slug(j, s.study()), chartLabel(s), label(s));
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private List<String> optimizers() {
        Set<String> names = new LinkedHashSet<>();
        result.studies().forEach(s -> names.addAll(s.optimizers().keySet()));
        return List.copyOf(names);
    }

    static String label(StudyAnalysis s) {
        return s.study() + " (" + s.protocol() + ", " + s.workload() + ")";
    }

    /**
     * The short name used inside charts, where long study names clip titles and crowd legends:
     * "protocol on workload" when no other study in the report shares both, else the full label.
     */
    private String chartLabel(StudyAnalysis s) {
        long same = result.studies().stream()
                .filter(o -> o.protocol().equals(s.protocol()) && o.workload().equals(s.workload())).count();
        return same == 1 ? s.protocol() + " on " + s.workload() : label(s);
    }

    /** Figure 1: best trial's test error per optimizer and study, bars = bootstrap 5–95% at N. */
    private Figure bestTestError() {
        List<String> names = optimizers();
        XYChart c = Charts.xy("Test error of the best trial", "optimizer", "test error");
        c.getStyler().setYAxisDecimalPattern("0.000");
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        int studies = result.studies().size();
        double width = Math.min(0.6, 0.15 * studies);
        boolean seeds = false;
        for (int j = 0; j < studies; j++) {
            StudyAnalysis s = result.studies().get(j);
            Color color = Palette.study(j);
            double offset = studies == 1 ? 0 : -width / 2 + width * j / (studies - 1);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                OptimizerAnalysis a = s.optimizers().get(names.get(i));
                if (a == null || a.best() == null) {
                    continue;
                }
                xs.add(i + offset);
                ys.add(a.best().testError());
                Charts.interval(c, "iv " + j + " " + i, i + offset, a.full().p5(), a.full().p95(), color, 0.04);
                yMin = Math.min(yMin, Math.min(a.full().p5(), a.best().testError()));
                yMax = Math.max(yMax, Math.max(a.full().p95(), a.best().testError()));
                if (a.seedSpread() != null) { // seed repeats: min–max over the best point's seeds, beside the bootstrap bar
                    seeds = true;
                    double x = i + offset + 0.03;
                    XYSeries sb = c.addSeries("seeds " + j + " " + i, new double[] {x - 0.015, x + 0.015, x, x, x - 0.015,
                        x + 0.015}, new double[] {a.seedSpread().testMin(), a.seedSpread().testMin(), a.seedSpread().testMin(),
                        a.seedSpread().testMax(), a.seedSpread().testMax(), a.seedSpread().testMax()});
                    sb.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                    sb.setLineColor(Palette.translucent(color, 150));
                    sb.setLineStyle(Palette.DASHED);
                    sb.setMarker(SeriesMarkers.NONE);
                    sb.setShowInLegend(false);
                    yMin = Math.min(yMin, a.seedSpread().testMin());
                    yMax = Math.max(yMax, a.seedSpread().testMax());
                }
            }
            if (!xs.isEmpty()) {
                Charts.points(c, unique(c, chartLabel(s)), toArray(xs), toArray(ys), color);
            }
        }
        Charts.categories(c, names, Double.isFinite(yMin) ? yMin : 0, Double.isFinite(yMax) ? yMax : 1);
        return new Figure("fig1-best-test-error", 1, "Test error of the best trial",
                "Marker: test error of the trial with the lowest final validation error. Bar: 5th–95th percentile "
                        + "of the bootstrap at the full budget N (best of N trials drawn with replacement)."
                        + (seeds ? " With seed repeats a trial is a point (its mean over seeds), and the dashed bar"
                                + " beside it spans the best point's test errors over its seeds (min to max)." : ""), c);
    }

    /**
     * Top of figure 2's y axis: the band at k = 1 often reaches 1.0 (a diverged trial), which
     * would squash the rest; cap at the k = 1 medians plus their spread above the best p5.
     */
    static double ceiling(StudyAnalysis s) {
        double lo = Double.POSITIVE_INFINITY;
        double med = Double.NEGATIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (OptimizerAnalysis a : s.optimizers().values()) {
            for (BudgetQuantiles q : a.bootstrap()) {
                lo = Math.min(lo, q.p5());
                med = Math.max(med, q.median());
                hi = Math.max(hi, q.p95());
            }
        }
        return Math.min(hi, med + 1.5 * (med - lo) + 1e-6);
    }

    /** Figure 3: final validation error vs each hyperparameter, bounds drawn, diverged marked. */
    private List<Figure> hyperparameters(int j) {
        StudyAnalysis s = result.studies().get(j);
        StudyData d = data.get(j);
        // each optimizer has its own space (the full protocol fits ranges per optimizer)
        Map<String, Map<String, SearchRange>> spaces = new LinkedHashMap<>();
        d.definition().spaces().forEach((o, json) -> spaces.put(o, SearchRange.parse(json)));
        Set<String> names = new LinkedHashSet<>();
        spaces.values().forEach(m -> names.addAll(m.keySet()));
        d.trials().forEach(t -> names.addAll(t.searched().keySet()));
        List<Figure> out = new ArrayList<>();
        int count = 0;
        for (String h : names) {
            if (count >= MAX_HPARAMS) {
                break;
            }
            Map<String, SearchRange> ranges = new LinkedHashMap<>();
            spaces.forEach((o, m) -> {
                if (m.containsKey(h)) {
                    ranges.put(o, m.get(h));
                }
            });
            Figure f = hyperparameter(j, s, d, h, count++, ranges);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** {@code ranges}: h's range in each optimizer's space that has one. */
    private Figure hyperparameter(int j, StudyAnalysis s, StudyData d, String h, int k, Map<String, SearchRange> ranges) {
        List<Trial> with = d.trials().stream().filter(t -> t.state().countsAsFinished() && t.searched().containsKey(h))
                .filter(t -> t.state() == TrialState.DIVERGED || t.validationError() != null).toList();
        if (with.isEmpty()) {
            return null;
        }
        double min = with.stream().mapToDouble(t -> t.searched().get(h)).min().orElse(0);
        double max = with.stream().mapToDouble(t -> t.searched().get(h)).max().orElse(1);
        if (ranges.isEmpty() && min == max) {
            return null; // the same value in every trial and no range: not a searched hyperparameter
        }
        for (SearchRange r : ranges.values()) {
            min = Math.min(min, r.min());
            max = Math.max(max, r.max());
        }
        boolean log = !ranges.isEmpty() ? ranges.values().stream().allMatch(SearchRange::log) && min > 0
                : (min > 0 && max / min >= 100);
        double top = with.stream().filter(t -> t.state() != TrialState.DIVERGED)
                .mapToDouble(Trial::validationError).max().orElse(1.0);
        double bottom = with.stream().filter(t -> t.state() != TrialState.DIVERGED)
                .mapToDouble(Trial::validationError).min().orElse(0.0);
        top = top + 0.08 * Math.max(top - bottom, 0.01);
        double y0 = Math.max(0, bottom - 0.02);
        XYChart c = Charts.xy(h + ": " + chartLabel(s), h + (log ? " (log scale)" : ""), "final validation error");
        c.getStyler().setxAxisTickLabelsFormattingFunction(log ? Charts.pow10() : Charts::compact);
        c.getStyler().setYAxisMax(top);
        c.getStyler().setYAxisMin(y0);
        c.getStyler().setMarkerSize(6);
        Map<String, List<Trial>> byOptimizer = new LinkedHashMap<>();
        with.forEach(t -> byOptimizer.computeIfAbsent(t.optimizer(), o -> new ArrayList<>()).add(t));
        Map<String, List<Double>> diverged = new LinkedHashMap<>();
        for (Map.Entry<String, List<Trial>> e : byOptimizer.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Trial t : e.getValue()) {
                double x = log ? Math.log10(t.searched().get(h)) : t.searched().get(h);
                if (t.state() == TrialState.DIVERGED) {
                    diverged.computeIfAbsent(e.getKey(), o -> new ArrayList<>()).add(x);
                } else {
                    xs.add(x);
                    ys.add(Math.min(t.validationError(), top));
                }
            }
            if (!xs.isEmpty()) {
                Charts.points(c, unique(c, e.getKey()), toArray(xs), toArray(ys), Palette.translucent(
                        Palette.of(e.getKey()), 200));
            }
        }
        for (Map.Entry<String, List<Double>> e : diverged.entrySet()) { // crosses in the optimizer's colour
            double[] y = new double[e.getValue().size()];
            java.util.Arrays.fill(y, top);
            XYSeries x = c.addSeries(unique(c, "diverged: " + e.getKey()), toArray(e.getValue()), y);
            x.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            x.setMarker(SeriesMarkers.CROSS);
            x.setMarkerColor(Palette.of(e.getKey()));
        }
        // one grey pair of bounds when all optimizers share the range, else a pair per optimizer in its colour;
        // optimizers whose bounds coincide are drawn side by side (offset) so that none hides another
        boolean shared = new LinkedHashSet<>(ranges.values().stream().map(r -> List.of(r.min(), r.max())).toList()).size() <= 1;
        Map<List<Double>, List<String>> same = new LinkedHashMap<>();
        ranges.forEach((o, r) -> same.computeIfAbsent(List.of(r.min(), r.max()), x -> new ArrayList<>()).add(o));
        double span = (log ? Math.log10(max) - Math.log10(min) : max - min);
        List<String> described = new ArrayList<>();
        for (Map.Entry<String, SearchRange> e : ranges.entrySet()) {
            SearchRange r = e.getValue();
            List<String> group = same.get(List.of(r.min(), r.max()));
            double offset = shared ? 0 : (group.indexOf(e.getKey()) - (group.size() - 1) / 2.0) * 0.008 * Math.max(span, 1e-12);
            double lo = (log ? Math.log10(r.min()) : r.min()) + offset;
            double hi = (log ? Math.log10(r.max()) : r.max()) + offset;
            Color color = shared ? new Color(0x444444) : Palette.of(e.getKey());
            String name = shared ? "search bounds" : "bounds: " + e.getKey();
            XYSeries b = Charts.line(c, unique(c, name), new double[] {lo, lo}, new double[] {y0, top}, color, false, true);
            b.setLineStyle(Palette.DASHED);
            XYSeries b2 = Charts.line(c, unique(c, name + " (upper)"), new double[] {hi, hi}, new double[] {y0, top},
                    color, false, false);
            b2.setLineStyle(Palette.DASHED);
            if (shared) {
                described.add("[" + Charts.compact(r.min()) + ", " + Charts.compact(r.max()) + "]");
                break;
            }
            if (group.get(0).equals(e.getKey())) {
                described.add(String.join(" = ", group) + " [" + Charts.compact(r.min()) + ", " + Charts.compact(r.max())
                        + "]" + (group.size() > 1 ? " (the same bounds, drawn side by side)" : ""));
            }
        }
        double lo = log ? Math.log10(min) : min;
        double hi = log ? Math.log10(max) : max;
        double pad = 0.03 * Math.max(hi - lo, 1e-12);
        c.getStyler().setXAxisMin(lo - pad);
        c.getStyler().setXAxisMax(hi + pad);
        return new Figure("fig3-hparam-" + slug(j, s.study()) + "-" + slug(k, h), 3, h + ": " + label(s),
                "Each finished trial's final validation error against " + h + (ranges.isEmpty()
                        ? " (no search bounds recorded)" : "; dashed lines: search bounds " + String.join(", ", described))
                        + (diverged.isEmpty() ? "." : "; crosses at the top, in each optimizer's colour: its diverged trials."), c);
    }

    /** Figure 5: steps to target of the best trial, bars = bootstrap 5–95% at N. */
    private Figure stepsToTarget() {
        List<String> names = optimizers();
        XYChart c = Charts.xy("Steps to target", "optimizer", "steps to reach the target validation error");
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (StudyAnalysis s : result.studies()) {
            for (OptimizerAnalysis a : s.optimizers().values()) {
                if (a.stepsToTarget() != null) {
                    for (double v : new double[] {a.stepsToTarget().best(), a.stepsToTarget().full().p5(),
                        a.stepsToTarget().full().p95()}) {
                        if (Double.isFinite(v)) {
                            yMin = Math.min(yMin, v);
                            yMax = Math.max(yMax, v);
                        }
                    }
                }
            }
        }
        if (!Double.isFinite(yMax)) {
            return null;
        }
        double top = yMax + 0.06 * Math.max(yMax - yMin, 1);
        int studies = result.studies().size();
        double width = Math.min(0.6, 0.15 * studies);
        boolean seeds = false;
        boolean any = false;
        List<String> notReached = new ArrayList<>();
        for (int j = 0; j < studies; j++) {
            StudyAnalysis s = result.studies().get(j);
            Color color = Palette.study(j);
            double offset = studies == 1 ? 0 : -width / 2 + width * j / (studies - 1);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<Double> missed = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                OptimizerAnalysis a = s.optimizers().get(names.get(i));
                StepsToTarget st = a == null ? null : a.stepsToTarget();
                if (st == null) {
                    continue;
                }
                if (Double.isInfinite(st.best())) {
                    notReached.add(names.get(i) + " in " + s.study());
                    missed.add(i + offset);
                } else {
                    xs.add(i + offset);
                    ys.add(st.best());
                }
                BudgetQuantiles q = st.full();
                if (Double.isFinite(q.p5())) {
                    double hi = Double.isFinite(q.p95()) ? q.p95() : top;
                    Charts.interval(c, "iv " + j + " " + i, i + offset, q.p5(), hi, color, 0.04);
                }
            }
            if (!xs.isEmpty() || !missed.isEmpty()) {
                XYSeries p = Charts.points(c, unique(c, chartLabel(s)), xs.isEmpty() ? new double[] {Double.NaN} : toArray(xs),
                        xs.isEmpty() ? new double[] {Double.NaN} : toArray(ys), color);
                p.setShowInLegend(true);
                any = true;
            }
            if (!missed.isEmpty()) {
                double[] y = new double[missed.size()];
                java.util.Arrays.fill(y, top);
                XYSeries x = c.addSeries(unique(c, "not reached: " + chartLabel(s)), toArray(missed), y);
                x.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                x.setMarker(SeriesMarkers.CROSS);
                x.setMarkerColor(color);
                x.setShowInLegend(false);
            }
        }
        if (!any) {
            return null;
        }
        Charts.categories(c, names, yMin, top);
        return new Figure("fig5-steps-to-target", 5, "Steps to target",
                "Marker: first evaluated step at which the best trial's validation error is at or below the target. "
                        + "Bar: bootstrap 5th–95th percentile at the full budget; a bar or cross at the top edge: "
                        + "not reached." + (notReached.isEmpty() ? "" : " Not reached: " + String.join("; ", notReached) + "."),
                c);
    }

    /** Performance profile of one protocol: ρ(τ) per optimizer. */
    private Figure profile(int p) {
        PerformanceProfile pp = result.performanceProfiles().get(p);
        XYChart c = Charts.xy("Performance profile: protocol " + pp.protocol(), "τ (steps to target / best optimizer's)",
                "fraction of workloads ρ(τ)");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.05);
        c.getStyler().setxAxisTickLabelsFormattingFunction(
                v -> Math.abs(v * 2 - Math.round(v * 2)) < 1e-6 ? Charts.compact(v) : " ");
        double[] taus = pp.taus().stream().mapToDouble(Double::doubleValue).toArray();
        int n = pp.rho().size();
        int i = 0;
        for (Map.Entry<String, List<Double>> e : pp.rho().entrySet()) {
            XYSeries s = Charts.line(c, unique(c, e.getKey()), taus,
                    e.getValue().stream().mapToDouble(Double::doubleValue).toArray(), Palette.of(e.getKey()), false, true);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            // identical profiles are common: earlier lines are wider so that they show around later ones
            s.setLineStyle(new java.awt.BasicStroke(2f + 2.5f * (n - 1 - i++) / Math.max(1, n - 1)));
        }
        return new Figure("fig8-profile-" + slug(p, pp.protocol()), 8, "Performance profile: protocol " + pp.protocol(),
                "ρ(τ): fraction of the studies (" + pp.studies().size() + ") in which the optimizer's best trial reached "
                        + "the target within τ times the steps of the fastest optimizer's best trial.", c);
    }

    /** XChart needs distinct series names; a user may name two things alike. */
    private static String unique(XYChart c, String name) {
        String n = name.isEmpty() ? " " : name;
        while (c.getSeriesMap().containsKey(n)) {
            n = n + "\u200b";
        }
        return n;
    }

    static String slug(int i, String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 40) {
            s = s.substring(0, 40);
        }
        return i + (s.isEmpty() ? "" : "-" + s);
    }

    private static double[] toArray(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
