package dev.optbench.cli;

import dev.optbench.experiment.Experiment;
import dev.optbench.experiment.Scale;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a reproduction runs and where its report goes, shared by reproduce and demo. */
final class ReproductionOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Report directory (default reports/NAME-SCALE).")
    Path out;

    @Option(names = "--workers", defaultValue = "auto",
            description = "Local workers, or auto: the layout measured fastest here (see 'bench layout'), else one per core.")
    String workers = "auto";

    @Mixin TrialOptions trials;

    @Mixin AnalysisOptionsMixin analysis;

    @Mixin StoreOption store;

    Path reportDir(Experiment experiment, Scale scale) {
        return out != null ? out : Path.of("reports", experiment.name() + "-" + scale.id());
    }
}
