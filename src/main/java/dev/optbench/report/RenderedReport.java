package dev.optbench.report;

import dev.optbench.Version;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.StudyData;
import java.util.List;

/** The report of {@link ReportWriter} held in memory: its HTML page and every figure (the dashboard serves these). */
public record RenderedReport(String html, List<Image> figures) {

    /** One figure: id, title and caption as in the report, PNG and SVG bytes. */
    public record Image(String id, String title, String caption, byte[] png, byte[] svg) {}

    public RenderedReport {
        figures = List.copyOf(figures);
    }

    /** {@code data} holds the studies in the same order as {@code result.studies()}. */
    public static RenderedReport of(AnalysisResult result, List<StudyData> data) {
        if (data.size() != result.studies().size()) {
            throw new IllegalArgumentException("one StudyData per analysed study is needed");
        }
        List<RenderedFigure> figures = FigureRenderer.render(new Figures(result, data).all());
        String html = new ReportHtml(result, figures, Version.version()).render();
        return new RenderedReport(html, figures.stream()
                .map(f -> new Image(f.figure().id(), f.figure().title(), f.figure().caption(), f.png(), f.svg())).toList());
    }
}
