package dev.optbench.report;

import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.BudgetQuantiles;
import dev.optbench.analysis.Importance;
import dev.optbench.analysis.OptimizerAnalysis;
import dev.optbench.analysis.SearchRange;
import dev.optbench.analysis.StudyAnalysis;
import dev.optbench.analysis.StudyData;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The small-multiple figures: best test error vs number of trials per optimizer (protocols as
 * lines), every trial's validation and training-loss curves per optimizer, hyperparameter
 * importance per study, and each optimizer's most important pair of hyperparameters.
 */
final class PanelFigures {
    /** Protocol styles: told apart in grayscale by dash pattern and marker, not only by colour. */
    private static final BasicStroke[] STROKES = {
        new BasicStroke(2.2f),
        new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {9f, 5f}, 0f),
        new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1.5f, 4.5f}, 0f),
        new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {10f, 4f, 2f, 4f}, 0f),
    };
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP};

    private final AnalysisResult result;
    private final List<StudyData> data;

    PanelFigures(AnalysisResult result, List<StudyData> data) {
        this.result = result;
        this.data = data;
    }

    /** Figure kind 2: per workload, one panel per optimizer, one line and light band per study (protocol). */
    List<Figure> budgets() {
        Map<String, List<Integer>> byWorkload = new LinkedHashMap<>();
        for (int j = 0; j < result.studies().size(); j++) {
            byWorkload.computeIfAbsent(result.studies().get(j).workload(), w -> new ArrayList<>()).add(j);
        }
        List<Figure> out = new ArrayList<>();
        int w = 0;
        for (Map.Entry<String, List<Integer>> e : byWorkload.entrySet()) {
            List<StudyAnalysis> studies = e.getValue().stream().map(result.studies()::get).toList();
            Set<String> optimizers = new LinkedHashSet<>();
            studies.forEach(s -> optimizers.addAll(s.optimizers().keySet()));
            double cap = studies.stream().mapToDouble(Figures::ceiling).max().orElse(1);
            double floor = studies.stream().flatMap(s -> s.optimizers().values().stream())
                    .flatMap(a -> a.bootstrap().stream()).mapToDouble(BudgetQuantiles::p5).min().orElse(0);
            int k = 0;
            for (String o : optimizers) {
                XYChart c = Charts.panel(o + " on " + e.getKey(), "number of trials (log2 scale)", "best test error");
                // XChart puts numeric ticks where it likes; label every budget k at log2 k instead
                c.getStyler().setXAxisTicksVisible(false);
                c.getStyler().setAxisTitlePadding(22);
                java.util.TreeSet<Integer> budgets = new java.util.TreeSet<>();
                studies.forEach(s -> {
                    OptimizerAnalysis a = s.optimizers().get(o);
                    if (a != null) {
                        a.bootstrap().forEach(q -> budgets.add(q.budget()));
                    }
                });
                for (int b : budgets) {
                    c.addAnnotation(new CategoryLabel(String.valueOf(b), Math.log(b) / Math.log(2),
                            new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11)));
                }
                c.getStyler().setYAxisMax(cap);
                c.getStyler().setYAxisMin(Math.max(0, floor - 0.05 * (cap - floor)));
                c.getStyler().setYAxisDecimalPattern("0.000");
                boolean any = false;
                for (int i = 0; i < studies.size(); i++) {
                    OptimizerAnalysis a = studies.get(i).optimizers().get(o);
                    if (a == null || a.bootstrap().isEmpty()) {
                        continue;
                    }
                    List<BudgetQuantiles> q = a.bootstrap();
                    double[] x = q.stream().mapToDouble(b -> Math.log(b.budget()) / Math.log(2)).toArray();
                    double[] med = q.stream().mapToDouble(BudgetQuantiles::median).toArray();
                    double[] lo = q.stream().mapToDouble(BudgetQuantiles::p5).toArray();
                    double[] hi = q.stream().mapToDouble(b -> Math.min(b.p95(), cap)).toArray();
                    Color color = Palette.study(i);
                    if (x.length > 1) {
                        Charts.band(c, "band " + i, x, lo, hi, color, 28);
                    }
                    XYSeries line = Charts.line(c, unique(c, studies.get(i).protocol()), x, med, color, true, true);
                    line.setLineStyle(STROKES[i % STROKES.length]);
                    line.setMarker(MARKERS[i % MARKERS.length]);
                    any = true;
                }
                if (any) {
                    out.add(new Figure("fig2-budget-" + Figures.slug(w, e.getKey()) + "-" + Figures.slug(k, o), 2,
                            "Best test error vs number of trials: " + o + " on " + e.getKey(),
                            o + " on " + e.getKey() + ": median and 5–95% band per protocol.",
                            c));
                }
                k++;
            }
            w++;
        }
        return out;
    }

    /** Figure kind 4: per study and optimizer, validation error and training loss of every trial, the best highlighted. */
    List<Figure> curves() {
        List<Figure> out = new ArrayList<>();
        for (int j = 0; j < result.studies().size(); j++) {
            StudyAnalysis s = result.studies().get(j);
            StudyData d = data.get(j);
            int k = 0;
            for (OptimizerAnalysis a : s.optimizers().values()) {
                List<Trial> trials = d.trials().stream().filter(t -> t.optimizer().equals(a.optimizer())
                        && t.state().countsAsFinished() && !t.curve().isEmpty()).toList();
                if (trials.isEmpty() || a.best() == null) {
                    k++;
                    continue;
                }
                boolean points = d.definition().seeds() > 1;
                Trial best = trials.stream().filter(t -> points ? t.point() == a.best().trial() && t.repeat() == 0
                        : t.index() == a.best().trial()).findFirst().orElse(null);
                for (Split split : new Split[] {Split.VALIDATION, Split.TRAIN_EVAL}) {
                    boolean loss = split == Split.TRAIN_EVAL;
                    Figure f = curvePanel(j, s, k, a.optimizer(), trials, best, split, loss);
                    if (f != null) {
                        out.add(f);
                    }
                }
                k++;
            }
        }
        return out;
    }

    /** Thin lines per panel, at most: beyond it every k-th trial by final validation error is drawn. */
    static final int MAX_CURVES = 60;

    /** At most {@link #MAX_CURVES} trials spread evenly over the ranking by final validation error. */
    static List<Trial> spread(List<Trial> trials) {
        if (trials.size() <= MAX_CURVES) {
            return trials;
        }
        List<Trial> sorted = new ArrayList<>(trials);
        sorted.sort(java.util.Comparator.comparingDouble((Trial t) -> t.state() == TrialState.DIVERGED
                || t.validationError() == null ? 1.0 : t.validationError()).thenComparingInt(Trial::index));
        List<Trial> out = new ArrayList<>();
        for (int i = 0; i < MAX_CURVES; i++) {
            out.add(sorted.get((int) ((long) i * (sorted.size() - 1) / (MAX_CURVES - 1))));
        }
        return out;
    }

    private Figure curvePanel(int j, StudyAnalysis s, int k, String optimizer, List<Trial> all, Trial best, Split split,
            boolean loss) {
        List<Trial> trials = spread(all);
        String what = loss ? "training loss" : "validation error";
        XYChart c = Charts.panel(optimizer + ": " + what, "step", what + (loss ? " (train_eval)" : ""));
        Color color = Palette.of(optimizer);
        double top = Double.NEGATIVE_INFINITY;
        double bottom = Double.POSITIVE_INFINITY;
        int drawn = 0;
        int diverged = 0;
        for (Trial t : trials) {
            List<Measurement> m = t.curve().stream().filter(x -> x.split() == split)
                    .filter(x -> Double.isFinite(loss ? x.loss() : x.error())).toList();
            if (m.isEmpty()) {
                continue;
            }
            double[] x = m.stream().mapToDouble(Measurement::step).toArray();
            double[] y = m.stream().mapToDouble(v -> loss ? v.loss() : v.error()).toArray();
            if (t.state() != TrialState.DIVERGED) { // the axis follows the trials that finished
                for (double v : y) {
                    top = Math.max(top, v);
                    bottom = Math.min(bottom, v);
                }
            } else {
                diverged++;
            }
            if (t == best) {
                continue;
            }
            XYSeries line = Charts.line(c, unique(c, drawn == 0 ? "other trials" : "trial " + t.index()), x, y,
                    Palette.translucent(color, 90), false, drawn == 0);
            line.setLineStyle(new BasicStroke(1f));
            drawn++;
        }
        if (best != null) {
            List<Measurement> m = best.curve().stream().filter(x -> x.split() == split)
                    .filter(x -> Double.isFinite(loss ? x.loss() : x.error())).toList();
            if (!m.isEmpty()) {
                double[] y = m.stream().mapToDouble(v -> loss ? v.loss() : v.error()).toArray();
                for (double v : y) {
                    top = Math.max(top, v);
                    bottom = Math.min(bottom, v);
                }
                XYSeries b = Charts.line(c, unique(c, "best #" + best.index()), m.stream().mapToDouble(Measurement::step)
                        .toArray(), y, Color.BLACK, m.size() <= 40, true);
                b.setLineStyle(new BasicStroke(3f));
                b.setMarkerColor(Color.BLACK);
                drawn++;
            }
        }
        if (drawn == 0 || !Double.isFinite(top)) {
            return null;
        }
        double pad = 0.05 * Math.max(top - bottom, 1e-6);
        c.getStyler().setYAxisMax(top + pad);
        c.getStyler().setYAxisMin(Math.max(0, bottom - pad));
        if (!loss && s.target() != null) {
            double maxStep = trials.stream().flatMap(t -> t.curve().stream()).mapToDouble(Measurement::step).max().orElse(1);
            XYSeries t = Charts.line(c, unique(c, "target"), new double[] {0, maxStep}, new double[] {s.target(), s.target()},
                    new Color(0x444444), false, true);
            t.setLineStyle(Palette.DASHED);
        }
        return new Figure("fig4-" + (loss ? "loss-" : "curves-") + Figures.slug(j, s.study()) + "-" + Figures.slug(k, optimizer),
                4, optimizer + ": " + what + " of every trial, " + Figures.label(s),
                optimizer + " in " + Figures.label(s) + ": " + what + " at each evaluation of "
                        + (trials.size() == all.size() ? "each of its " + all.size() + " finished trials"
                                : trials.size() + " of its " + all.size() + " finished trials (spread evenly over their "
                                        + "ranking by final validation error)")
                        + " (thin), the best trial by final validation error in black"
                        + (diverged > 0 ? "; the y axis follows the trials that did not diverge (" + diverged
                                + " diverged trials run off it or stop early)" : "")
                        + (!loss && s.target() != null ? "; dashed: the target" : "") + ".", c);
    }

    /** Figure kind 11: importance per study (one bar group per hyperparameter), then each optimizer's top pair. */
    List<Figure> importance() {
        List<Figure> out = new ArrayList<>();
        for (int j = 0; j < result.studies().size(); j++) {
            StudyAnalysis s = result.studies().get(j);
            List<Importance> all = Importance.of(data.get(j));
            Set<String> names = new LinkedHashSet<>();
            all.forEach(i -> names.addAll(i.importance().keySet()));
            if (all.isEmpty() || names.size() < 2) {
                continue; // one searched hyperparameter: nothing to compare
            }
            List<String> hs = List.copyOf(names);
            CategoryChart c = new CategoryChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                    .title("Hyperparameter importance: " + Figures.label(s)).xAxisTitle("hyperparameter")
                    .yAxisTitle("share of variance explained alone").build();
            c.getStyler().setChartBackgroundColor(Color.WHITE);
            c.getStyler().setPlotBackgroundColor(Color.WHITE);
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            c.getStyler().setLegendBorderColor(Color.WHITE);
            c.getStyler().setChartTitleBoxVisible(false);
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(1.0);
            c.getStyler().setXAxisLabelRotation(25);
            c.getStyler().setAntiAlias(true);
            for (Importance i : all) {
                List<Double> ys = hs.stream().map(h -> i.importance().getOrDefault(h, 0.0)).toList();
                c.addSeries(i.optimizer() + " (" + i.trials() + " trials)", hs, ys).setFillColor(Palette.of(i.optimizer()));
            }
            out.add(new Figure("fig11-importance-" + Figures.slug(j, s.study()), 11, "Hyperparameter importance: " + Figures.label(s),
                    "Per optimizer, the share of the variance of the final validation error (diverged trials count 1.0) "
                            + "that each hyperparameter explains alone, corrected for chance (0: no more than noise would). "
                            + "Interactions are not attributed, so the bars need not sum to 1.", c));
            int k = 0;
            for (Importance i : all) {
                Figure f = pair(j, s, data.get(j), i, k++);
                if (f != null) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** One optimizer's two most important hyperparameters against each other, trials shaded by error quartile. */
    private Figure pair(int j, StudyAnalysis s, StudyData d, Importance imp, int k) {
        List<String> top = imp.topPair();
        if (top.size() < 2) {
            return null;
        }
        String hx = top.get(0);
        String hy = top.get(1);
        Map<String, SearchRange> space = SearchRange.parse(d.definition().spaces().get(imp.optimizer()));
        List<Trial> trials = d.trials().stream().filter(t -> t.optimizer().equals(imp.optimizer())
                && t.state().countsAsFinished() && t.searched().containsKey(hx) && t.searched().containsKey(hy)
                && (t.state() == TrialState.DIVERGED || t.validationError() != null)).toList();
        if (trials.size() < 4) {
            return null;
        }
        boolean logX = logScale(space.get(hx), trials, hx);
        boolean logY = logScale(space.get(hy), trials, hy);
        XYChart c = Charts.panel(imp.optimizer() + ": " + hx + " × " + hy, hx + (logX ? " (log)" : ""), hy + (logY ? " (log)" : ""));
        c.getStyler().setxAxisTickLabelsFormattingFunction(logX ? Charts.pow10() : Charts::compact);
        c.getStyler().setyAxisTickLabelsFormattingFunction(logY ? Charts.pow10() : Charts::compact);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setMarkerSize(9);
        List<Double> errors = trials.stream().map(t -> t.state() == TrialState.DIVERGED ? 1.0 : t.validationError()).sorted().toList();
        String[] names = {"best quarter", "second", "third", "worst quarter"};
        Color base = Palette.of(imp.optimizer());
        for (int q = 0; q < 4; q++) {
            double lo = q == 0 ? Double.NEGATIVE_INFINITY : errors.get(q * errors.size() / 4);
            double hi = q == 3 ? Double.POSITIVE_INFINITY : errors.get((q + 1) * errors.size() / 4);
            List<double[]> pts = new ArrayList<>();
            for (Trial t : trials) {
                double e = t.state() == TrialState.DIVERGED ? 1.0 : t.validationError();
                if (e >= lo && e < hi || (q == 3 && e >= lo)) {
                    double x = t.searched().get(hx);
                    double y = t.searched().get(hy);
                    pts.add(new double[] {logX ? Math.log10(x) : x, logY ? Math.log10(y) : y});
                }
            }
            if (pts.isEmpty()) {
                continue;
            }
            XYSeries p = Charts.points(c, unique(c, names[q]), pts.stream().mapToDouble(v -> v[0]).toArray(),
                    pts.stream().mapToDouble(v -> v[1]).toArray(), shade(base, q));
            p.setMarker(MARKERS[q % MARKERS.length]);
        }
        return new Figure("fig11-pair-" + Figures.slug(j, s.study()) + "-" + Figures.slug(k, imp.optimizer()), 11,
                imp.optimizer() + ": " + hx + " × " + hy + ", " + Figures.label(s),
                imp.optimizer() + "'s two most important hyperparameters (" + hx + ", " + hy + ") in " + Figures.label(s)
                        + ": each finished trial at its point, darker and marked by quarter of final validation error "
                        + "(diverged trials count 1.0, in the worst quarter).", c);
    }

    private static boolean logScale(SearchRange r, List<Trial> trials, String h) {
        if (r != null) {
            return r.log();
        }
        double min = trials.stream().mapToDouble(t -> t.searched().get(h)).min().orElse(0);
        double max = trials.stream().mapToDouble(t -> t.searched().get(h)).max().orElse(0);
        return min > 0 && max / min >= 100;
    }

    /** Quarter q of 4: from the full colour (best) to a pale one (worst). */
    private static Color shade(Color c, int q) {
        double f = q / 4.0;
        return new Color((int) (c.getRed() * (1 - f) + 235 * f), (int) (c.getGreen() * (1 - f) + 235 * f),
                (int) (c.getBlue() * (1 - f) + 235 * f));
    }

    private static String unique(XYChart c, String name) {
        String n = name.isEmpty() ? " " : name;
        while (c.getSeriesMap().containsKey(n)) {
            n = n + "\u200b";
        }
        return n;
    }

    /**
     * Figure kind 12: AlgoPerf's performance profile over wall-clock time to target, per protocol
     * with two or more workloads (over one it is a single 0 → 1 step; the report lists ratios).
     */
    List<Figure> timeProfiles() {
        Map<String, List<dev.optbench.analysis.TimeToResult>> byProtocol = new LinkedHashMap<>();
        data.stream().map(dev.optbench.analysis.TimeToResult::of).filter(t -> t.target() != null)
                .forEach(t -> byProtocol.computeIfAbsent(t.protocol(), p -> new ArrayList<>()).add(t));
        List<Figure> out = new ArrayList<>();
        int p = 0;
        for (Map.Entry<String, List<dev.optbench.analysis.TimeToResult>> e : byProtocol.entrySet()) {
            if (e.getValue().size() < 2) {
                continue;
            }
            XYChart c = Charts.xy("Performance profile over time to target: protocol " + e.getKey(),
                    "τ (seconds to target / fastest optimizer's)", "fraction of workloads ρ(τ)");
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(1.05);
            c.getStyler().setXAxisMin(1.0);
            c.getStyler().setXAxisMax(dev.optbench.analysis.TimeToResult.R_MAX);
            Map<String, List<Double>> ratios = dev.optbench.analysis.TimeToResult.ratios(e.getValue());
            int i = 0;
            for (Map.Entry<String, List<Double>> r : ratios.entrySet()) {
                double[] taus = new double[61];
                double[] rho = new double[61];
                for (int t = 0; t <= 60; t++) {
                    taus[t] = 1 + 0.05 * t;
                    double tau = taus[t];
                    rho[t] = r.getValue().stream().filter(x -> x <= tau + 1e-12).count() / (double) r.getValue().size();
                }
                double score = dev.optbench.analysis.TimeToResult.score(r.getValue());
                XYSeries line = Charts.line(c, unique(c, String.format(java.util.Locale.ROOT, "%s (B = %.3f)", r.getKey(),
                        score)), taus, rho, Palette.of(r.getKey()), false, true);
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
                line.setLineStyle(STROKES[i++ % STROKES.length]);
            }
            out.add(new Figure("fig12-time-profile-" + Figures.slug(p++, e.getKey()), 12,
                    "Performance profile over time to target: protocol " + e.getKey(),
                    "ρ(τ): the fraction of the " + e.getValue().size() + " workloads on which the optimizer's fastest trial "
                            + "reached the target within τ × the seconds of the fastest optimizer's; B in the legend is "
                            + "AlgoPerf's score, the area under ρ from 1 to 4 divided by 3.", c));
        }
        return out;
    }
}
