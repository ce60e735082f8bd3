package dev.optbench.report;

import dev.optbench.Version;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.StudyData;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The report of {@link ReportWriter} held in memory, for the dashboard: its figures are built at
 * once but each is rendered only when first asked for (a list of figures costs no rendering),
 * and the HTML page when first asked for. Safe to share between threads.
 */
public final class RenderedReport {

    /** One figure's id, title and caption, as in the report. */
    public record Entry(String id, String title, String caption) {}

    private final AnalysisResult result;
    private final List<StudyData> data;
    private final Map<String, Figure> figures;
    private final List<Entry> entries;
    private final Map<String, RenderedFigure> rendered = new ConcurrentHashMap<>();
    private volatile String html;

    private RenderedReport(AnalysisResult result, List<StudyData> data, List<Figure> figures) {
        this.result = result;
        this.data = List.copyOf(data);
        Map<String, Figure> byId = new java.util.LinkedHashMap<>();
        figures.forEach(f -> byId.put(f.id(), f));
        this.figures = byId;
        this.entries = figures.stream().map(f -> new Entry(f.id(), f.title(), f.caption())).toList();
    }

    /** {@code data} holds the studies in the same order as {@code result.studies()}. */
    public static RenderedReport of(AnalysisResult result, List<StudyData> data) {
        if (data.size() != result.studies().size()) {
            throw new IllegalArgumentException("one StudyData per analysed study is needed");
        }
        return new RenderedReport(result, data, new Figures(result, data).all());
    }

    public List<Entry> figures() {
        return entries;
    }

    /** The figure as PNG, rendered on first use; empty for an unknown id. */
    public Optional<byte[]> png(String id) {
        return render(id).map(RenderedFigure::png);
    }

    /** The figure as SVG, rendered on first use; empty for an unknown id. */
    public Optional<byte[]> svg(String id) {
        return render(id).map(RenderedFigure::svg);
    }

    /** The self-contained HTML report (every figure inline), rendered on first use. */
    public String html() {
        String h = html;
        if (h == null) {
            List<RenderedFigure> all = figures.keySet().parallelStream().map(id -> render(id).orElseThrow()).toList();
            h = new ReportHtml(result, data, all, Version.version()).render();
            html = h;
        }
        return h;
    }

    private Optional<RenderedFigure> render(String id) {
        Figure f = figures.get(id);
        if (f == null) {
            return Optional.empty();
        }
        // one rendering per figure: XChart charts are not meant to be drawn by two threads at once
        return Optional.of(rendered.computeIfAbsent(id, k -> FigureRenderer.render(f)));
    }
}
