package dev.optbench.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Point;

/** Text centred on the data point (x, y), in its own colour (XChart's text annotations share one colour). */
final class CellText extends TextAnnotation {
    private final double x;
    private final double y;
    private final Color color;

    CellText(String text, double x, double y, Font font, Color color) {
        super(text, font);
        this.x = x;
        this.y = y;
        this.color = color;
    }

    @Override
    Color color() {
        return color;
    }

    @Override
    Point origin(String text, FontMetrics m) {
        return new Point(getXAxisScreenValue(x) - m.stringWidth(text) / 2, getYAxisScreenValue(y) + m.getAscent() / 2 - 1);
    }
}
