package dev.optbench.analysis;

import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small builders of synthetic trials and studies for the analysis tests. */
final class TestTrials {
    private TestTrials() {}

    static Trial trial(String optimizer, int index, TrialState state, Double validation, Double test) {
        return trial(optimizer, index, state, validation, test, Map.of(), List.of());
    }

    static Trial trial(String optimizer, int index, TrialState state, Double validation, Double test,
            Map<String, Double> searched, List<Measurement> curve) {
        return new Trial("s", optimizer, index, state, searched, searched, index, "w", Instant.EPOCH, Instant.EPOCH,
                100, 1.0, validation, test, null, Map.of(), null, curve);
    }

    static Trial done(String optimizer, int index, double validation, double test) {
        return trial(optimizer, index, TrialState.COMPLETED, validation, test);
    }

    static StudyDefinition definition(String name, String workload, String protocol, List<String> optimizers,
            Map<String, String> spaces) {
        return new StudyDefinition(name, workload, protocol, optimizers, 10, 1, "halton", spaces, Instant.EPOCH);
    }

    static StudyData study(String name, String workload, String protocol, List<String> optimizers, List<Trial> trials,
            Double target) {
        return new StudyData(definition(name, workload, protocol, optimizers, Map.of()), trials, target);
    }

    static StudyAnalysis analyze(StudyData data, int resamples) {
        return new Analyzer(AnalysisOptions.of(resamples, 42)).analyze(List.of(data)).studies().get(0);
    }
}
