package dev.optbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import java.awt.Color;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The figures people read: small multiples legible in grayscale, every trial's curves, marks that do not hide. */
class PanelFiguresTest {
    private static final List<StudyData> DATA = ReportFixtures.studies(8).subList(0, 2); // lr-only and full, one workload
    private static final AnalysisResult RESULT = new Analyzer(AnalysisOptions.of(300, 1)).analyze(DATA);

    private static List<XYSeries> lines(Figure f) {
        return ((XYChart) f.chart()).getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).toList();
    }

    @Test
    void bestVsTrialsIsOnePanelPerOptimizerWithAStyleAndMarkerPerProtocol() {
        List<Figure> panels = new PanelFigures(RESULT, DATA).budgets();
        assertThat(panels).hasSize(SyntheticStudies.OPTIMIZERS.size());
        assertThat(panels.get(0).id()).isEqualTo("fig2-budget-0-fmnist_mlp-0-sgd");
        for (Figure f : panels) {
            List<XYSeries> lines = lines(f);
            assertThat(lines).extracting(XYSeries::getName).containsExactly("lr-only", "full");
            // grayscale: the two protocols differ in dash pattern and marker, not only in colour
            assertThat(lines.get(0).getLineStyle()).isNotEqualTo(lines.get(1).getLineStyle());
            assertThat(lines.get(0).getMarker()).isNotEqualTo(lines.get(1).getMarker());
            // bands light: a fill at most 30/255 opaque
            ((XYChart) f.chart()).getSeriesMap().values().stream().filter(s -> s.getName().startsWith("band"))
                    .forEach(s -> assertThat(s.getFillColor().getAlpha()).isLessThanOrEqualTo(30));
        }
    }

    @Test
    void curvesShowEveryTrialThinWithTheBestInBlack() {
        List<Figure> curves = new PanelFigures(RESULT, DATA).curves();
        // per study and optimizer: validation error and training loss
        assertThat(curves).hasSize(2 * 2 * SyntheticStudies.OPTIMIZERS.size());
        Figure sgd = curves.stream().filter(f -> f.id().equals("fig4-curves-0-mlp-lr-0-sgd")).findFirst().orElseThrow();
        var series = ((XYChart) sgd.chart()).getSeriesMap().values();
        long trials = DATA.get(0).trials().stream().filter(t -> t.optimizer().equals("sgd")).count();
        int bestIndex = RESULT.studies().get(0).optimizers().get("sgd").best().trial();
        assertThat(series.stream().filter(s -> s.getName().startsWith("best #" + bestIndex))).singleElement()
                .satisfies(s -> assertThat(s.getLineColor()).isEqualTo(Color.BLACK));
        // every other trial is a thin line: trials − 1 of them, plus the target line
        assertThat(series.stream().filter(s -> !s.getName().startsWith("best") && !s.getName().startsWith("target")))
                .hasSize((int) trials - 1);
        assertThat(sgd.caption()).contains("of each of its " + trials + " finished trials (thin)");
    }

    @Test
    void divergedTrialsAreCrossesInTheirOptimizersColourAndCoincidingBoundsAreOffset() {
        List<Figure> figs = new Figures(RESULT, DATA).all().stream()
                .filter(f -> f.id().equals("fig3-hparam-0-mlp-lr-0-learning_rate")).toList();
        assertThat(figs).hasSize(1);
        XYChart c = (XYChart) figs.get(0).chart();
        List<XYSeries> crosses = c.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("diverged: ")).toList();
        assertThat(crosses).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getMarker()).isEqualTo(SeriesMarkers.CROSS);
            assertThat(s.getMarkerColor()).isEqualTo(Palette.of(s.getName().substring("diverged: ".length())));
        });
        // synthetic spaces: every optimizer has the same learning-rate range, so one grey pair of bounds
        assertThat(c.getSeriesMap().keySet()).contains("search bounds");
    }

    @Test
    void importanceAndTheMostImportantPairPerOptimizer() {
        List<Figure> figs = new PanelFigures(RESULT, DATA).importance();
        Set<String> ids = figs.stream().map(Figure::id).collect(Collectors.toSet());
        assertThat(ids).contains("fig11-importance-0-mlp-lr", "fig11-pair-0-mlp-lr-0-sgd");
        Figure pair = figs.stream().filter(f -> f.id().equals("fig11-pair-0-mlp-lr-0-sgd")).findFirst().orElseThrow();
        // synthetic errors depend on the learning rate only: it is the most important, drawn on the x axis
        assertThat(pair.title()).startsWith("sgd: learning_rate × one_minus_momentum");
    }

    @Test
    void boundsThatCoincideAreDrawnSideBySideAndNamedTogether() {
        StudyData base = SyntheticStudies.study("b", "w", "full", List.of("sgd", "momentum", "adam"), 8, 3);
        String wide = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"}}";
        var d = base.definition();
        var def = new dev.optbench.study.StudyDefinition(d.name(), d.workload(), d.protocol(), d.optimizers(),
                d.trialsPerOptimizer(), d.seed(), d.sampler(), java.util.Map.of("sgd", wide, "momentum", wide, "adam",
                        "{\"learning_rate\": {\"min\": 1e-5, \"max\": 0.1, \"scaling\": \"log\"}}"), d.created());
        List<StudyData> data = List.of(new StudyData(def, base.trials(), base.target()));
        AnalysisResult r = new Analyzer(AnalysisOptions.of(100, 1)).analyze(data);
        Figure f = new Figures(r, data).all().stream().filter(x -> x.id().equals("fig3-hparam-0-b-0-learning_rate"))
                .findFirst().orElseThrow();
        var series = ((XYChart) f.chart()).getSeriesMap();
        double sgd = series.get("bounds: sgd").getXData()[0];
        double momentum = series.get("bounds: momentum").getXData()[0];
        assertThat(sgd).isNotEqualTo(momentum).isCloseTo(momentum, org.assertj.core.api.Assertions.within(0.1));
        assertThat(series.get("bounds: adam").getXData()[0]).isEqualTo(-5.0); // alone: at its bound, log10(1e-5)
        assertThat(f.caption()).containsPattern("(sgd = momentum|momentum = sgd) \\[1e-4, 1\\] \\(the same bounds, drawn side "
                + "by side\\)");
    }

    @Test
    void aStudyOfManyTrialsDrawsAnEvenSpreadOfThemNotAll() {
        StudyData many = SyntheticStudies.study("m", "w", "full", List.of("adam"), 200, 5);
        List<dev.optbench.study.Trial> drawn = PanelFigures.spread(many.trials());
        assertThat(drawn).hasSize(PanelFigures.MAX_CURVES).doesNotHaveDuplicates();
        double best = many.trials().stream().filter(t -> t.state() == dev.optbench.study.TrialState.COMPLETED)
                .mapToDouble(dev.optbench.study.Trial::validationError).min().orElseThrow();
        assertThat(drawn.get(0).validationError()).isEqualTo(best); // the ranking's first and last are kept
        assertThat(drawn.get(drawn.size() - 1).state()).isEqualTo(dev.optbench.study.TrialState.DIVERGED);
        List<StudyData> data = List.of(many);
        AnalysisResult r = new Analyzer(AnalysisOptions.of(100, 1)).analyze(data);
        assertThat(new PanelFigures(r, data).curves().get(0).caption()).contains("60 of its 200 finished trials");
    }
}
