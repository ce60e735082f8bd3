package dev.optbench.report;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import org.knowm.xchart.internal.chartpart.Annotation;

/**
 * A category name (or budget) drawn centred under x = {@code x}, just below the plot area. XChart chooses
 * numeric tick positions itself, so categorical labels are drawn as annotations instead; the
 * y position comes from the plot's bottom edge in screen space, whatever the axis range.
 */
final class CategoryLabel extends Annotation {
    private final String text;
    private final double x;
    private final Font font;

    CategoryLabel(String text, double x, Font font) {
        super(false);
        this.text = text;
        this.x = x;
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
        int px = getXAxisScreenValue(x) - m.stringWidth(text) / 2;
        int bottom = Math.max(getYAxisScreenValueForMin(), getYAxisScreenValueForMax()); // screen y grows downwards
        int py = bottom + m.getAscent() + 6;
        g.drawString(text, px, py);
        g.setFont(old);
    }
}
