package dev.optbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    @TempDir Path dir;

    @Test
    void aCategoryRangeOfEqualValuesIsPaddedToARenderableSpan() {
        for (double v : new double[] {0.0, 0.25, 100.0}) {
            var c = Charts.xy("all equal", "optimizer", "test error");
            Charts.categories(c, List.of("sgd", "adam"), v, v);
            assertThat(c.getStyler().getYAxisMax() - c.getStyler().getYAxisMin()).isGreaterThanOrEqualTo(2 * Charts.MIN_PAD);
            assertThat(c.getStyler().getYAxisMin()).isLessThan(v);
            assertThat(c.getStyler().getYAxisMax()).isGreaterThan(v);
        }
    }

    /**
     * Every best trial at error 0 (an easy data set) once gave figure 1 a ±1e-9 axis on which
     * XChart's tick loop never ends (XChart issue 799): the whole report must still render.
     */
    @Test
    void aReportOfStudiesWhoseErrorsAreAllZeroRenders() {
        List<StudyData> data = List.of(ReportFixtures.perfect("easy-a", 6), ReportFixtures.perfect("easy-b", 6));
        AnalysisResult r = new Analyzer(AnalysisOptions.of(500, 1)).analyze(data);
        ReportWriter.Written w = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ReportWriter.write(r, data, dir));
        assertThat(w.html()).exists();
        assertThat(w.pngs()).isNotEmpty();
    }
}
