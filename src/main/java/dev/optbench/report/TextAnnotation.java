package dev.optbench.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Point;
import org.knowm.xchart.internal.chartpart.Annotation;

/**
 * Text drawn on a chart in its own font, at a screen position that depends on the text's
 * metrics; the chart's font is restored afterwards. Subclasses say where the baseline starts.
 */
abstract class TextAnnotation extends Annotation {
    private final String text;
    private final Font font;

    TextAnnotation(String text, Font font) {
        super(false);
        this.text = text;
        this.font = font;
    }

    /** The screen point where the baseline of {@code text} starts. */
    abstract Point origin(String text, FontMetrics m);

    /** The chart's annotation colour unless a subclass has its own. */
    Color color() {
        return styler.getAnnotationTextFontColor();
    }

    @Override
    public final void paint(Graphics2D g) {
        if (!isVisible) {
            return;
        }
        Font old = g.getFont();
        g.setFont(font);
        g.setColor(color());
        FontMetrics m = g.getFontMetrics();
        Point p = origin(text, m);
        g.drawString(text, p.x, p.y);
        g.setFont(old);
    }
}
