package dev.optbench.cli;

import dev.optbench.experiment.Experiments;
import dev.optbench.experiment.Scale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The README's main job: protocols-fmnist at tiny scale on real Fashion-MNIST (the subset bundled
 * in the jar when the data set is not installed), with its report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A small real study with its report: 'reproduce protocols-fmnist --scale tiny' on Fashion-MNIST "
                + "(six optimizers, three studies: lr-only, full and fitted tuning, 144 trials; about 10–25 s on 2 cores "
                + "from a built checkout).",
            "Without the dataset-fashion-mnist package it runs on the Fashion-MNIST subset bundled in the jar.",
            "Rerunning resumes; the report lands in reports/protocols-fmnist-tiny unless --out says otherwise."})
final class DemoCommand implements Callable<Integer> {
    @Mixin ReproductionOptions options;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        return ReproduceCommand.run(Experiments.get("protocols-fmnist"), Scale.TINY, options, spec.commandLine().getOut());
    }
}
