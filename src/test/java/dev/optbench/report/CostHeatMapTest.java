package dev.optbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostHeatMapTest {
    @TempDir Path dir;

    @Test
    void theReportHasOneHeatMapPerStudyAsPngAndSvgWithNeverCellsInTheirOwnColour() throws Exception {
        StudyData s = SyntheticStudies.study("cost", "fmnist_mlp", "full", SyntheticStudies.OPTIMIZERS, 24, 5);
        List<StudyData> data = List.of(s);
        AnalysisResult r = new Analyzer(AnalysisOptions.of(500, 1)).analyze(data);
        long never = r.studies().get(0).costToMatch().stream().filter(c -> c.never()).count();
        assertThat(never).as("the fixture has some 'never' pairs").isPositive();
        assertThat(r.studies().get(0).costToMatch()).hasSize(30);
        ReportWriter.Written w = ReportWriter.write(r, data, dir);
        Path png = dir.resolve("fig9-cost-to-match-0-cost.png");
        assertThat(png).exists();
        assertThat(dir.resolve("fig9-cost-to-match-0-cost.svg")).exists();
        assertThat(Files.readString(dir.resolve("fig9-cost-to-match-0-cost.svg"))).contains("never");
        BufferedImage img = ImageIO.read(png.toFile());
        int neverPixels = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                neverPixels += (img.getRGB(x, y) & 0xffffff) == (CostHeatMap.NEVER.getRGB() & 0xffffff) ? 1 : 0;
            }
        }
        assertThat(neverPixels).as("never cells are drawn in their colour").isGreaterThan(1000 * (int) never);
        assertThat(Files.readString(w.html())).contains("Tuning cost to match", "fig9-cost-to-match-0-cost");
    }
}
