package dev.optbench.report;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import org.knowm.xchart.internal.chartpart.Annotation;

/** A row name drawn right-aligned, ending at data x = {@code x}, centred on y = {@code y}. */
final class RowLabel extends Annotation {
    private final String text;
    private final double x;
    private final double y;
    private final Font font;

    RowLabel(String text, double x, double y, Font font) {
        super(false);
        this.text = text;
        this.x = x;
        this.y = y;
        this.font = font;
    }

    @Override
    public void paint(Graphics2D g) {
        if (!isVisible) {
            return;
        }
        Font old = g.getFont();
        g.setFont(font);
        g.setColor(styler.getAnnotationTextFontColor());
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, getXAxisScreenValue(x) - m.stringWidth(text), getYAxisScreenValue(y) + m.getAscent() / 2 - 1);
        g.setFont(old);
    }
}
