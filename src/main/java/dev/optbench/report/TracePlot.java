package dev.optbench.report;

import dev.optbench.optim.TestFunction;
import dev.optbench.optim.Trajectory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a test function's contour lines (marching squares on a grid, levels at quantiles of the
 * values so that steep functions still show their valleys) with optimizer paths on top.
 */
public final class TracePlot {
    private TracePlot() {}

    private static final int GRID = 160;
    private static final int LEVELS = 16;
    private static final Color[] PATH_COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
    };

    public static void write(Path file, TestFunction f, String setting, List<String> labels, List<Trajectory> paths)
            throws IOException {
        double[] view = view(f, paths);
        XYChart chart = new XYChartBuilder().width(1000).height(800)
                .title(f.cliName() + ": optimizer paths (" + setting + ")").xAxisTitle("x").yAxisTitle("y").build();
        org.knowm.xchart.style.XYStyler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesVisible(false);
        chart.getStyler().setXAxisMin(view[0]).setXAxisMax(view[1]).setYAxisMin(view[2]).setYAxisMax(view[3]);
        st.setMarkerSize(5);
        addContours(chart, f, view);
        for (int i = 0; i < paths.size(); i++) {
            List<double[]> pts = paths.get(i).points();
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            for (int k = 0; k < pts.size(); k++) {
                x[k] = clamp(pts.get(k)[0], view[0], view[1]);
                y[k] = clamp(pts.get(k)[1], view[2], view[3]);
            }
            Trajectory t = paths.get(i);
            double[] end = pts.get(pts.size() - 1);
            String label = labels.get(i) + " → (" + fmt(end[0]) + ", " + fmt(end[1]) + "), loss "
                    + String.format(java.util.Locale.ROOT, "%.3g", t.losses()[t.losses().length - 1]);
            XYSeries s = chart.addSeries(label, x, y);
            Color c = PATH_COLORS[i % PATH_COLORS.length];
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setMarker(pts.size() <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setLineStyle(new BasicStroke(1.6f));
        }
        double[] min = f.minimum();
        XYSeries star = chart.addSeries("minimum (" + fmt(min[0]) + ", " + fmt(min[1]) + ")",
                new double[] {min[0]}, new double[] {min[1]});
        star.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        star.setMarker(SeriesMarkers.DIAMOND);
        star.setMarkerColor(Color.BLACK);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }

    private static double clamp(double v, double lo, double hi) {
        if (Double.isNaN(v)) {
            return v;
        }
        return Math.max(lo, Math.min(hi, v));
    }

    /** The default view widened to show the paths, at most three times its size. */
    static double[] view(TestFunction f, List<Trajectory> paths) {
        double[] v = f.defaultView();
        double cx = (v[0] + v[1]) / 2;
        double cy = (v[2] + v[3]) / 2;
        double wx = v[1] - v[0];
        double wy = v[3] - v[2];
        for (Trajectory t : paths) {
            for (double[] p : t.points()) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    v[0] = Math.min(v[0], Math.max(p[0], cx - 1.5 * wx));
                    v[1] = Math.max(v[1], Math.min(p[0], cx + 1.5 * wx));
                    v[2] = Math.min(v[2], Math.max(p[1], cy - 1.5 * wy));
                    v[3] = Math.max(v[3], Math.min(p[1], cy + 1.5 * wy));
                }
            }
        }
        return v;
    }

    private static void addContours(XYChart chart, TestFunction f, double[] view) {
        double[][] z = new double[GRID + 1][GRID + 1];
        double[] xs = new double[GRID + 1];
        double[] ys = new double[GRID + 1];
        double[] all = new double[(GRID + 1) * (GRID + 1)];
        for (int i = 0; i <= GRID; i++) {
            xs[i] = view[0] + (view[1] - view[0]) * i / GRID;
            ys[i] = view[2] + (view[3] - view[2]) * i / GRID;
        }
        for (int i = 0; i <= GRID; i++) {
            for (int j = 0; j <= GRID; j++) {
                z[i][j] = f.value(xs[i], ys[j]);
                all[i * (GRID + 1) + j] = z[i][j];
            }
        }
        Arrays.sort(all);
        for (int k = 0; k < LEVELS; k++) {
            // quantiles bunched towards the low values, where the interesting valleys are
            double q = Math.pow((k + 0.5) / LEVELS, 2);
            double level = all[(int) (q * (all.length - 1))];
            List<Double> cx = new ArrayList<>();
            List<Double> cy = new ArrayList<>();
            for (int i = 0; i < GRID; i++) {
                for (int j = 0; j < GRID; j++) {
                    addCellSegments(level, xs[i], xs[i + 1], ys[j], ys[j + 1],
                            z[i][j], z[i + 1][j], z[i + 1][j + 1], z[i][j + 1], cx, cy);
                }
            }
            if (cx.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries("level " + k, cx, cy);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            int shade = 120 + (int) (110.0 * k / LEVELS);
            s.setLineColor(new Color(shade, shade, 255 - (int) (60.0 * k / LEVELS)));
            s.setLineStyle(new BasicStroke(1f));
            s.setShowInLegend(false);
        }
    }

    /** Marching squares for one cell: the crossings of {@code level} along its four edges. */
    private static void addCellSegments(double level, double x0, double x1, double y0, double y1,
            double z00, double z10, double z11, double z01, List<Double> cx, List<Double> cy) {
        double[][] corners = {{x0, y0, z00}, {x1, y0, z10}, {x1, y1, z11}, {x0, y1, z01}};
        List<double[]> hits = new ArrayList<>(4);
        for (int e = 0; e < 4; e++) {
            double[] a = corners[e];
            double[] b = corners[(e + 1) % 4];
            if ((a[2] < level) != (b[2] < level)) {
                double t = (level - a[2]) / (b[2] - a[2]);
                hits.add(new double[] {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])});
            }
        }
        for (int h = 0; h + 1 < hits.size(); h += 2) {
            cx.add(hits.get(h)[0]);
            cy.add(hits.get(h)[1]);
            cx.add(hits.get(h + 1)[0]);
            cy.add(hits.get(h + 1)[1]);
            cx.add(Double.NaN); // break the line between segments
            cy.add(Double.NaN);
        }
    }
}
