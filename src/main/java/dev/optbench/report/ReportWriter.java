package dev.optbench.report;

import dev.optbench.InputException;
import dev.optbench.Version;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.StudyData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the report of SPEC section 9: DIR/report.html, one self-contained file (CSS inline,
 * figures inline as base64 PNG, no network), every figure as DIR/ID.png and DIR/ID.svg, and the
 * numbers as DIR/analysis.json (the output of {@code analyze --json}) and every trial's wall-clock
 * time to target as DIR/time-to-target.csv.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /** What was written. */
    public record Written(Path html, List<Path> pngs, List<Path> svgs) {}

    /** {@code data} holds the studies in the same order as {@code result.studies()}. */
    public static Written write(AnalysisResult result, List<StudyData> data, Path dir) {
        if (data.size() != result.studies().size()) {
            throw new IllegalArgumentException("one StudyData per analysed study is needed");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException("cannot create the report directory " + dir + ": " + e.getMessage()
                    + "; choose another --out");
        }
        List<RenderedFigure> figures = FigureRenderer.render(new Figures(result, data).all());
        List<Path> pngs = new ArrayList<>();
        List<Path> svgs = new ArrayList<>();
        try {
            for (RenderedFigure f : figures) {
                Path png = dir.resolve(f.figure().id() + ".png");
                Path svg = dir.resolve(f.figure().id() + ".svg");
                Files.write(png, f.png());
                Files.write(svg, f.svg());
                pngs.add(png);
                svgs.add(svg);
            }
            Files.writeString(dir.resolve("analysis.json"), dev.optbench.analysis.AnalysisJson.write(result) + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("time-to-target.csv"), dev.optbench.analysis.TimeToResult.csv(data),
                    StandardCharsets.UTF_8);
            Path html = dir.resolve("report.html");
            Files.writeString(html, new ReportHtml(result, data, figures, Version.version()).render(), StandardCharsets.UTF_8);
            return new Written(html, pngs, svgs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir, e);
        }
    }
}
