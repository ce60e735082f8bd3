package dev.optbench.report;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Point;

/**
 * A category name (or budget) drawn centred under x = {@code x}, just below the plot area. XChart chooses
 * numeric tick positions itself, so categorical labels are drawn as annotations instead; the
 * y position comes from the plot's bottom edge in screen space, whatever the axis range.
 */
final class CategoryLabel extends TextAnnotation {
    private final double x;

    CategoryLabel(String text, double x, Font font) {
        super(text, font);
        this.x = x;
    }

    @Override
    Point origin(String text, FontMetrics m) {
        int bottom = Math.max(getYAxisScreenValueForMin(), getYAxisScreenValueForMax()); // screen y grows downwards
        return new Point(getXAxisScreenValue(x) - m.stringWidth(text) / 2, bottom + m.getAscent() + 6);
    }
}
