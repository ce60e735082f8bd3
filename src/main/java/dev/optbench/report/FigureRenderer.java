package dev.optbench.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;

/** Renders figures to PNG (BitmapEncoder) and SVG (VectorGraphicsEncoder, VectorGraphics2D). */
final class FigureRenderer {
    private FigureRenderer() {}

    /** Figures are independent, so they render in parallel; the order is kept. */
    static List<RenderedFigure> render(List<Figure> figures) {
        return figures.parallelStream().map(FigureRenderer::render).toList();
    }

    static RenderedFigure render(Figure f) {
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(f.chart(), BitmapEncoder.BitmapFormat.PNG);
            ByteArrayOutputStream svg = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(f.chart(), svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            return new RenderedFigure(f, png, svg.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render figure " + f.id(), e);
        }
    }
}
