package dev.optbench.report;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Point;

/** A row name drawn right-aligned, ending at data x = {@code x}, centred on y = {@code y}. */
final class RowLabel extends TextAnnotation {
    private final double x;
    private final double y;

    RowLabel(String text, double x, double y, Font font) {
        super(text, font);
        this.x = x;
        this.y = y;
    }

    @Override
    Point origin(String text, FontMetrics m) {
        return new Point(getXAxisScreenValue(x) - m.stringWidth(text), getYAxisScreenValue(y) + m.getAscent() / 2 - 1);
    }
}
