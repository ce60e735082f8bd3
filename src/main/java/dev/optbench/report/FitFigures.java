package dev.optbench.report;

import dev.optbench.analysis.FitSummary;
import dev.optbench.analysis.OptimizerAnalysis;
import dev.optbench.analysis.SearchRange;
import dev.optbench.analysis.StudyAnalysis;
import dev.optbench.analysis.StudyData;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/**
 * The fitted protocol's figures (section 10 of the report): per hyperparameter, figure-3 style,
 * each optimizer's stage-1 points (final validation error against the value), the wide stage-1
 * range as grey dashed bounds and each optimizer's fitted stage-2 range as solid bounds in its
 * colour; stage-2 points drawn small and faint.
 */
final class FitFigures {
    private FitFigures() {}

    static List<Figure> of(int j, StudyAnalysis s, StudyData d, String chartLabel, String label) {
        Map<String, FitSummary> fits = new LinkedHashMap<>();
        for (OptimizerAnalysis a : s.optimizers().values()) {
            if (a.fit() != null) {
                fits.put(a.optimizer(), a.fit());
            }
        }
        List<Figure> out = new ArrayList<>();
        if (fits.isEmpty()) {
            return out;
        }
        Set<String> names = new LinkedHashSet<>();
        fits.values().forEach(f -> names.addAll(SearchRange.parse(f.wide()).keySet()));
        int k = 0;
        for (String h : names) {
            Figure f = figure(j, k++, h, s, d, fits, chartLabel, label);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private static Figure figure(int j, int k, String h, StudyAnalysis s, StudyData d, Map<String, FitSummary> fits,
            String chartLabel, String label) {
        Map<String, SearchRange> wide = new LinkedHashMap<>();
        Map<String, SearchRange> fitted = new LinkedHashMap<>();
        fits.forEach((o, f) -> {
            SearchRange w = SearchRange.parse(f.wide()).get(h);
            SearchRange x = SearchRange.parse(f.fitted()).get(h);
            if (w != null && x != null) {
                wide.put(o, w);
                fitted.put(o, x);
            }
        });
        if (wide.isEmpty()) {
            return null;
        }
        boolean log = wide.values().stream().allMatch(SearchRange::log);
        double min = wide.values().stream().mapToDouble(SearchRange::min).min().orElseThrow();
        double max = wide.values().stream().mapToDouble(SearchRange::max).max().orElseThrow();
        List<Trial> finished = d.trials().stream().filter(t -> fits.containsKey(t.optimizer()) && t.searched().containsKey(h)
                && (t.state() == TrialState.DIVERGED || (t.state() == TrialState.COMPLETED && t.validationError() != null)))
                .toList();
        double max1 = finished.stream().filter(t -> t.state() != TrialState.DIVERGED).mapToDouble(Trial::validationError)
                .max().orElse(1.0);
        double bottom = finished.stream().filter(t -> t.state() != TrialState.DIVERGED).mapToDouble(Trial::validationError)
                .min().orElse(0.0);
        final double top = max1 + 0.08 * Math.max(max1 - bottom, 0.01);
        double y0 = Math.max(0, bottom - 0.02);
        XYChart c = Charts.xy(h + ": wide and fitted range, " + chartLabel, h + (log ? " (log scale)" : ""),
                "final validation error");
        c.getStyler().setxAxisTickLabelsFormattingFunction(log ? Charts.pow10() : Charts::compact);
        c.getStyler().setYAxisMin(y0);
        c.getStyler().setYAxisMax(top);
        c.getStyler().setMarkerSize(6);
        for (String o : fitted.keySet()) {
            for (int stage = 1; stage <= 2; stage++) {
                int st = stage;
                List<Trial> mine = finished.stream().filter(t -> t.optimizer().equals(o) && t.stage() == st).toList();
                double[] xs = mine.stream().mapToDouble(t -> x(t.searched().get(h), log)).toArray();
                double[] ys = mine.stream().mapToDouble(t -> t.state() == TrialState.DIVERGED ? top
                        : Math.min(t.validationError(), top)).toArray();
                if (xs.length > 0) {
                    XYSeries p = Charts.points(c, unique(c, o + (stage == 1 ? " stage 1" : " stage 2")), xs, ys,
                            Palette.translucent(Palette.of(o), stage == 1 ? 220 : 70));
                    p.setShowInLegend(stage == 1);
                }
            }
        }
        SearchRange w0 = wide.values().iterator().next();
        bound(c, "wide range", w0, log, y0, top, new Color(0x444444), true, true);
        List<String> described = new ArrayList<>();
        for (Map.Entry<String, SearchRange> e : fitted.entrySet()) {
            bound(c, "fitted: " + e.getKey(), e.getValue(), log, y0, top, Palette.of(e.getKey()), false, true);
            described.add(e.getKey() + " [" + Charts.compact(e.getValue().min()) + ", " + Charts.compact(e.getValue().max()) + "]");
        }
        double lo = x(min, log);
        double hi = x(max, log);
        double pad = 0.03 * Math.max(hi - lo, 1e-12);
        c.getStyler().setXAxisMin(lo - pad);
        c.getStyler().setXAxisMax(hi + pad);
        return new Figure("fig10-fit-" + Figures.slug(j, s.study()) + "-" + Figures.slug(k, h), 10,
                h + ": wide and fitted range, " + label,
                "Markers: final validation error of each optimizer's stage-1 trials (faint: stage 2; at the top: diverged)."
                        + " Grey dashed: the wide stage-1 range [" + Charts.compact(w0.min()) + ", " + Charts.compact(w0.max())
                        + "]; solid, per optimizer: the fitted stage-2 range " + String.join(", ", described) + ".", c);
    }

    private static void bound(XYChart c, String name, SearchRange r, boolean log, double y0, double top, Color color,
            boolean dashed, boolean legend) {
        for (double v : new double[] {r.min(), r.max()}) {
            XYSeries b = Charts.line(c, unique(c, name), new double[] {x(v, log), x(v, log)}, new double[] {y0, top}, color,
                    false, legend && v == r.min());
            b.setLineStyle(dashed ? Palette.DASHED : Palette.SOLID);
        }
    }

    private static double x(double v, boolean log) {
        return log ? Math.log10(v) : v;
    }

    private static String unique(XYChart c, String name) {
        String n = name;
        while (c.getSeriesMap().containsKey(n)) {
            n = n + "\u200b";
        }
        return n;
    }
}
