package dev.optbench.report;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import dev.optbench.train.Measurement;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Synthetic studies for the report tests, one with hostile names. */
final class ReportFixtures {
    static final String EVIL = "<script>alert(1)</script> & \"q\" 'x'";

    private ReportFixtures() {}

    static List<StudyData> studies(int trials) {
        StudyData lr = SyntheticStudies.study("mlp-lr", "fmnist_mlp", "lr-only", SyntheticStudies.OPTIMIZERS, trials, 1);
        StudyData full = SyntheticStudies.study("mlp-full", "fmnist_mlp", "full", SyntheticStudies.OPTIMIZERS, trials, 2);
        return List.of(lr, full, evil(trials));
    }

    /** A study, an optimizer and a hyperparameter all named like a script injection. */
    static StudyData evil(int trials) {
        StudyData base = SyntheticStudies.study("x", "fmnist_2c2d", "full", List.of("sgd", "adam"), trials, 3);
        List<Trial> renamed = base.trials().stream().map(t -> {
            Map<String, Double> searched = new LinkedHashMap<>(t.searched());
            searched.put(EVIL, searched.get("learning_rate"));
            return new Trial(EVIL, t.optimizer().equals("adam") ? EVIL : t.optimizer(), t.index(), t.state(), searched,
                    searched, t.seed(), t.worker(), t.started(), t.finished(), t.steps(), t.seconds(),
                    t.validationError(), t.testError(), t.stepsToTarget(), t.provenance(), t.message(), t.curve());
        }).toList();
        StudyDefinition d = base.definition();
        Map<String, String> spaces = Map.of("sgd", d.spaces().get("sgd"), EVIL,
                "{\"" + EVIL.replace("\"", "\\\"") + "\": {\"min\": 1e-4, \"max\": 1, \"scaling\": \"log\"}}");
        return new StudyData(new StudyDefinition(EVIL, EVIL, EVIL, List.of("sgd", EVIL), d.trialsPerOptimizer(), d.seed(),
                d.sampler(), spaces, d.created()), renamed, base.target());
    }

    /** Every finished trial at validation and test error 0 with a flat curve: an easy data set. */
    static StudyData perfect(String name, int trials) {
        StudyData base = SyntheticStudies.study(name, "fmnist_mlp-tiny", "full", SyntheticStudies.OPTIMIZERS, trials, 4);
        List<Trial> zero = base.trials().stream().map(t -> new Trial(t.study(), t.optimizer(), t.index(), t.state(),
                t.searched(), t.hparams(), t.seed(), t.worker(), t.started(), t.finished(), t.steps(), t.seconds(),
                0.0, 0.0, t.stepsToTarget(), t.provenance(), t.message(), t.curve().stream()
                        .map(m -> new Measurement(m.step(), m.split(), m.loss(), Double.isNaN(m.error()) ? m.error() : 0.0))
                        .toList())).toList();
        return new StudyData(base.definition(), zero, base.target());
    }

    static ReportWriter.Written write(Path dir, int trials) {
        List<StudyData> data = studies(trials);
        AnalysisResult r = new Analyzer(AnalysisOptions.of(2000, 1)).analyze(data);
        return ReportWriter.write(r, data, dir);
    }
}
