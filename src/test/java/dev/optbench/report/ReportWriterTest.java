package dev.optbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir Path dir;

    @Test
    void writesSelfContainedHtmlAndEveryFigureAsPngAndSvg() throws Exception {
        ReportWriter.Written w = ReportFixtures.write(dir, 40);
        String html = Files.readString(w.html());
        // figures 1–5 of SPEC §9 for three studies: 1 + 3 budget + hyperparameter scatters + 3 curves + 1 steps
        assertThat(w.pngs()).hasSameSizeAs(w.svgs()).hasSizeGreaterThanOrEqualTo(1 + 3 + 6 + 3 + 1);
        for (String id : new String[] {"fig1-best-test-error", "fig2-budget-0-fmnist_mlp-0-sgd",
            "fig3-hparam-1-mlp-full-0-learning_rate", "fig4-curves-1-mlp-full-0-sgd", "fig4-loss-1-mlp-full-0-sgd",
            "fig5-steps-to-target"}) {
            assertThat(dir.resolve(id + ".png")).exists();
            assertThat(dir.resolve(id + ".svg")).exists();
        }
        for (Path png : w.pngs()) {
            BufferedImage img = ImageIO.read(png.toFile());
            boolean panel = png.getFileName().toString().matches("fig(2|4|11-pair).*");
            assertThat(img.getWidth()).isEqualTo(panel ? Charts.PANEL_WIDTH : Charts.WIDTH);
            assertThat(img.getHeight()).isEqualTo(panel ? Charts.PANEL_HEIGHT : Charts.HEIGHT);
        }
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        for (Path svg : w.svgs()) { // well-formed XML, so hostile names were escaped in the SVG too
            assertThat(xml.newDocumentBuilder().parse(svg.toFile())
                    .getDocumentElement().getTagName()).isEqualTo("svg");
        }
        // every figure is inline as a PNG identical to its file; nothing is fetched from elsewhere
        Matcher m = Pattern.compile("<figure id=\"([^\"]+)\"><img [^>]*src=\"data:image/png;base64,([^\"]+)\"").matcher(html);
        int inline = 0;
        while (m.find()) {
            assertThat(Base64.getDecoder().decode(m.group(2))).isEqualTo(Files.readAllBytes(dir.resolve(m.group(1) + ".png")));
            inline++;
        }
        assertThat(inline).isEqualTo(w.pngs().size());
        assertThat(html).doesNotContain("http://", "https://", "<script", "<link");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("analysis.json").toFile())
                .at("/studies/1/study").asText()).isEqualTo("mlp-full");
        assertThat(html).contains(". Ranking across protocols and workloads", ". Rankings by training loss",
                "Inclusion consistency", "Rank flips between protocols", "Boundary check");
    }

    @Test
    void userGivenNamesAreEscaped() throws Exception {
        ReportWriter.Written w = ReportFixtures.write(dir, 12);
        String html = Files.readString(w.html());
        assertThat(html).doesNotContain("<script>alert(1)</script>").doesNotContain("\"q\"");
        String escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;x&#39;";
        assertThat(html).contains("<td>" + escaped + "</td>"); // study and optimizer names in tables
        assertThat(html).contains(escaped + " = "); // the hyperparameter name in the best-trial table
        assertThat(Html.escape("a<b>&\"'")).isEqualTo("a&lt;b&gt;&amp;&quot;&#39;");
    }

    @Test
    void studyWithoutFinishedTrialsStillGivesAReport() throws Exception {
        var def = new dev.optbench.study.StudyDefinition("empty", "w", "full", java.util.List.of("sgd"), 2, 0, "random",
                java.util.Map.of(), java.time.Instant.EPOCH);
        var pending = new dev.optbench.study.Trial("empty", "sgd", 0, dev.optbench.study.TrialState.PENDING,
                java.util.Map.of("learning_rate", 0.1), java.util.Map.of(), 0, null, null, null, 0, 0, null, null, null,
                java.util.Map.of(), null, java.util.List.of());
        var data = java.util.List.of(new dev.optbench.analysis.StudyData(def, java.util.List.of(pending), null));
        var result = new dev.optbench.analysis.Analyzer(dev.optbench.analysis.AnalysisOptions.of(100, 0)).analyze(data);
        ReportWriter.Written w = ReportWriter.write(result, data, dir);
        assertThat(Files.readString(w.html())).contains("no finished trial");
    }

    @Test
    void targetReachedByNoTrialIsDrawnAsNotReached() throws Exception {
        var syn = dev.optbench.analysis.SyntheticStudies.study("hard", "w", "full", java.util.List.of("sgd", "adam"), 8, 5);
        var data = java.util.List.of(new dev.optbench.analysis.StudyData(syn.definition(), syn.trials(), 1e-6));
        var result = new dev.optbench.analysis.Analyzer(dev.optbench.analysis.AnalysisOptions.of(200, 0)).analyze(data);
        assertThat(result.studies().get(0).optimizers().get("adam").stepsToTarget().notReached()).isEqualTo(8);
        ReportWriter.Written w = ReportWriter.write(result, data, dir);
        assertThat(dir.resolve("fig5-steps-to-target.png")).doesNotExist();
        assertThat(Files.readString(w.html())).contains("No trial reached the target: nothing to plot")
                .contains("<td class=\"num\">not reached</td>").contains("0 of 8");
    }

    @Test
    void aStudyWhereNothingReachesTheTargetNextToOneWhereSomethingDoes() throws Exception {
        var syn = dev.optbench.analysis.SyntheticStudies.study("hard", "w", "full", java.util.List.of("sgd", "adam"), 8, 5);
        var easy = dev.optbench.analysis.SyntheticStudies.study("easy", "w", "lr-only", java.util.List.of("sgd", "adam"), 8, 6);
        var data = java.util.List.of(new dev.optbench.analysis.StudyData(syn.definition(), syn.trials(), 1e-6),
                new dev.optbench.analysis.StudyData(easy.definition(), easy.trials(), 0.5));
        var result = new dev.optbench.analysis.Analyzer(dev.optbench.analysis.AnalysisOptions.of(200, 0)).analyze(data);
        ReportWriter.Written w = ReportWriter.write(result, data, dir);
        assertThat(dir.resolve("fig5-steps-to-target.png")).exists();
        assertThat(Files.readString(w.html())).contains("Not reached: sgd in hard; adam in hard.");
    }
}
