package dev.optbench.report;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import org.knowm.xchart.internal.chartpart.Annotation;

/** Text centred on the data point (x, y), in its own colour (XChart's text annotations share one colour). */
final class CellText extends Annotation {
    private final String text;
    private final double x;
    private final double y;
    private final Font font;
    private final java.awt.Color color;

    CellText(String text, double x, double y, Font font, java.awt.Color color) {
        super(false);
        this.text = text;
        this.x = x;
        this.y = y;
        this.font = font;
        this.color = color;
    }

    @Override
    public void paint(Graphics2D g) {
        if (!isVisible) {
            return;
        }
        Font old = g.getFont();
        g.setFont(font);
        g.setColor(color);
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, getXAxisScreenValue(x) - m.stringWidth(text) / 2, getYAxisScreenValue(y) + m.getAscent() / 2 - 1);
        g.setFont(old);
    }
}
