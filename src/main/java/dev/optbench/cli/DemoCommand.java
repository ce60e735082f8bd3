package dev.optbench.cli;

import dev.optbench.experiment.Experiment;
import dev.optbench.experiment.Experiments;
import dev.optbench.experiment.Scale;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The README's main job: protocols-fmnist at tiny scale on real Fashion-MNIST, with its report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A small real study with its report: 'reproduce protocols-fmnist --scale tiny' on Fashion-MNIST "
                + "(six optimizers, lr-only against full tuning; a few minutes on 2 cores).",
            "Rerunning resumes; the report lands in reports/protocols-fmnist-tiny unless --out says otherwise."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Report directory (default reports/protocols-fmnist-tiny).")
    Path out;

    @Option(names = "--workers", defaultValue = "1", description = "Local workers (default ${DEFAULT-VALUE}).")
    int workers;

    @Mixin TrialOptions trials;

    @Mixin AnalysisOptionsMixin analysis;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ReproduceCommand r = new ReproduceCommand();
        r.out = out;
        r.workers = workers;
        r.analysis = analysis;
        r.trials = trials;
        r.store = store;
        Experiment e = Experiments.get("protocols-fmnist");
        return r.run(e, Scale.TINY, r.out(e, Scale.TINY), spec.commandLine().getOut());
    }
}
