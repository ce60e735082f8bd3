package dev.optbench.report;

import dev.optbench.analysis.CostToMatch;
import dev.optbench.analysis.StudyAnalysis;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tuning-cost-to-match heat map of one study: row N, column M, cell = the fewest trials at
 * which N's median best test error reaches M's at M's full budget. Drawn as an XChart XY chart of
 * filled cells (XChart's HeatMapChart cannot write text in a cell), shaded by the cost as a
 * fraction of N's budget, light (cheap) to dark orange (the whole budget); a "never" cell is
 * dark grey, cross-hatched and labelled "never"; the diagonal is left blank.
 */
final class CostHeatMap {
    static final Color NEVER = new Color(0x3a3a3a);
    private static final Color CHEAP = new Color(0xfff1d6);
    private static final Color DEAR = new Color(0xd0540f);

    private CostHeatMap() {}

    /** Null when the study has fewer than two optimizers with finished trials. */
    static Figure of(StudyAnalysis s, String id, String chartLabel, String label) {
        if (s.costToMatch().isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        s.costToMatch().forEach(c -> {
            if (!names.contains(c.optimizer())) {
                names.add(c.optimizer());
            }
        });
        int n = names.size();
        XYChart c = Charts.xy("Tuning cost to match: " + chartLabel, "M (the optimizer to match at its full budget)",
                "N (the optimizer tuned)");
        XYStyler st = c.getStyler();
        st.setLegendVisible(false);
        st.setPlotGridLinesVisible(false);
        st.setXAxisTicksVisible(false);
        st.setYAxisTicksVisible(false);
        st.setPlotBorderVisible(false);
        st.setXAxisMin(-1.5); // the row names sit inside the plot, left of the first column
        st.setXAxisMax(n - 0.5);
        st.setYAxisMin(-0.5);
        st.setYAxisMax(n - 0.5);
        st.setAxisTitlePadding(26);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        for (int i = 0; i < n; i++) {
            c.addAnnotation(new CategoryLabel(names.get(i), i, font));
            c.addAnnotation(new RowLabel(names.get(i), -0.55, n - 1 - i, font));
        }
        for (CostToMatch cell : s.costToMatch()) {
            int col = names.indexOf(cell.target());
            int row = n - 1 - names.indexOf(cell.optimizer()); // first optimizer on top
            if (col < 0) {
                continue;
            }
            String name = "cell " + cell.optimizer() + " " + cell.target();
            if (cell.never()) {
                fill(c, name, col, row, NEVER);
                hatch(c, name, col, row);
                text(c, "never", col, row, Color.WHITE);
            } else {
                double f = cell.available() <= 1 ? 1.0 : (cell.trials() - 1.0) / (cell.available() - 1.0);
                fill(c, name, col, row, mix(CHEAP, DEAR, f));
                text(c, String.valueOf(cell.trials()), col, row, f > 0.6 ? Color.WHITE : new Color(0x222222));
            }
        }
        return new Figure(id, 9, "Tuning cost to match: " + label,
                "Row N, column M: the fewest trials k (every k = 1 … N's budget) at which N's median best test error "
                        + "reaches M's median best at M's full budget, on the exact best-of-k distribution. Shade: k as "
                        + "a share of N's budget (light = cheap, dark orange = all of it); dark grey hatched = never "
                        + "within the study.", c);
    }

    private static void fill(XYChart c, String name, int x, int y, Color color) {
        double a = 0.48;
        XYSeries s = c.addSeries(name, new double[] {x - a, x + a, x + a, x - a, x - a},
                new double[] {y - a, y - a, y + a, y + a, y - a});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setFillColor(color);
        s.setLineColor(color);
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    /** Diagonal strokes across a "never" cell, so it reads as "no value" even in greyscale print. */
    private static void hatch(XYChart c, String name, int x, int y) {
        double a = 0.48;
        for (int i = 0; i < 4; i++) {
            double t = -a + i * (2 * a / 3);
            XYSeries s = c.addSeries(name + " hatch " + i, new double[] {x - a, x + t}, new double[] {y - t, y + a});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setLineColor(new Color(0x777777));
            s.setLineStyle(new java.awt.BasicStroke(1f));
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(false);
        }
    }

    private static void text(XYChart c, String text, int x, int y, Color color) {
        c.addAnnotation(new CellText(text, x, y, new Font(Font.SANS_SERIF, Font.BOLD, 15), color));
    }

    static Color mix(Color a, Color b, double f) {
        double g = Math.max(0, Math.min(1, f));
        return new Color((int) Math.round(a.getRed() + g * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + g * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + g * (b.getBlue() - a.getBlue())));
    }
}
