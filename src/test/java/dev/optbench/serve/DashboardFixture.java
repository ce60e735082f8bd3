package dev.optbench.serve;

import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import dev.optbench.analysis.TrialCsv;
import dev.optbench.study.Claim;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudyStores;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A store made by the test: "synth", 2 optimizers × 6 finished synthetic trials with curves, and
 * "live", 2 optimizers × 3 pending trials that the test moves through their states itself.
 */
final class DashboardFixture implements AutoCloseable {
    static final String SPACE = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"}}";
    static final List<Measurement> CURVE = List.of(new Measurement(0, Split.VALIDATION, 2.3, 0.9),
            new Measurement(50, Split.VALIDATION, 0.8, 0.3), new Measurement(100, Split.VALIDATION, 0.5, 0.2),
            new Measurement(100, Split.TEST, 0.55, 0.21));

    final String url;
    /** The writer: what workers would do. */
    final SqlStudyStore writer;
    /** The dashboard's own read-only connection. */
    final SqlStudyStore reader;
    final StudyData synth;

    DashboardFixture(Path dir) {
        url = "sqlite:" + dir.resolve("dash.db");
        writer = StudyStores.open(url);
        synth = SyntheticStudies.study("synth", "fmnist_mlp-tiny", "full", List.of("sgd", "adam"), 6, 7);
        StudyDefinition d = synth.definition(); // an imported study: its trials are the synthetic ones
        writer.createStudy(new StudyDefinition(d.name(), d.workload(), d.protocol(), d.optimizers(), 6, 0, TrialCsv.SAMPLER,
                d.spaces(), d.created()));
        writer.importTrials(d.name(), synth.trials());
        writer.createStudy(new StudyDefinition("live", "fmnist_mlp-tiny", "lr-only", List.of("sgd", "adam"), 3, 1, "halton",
                Map.of("sgd", SPACE, "adam", SPACE), Instant.parse("2026-01-01T00:00:00Z")));
        reader = StudyStores.openReadOnly(url);
    }

    DashboardData data() {
        return new DashboardData(reader, AnalysisOptions.of(200, 0), Clock.systemUTC());
    }

    Claim claim(String worker) {
        return writer.claim("live", worker, 600_000).orElseThrow();
    }

    void complete(Claim c, double seconds, double validation) {
        if (!writer.complete(c, TrialState.COMPLETED, 100, seconds, validation, validation + 0.01, null, Map.of(), CURVE)) {
            throw new IllegalStateException("could not complete " + c);
        }
    }

    @Override
    public void close() {
        reader.close();
        writer.close();
    }
}
