package dev.optbench.cli;

import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudySetup;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a study and its pending trials (each optimizer gets the same number).")
final class StudyCreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Study name (letters, digits, '.', '_', '-').")
    String name;

    @Option(names = "--workload", required = true, description = "Workload, e.g. fmnist_mlp-tiny (see 'optbench workloads').")
    String workload;

    @Option(names = "--protocol", required = true, description = "lr-grid, lr-only, lr-schedule, full or fitted (see 'optbench protocols').")
    String protocol;

    @Option(names = "--optimizers", required = true, split = ",", description = "Comma-separated, e.g. sgd,momentum,adam.")
    List<String> optimizers;

    @Option(names = "--trials", required = true, description = "Hyperparameter points per optimizer (each run under --seeds seeds).")
    int trials;

    @Option(names = "--seed", defaultValue = "0", description = "Study seed: points, trial seeds (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sampler", description = "halton, random or grid (default: the protocol's; grid for lr-grid).")
    String sampler;

    @Option(names = "--space", paramLabel = "FILE.json",
            description = "Your own space: one AlgoPerf space for all optimizers, or an object keyed by optimizer.")
    Path space;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "S",
            description = "Run every hyperparameter point under S seeds; the analysis uses the mean over them (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--fit-share", paramLabel = "S", description = "fitted protocol: share of each optimizer's points in stage 1 (default 0.5).")
    Double fitShare;

    @Option(names = "--fit-top", paramLabel = "F", description = "fitted protocol: top fraction of stage 1 whose range is kept (default 0.2).")
    Double fitTop;

    @Option(names = "--fit-margin", paramLabel = "D", description = "fitted protocol: margin in decades on log scales (default 0.5).")
    Double fitMargin;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        dev.optbench.space.FitOptions fit = fitShare == null && fitTop == null && fitMargin == null ? null
                : new dev.optbench.space.FitOptions(fitShare == null ? dev.optbench.space.FitOptions.DEFAULT.share() : fitShare,
                        fitTop == null ? dev.optbench.space.FitOptions.DEFAULT.top() : fitTop,
                        fitMargin == null ? dev.optbench.space.FitOptions.DEFAULT.margin() : fitMargin);
        StudyDefinition def = StudySetup.define(name, workload, protocol, optimizers, trials, seed, sampler, space, seeds, fit);
        try (SqlStudyStore s = store.openOrCreate()) {
            s.createStudy(def);
            spec.commandLine().getOut().printf(java.util.Locale.ROOT, "created study %s: %d optimizers × %d trials (%s, %s sampler) on %s in %s%n"
                    + "run it with: optbench study run %s --workers K%s%n",
                    def.name(), def.optimizers().size(), def.trialsPerOptimizer() * def.seeds(), def.protocol()
                            + (def.seeds() > 1 ? ", " + def.trialsPerOptimizer() + " points × " + def.seeds() + " seeds" : "")
                            + (def.fit() != null ? ", stage 1: " + def.stage1Points() + " points" : ""), def.sampler(),
                    def.workload(), s.url().masked(), def.name(), store.store == null ? "" : " --store URL");
        }
        return 0;
    }
}
