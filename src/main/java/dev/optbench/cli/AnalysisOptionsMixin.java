package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.analysis.AnalysisOptions;
import picocli.CommandLine.Option;

/** --bootstrap B and --seed S, shared by analyze and report. */
final class AnalysisOptionsMixin {
    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "10000",
            description = "Bootstrap resamples (default ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
    long seed;

    AnalysisOptions options() {
        if (resamples < 1 || resamples > 10_000_000) {
            throw new InputException("--bootstrap must be between 1 and 10000000, not " + resamples);
        }
        return AnalysisOptions.of(resamples, seed);
    }
}
