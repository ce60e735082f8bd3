package dev.optbench.cli;

import picocli.CommandLine.Command;

/** Benchmarks: speed is measured here, never asserted in unit tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure speed: training steps, the store, the analysis, the dashboard.",
        subcommands = {BenchTrainCommand.class, BenchTrialsCommand.class, BenchLayoutCommand.class, BenchProbeCommand.class, BenchStoreCommand.class, BenchAnalysisCommand.class, BenchServeCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
