package dev.optbench.report;

import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Chart construction shared by the figures: one readable style, interval "error bars". */
final class Charts {
    static final int WIDTH = 960;
    static final int HEIGHT = 520;

    private Charts() {}

    static XYChart xy(String title, String xTitle, String yTitle) {
        return xy(title, xTitle, yTitle, WIDTH, HEIGHT);
    }

    static XYChart xy(String title, String xTitle, String yTitle, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x999999));
        s.setPlotGridLinesColor(new Color(0xe3e3e3));
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setChartTitleBoxVisible(false);
        s.setMarkerSize(9);
        s.setAntiAlias(true);
        s.setToolTipsEnabled(false);
        return c;
    }

    /** Size of a small-multiple panel; the report lays panels out side by side. */
    static final int PANEL_WIDTH = 480;
    static final int PANEL_HEIGHT = 320;

    /** A small panel of a small-multiple figure: the style of {@link #xy}, smaller, legend inside. */
    static XYChart panel(String title, String xTitle, String yTitle) {
        XYChart c = xy(title, xTitle, yTitle, PANEL_WIDTH, PANEL_HEIGHT);
        XYStyler s = c.getStyler();
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBackgroundColor(new Color(255, 255, 255, 210));
        s.setMarkerSize(6);
        return c;
    }

    /** A series of markers only, in the legend. */
    static XYSeries points(XYChart c, String name, double[] x, double[] y, Color color) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        return s;
    }

    /** A line (with or without markers); {@code legend} false hides it from the legend. */
    static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color, boolean markers, boolean legend) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(color);
        s.setLineStyle(Palette.SOLID);
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        if (markers) {
            s.setMarkerColor(color);
        }
        s.setShowInLegend(legend);
        return s;
    }

    /** A vertical bar from lo to hi at x, with short caps, not in the legend. */
    static void interval(XYChart c, String name, double x, double lo, double hi, Color color, double cap) {
        XYSeries s = c.addSeries(name, new double[] {x - cap, x + cap, x, x, x - cap, x + cap},
                new double[] {lo, lo, lo, hi, hi, hi});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setLineColor(color);
        s.setLineStyle(Palette.THIN);
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    /** A filled band between lo and hi along x (a closed polygon), not in the legend. */
    static void band(XYChart c, String name, double[] x, double[] lo, double[] hi, Color color) {
        band(c, name, x, lo, hi, color, 50);
    }

    /** A band with fill opacity {@code alpha} (0–255). */
    static void band(XYChart c, String name, double[] x, double[] lo, double[] hi, Color color, int alpha) {
        int n = x.length;
        double[] px = new double[2 * n];
        double[] py = new double[2 * n];
        for (int i = 0; i < n; i++) {
            px[i] = x[i];
            py[i] = hi[i];
            px[2 * n - 1 - i] = x[i];
            py[2 * n - 1 - i] = lo[i];
        }
        XYSeries s = c.addSeries(name, px, py);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setFillColor(Palette.translucent(color, alpha));
        s.setLineColor(Palette.translucent(color, 90));
        s.setLineStyle(new java.awt.BasicStroke(0.5f));
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
    }

    /**
     * Categorical x axis: category i sits at x = i. XChart places numeric ticks where it likes,
     * so the names are drawn as annotations just below the plot ({@link CategoryLabel}); the
     * y range is [yMin, yMax], padded.
     */
    /** Smallest padding of a category chart's y range; errors and step counts are far coarser. */
    static final double MIN_PAD = 1e-3;

    static void categories(XYChart c, List<String> names, double yMin, double yMax) {
        // XChart rounds tick steps to 10 decimals and loops forever on a step that rounds to 0
        // (XChart issue 799), so the padded span never falls below MIN_PAD: e.g. all errors 0.
        double pad = Math.max(0.06 * (yMax - yMin), Math.max(MIN_PAD, Math.max(Math.abs(yMax), Math.abs(yMin)) * 0.02));
        double lo = yMin - pad;
        double hi = yMax + pad;
        XYStyler s = c.getStyler();
        s.setXAxisMin(-0.6);
        s.setXAxisMax(names.size() - 0.4);
        s.setYAxisMin(lo);
        s.setYAxisMax(hi);
        s.setXAxisTicksVisible(false);
        // under the plot, so the categories get the full width and their names do not overlap
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setAxisTitlePadding(26); // the gap under the plot where the names are drawn
        s.setPlotGridVerticalLinesVisible(false);
        s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        s.setAnnotationTextFontColor(new Color(0x222222));
        for (int i = 0; i < names.size(); i++) {
            c.addAnnotation(new CategoryLabel(names.get(i), i, new Font(Font.SANS_SERIF, Font.PLAIN, 14)));
        }
    }

    /** Tick labels for an axis that plots log10 of the value: 10^v written as a number. */
    static Function<Double, String> pow10() {
        return v -> {
            double x = Math.pow(10, v);
            double r = Double.parseDouble(String.format(Locale.ROOT, "%.2g", x)); // 2 significant digits
            return compact(r);
        };
    }

    static String compact(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.0e", v).replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
