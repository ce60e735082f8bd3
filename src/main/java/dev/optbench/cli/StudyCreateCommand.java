package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.study.ExternalCommand;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudySetup;
import dev.optbench.study.TorchEngine;
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

    @Option(names = "--workload", description = "Workload, e.g. fmnist_mlp-tiny (see 'optbench workloads'); or --command.")
    String workload;

    @Option(names = "--protocol", description = "lr-grid, lr-only, lr-schedule, full or fitted (see 'optbench protocols');"
            + " with --command, any label for the analyses (default custom).")
    String protocol;

    @Option(names = "--command", paramLabel = "'CMD ARGS'",
            description = {"External trials (SPEC §10): run each trial as this command (through /bin/sh -c) instead of a"
                + " built-in workload; needs --space. It gets OPTBENCH_HPARAMS, OPTBENCH_SEED, OPTBENCH_STEPS,"
                + " OPTBENCH_TRIAL and prints one JSON object per line: {\"step\", \"train_loss\", \"validation_error\","
                + " \"validation_loss\", \"test_error\"} (see docs/external-trials.md)."})
    String command;

    @Option(names = "--steps", paramLabel = "N", description = "With --command: OPTBENCH_STEPS, 1 to 10^8 (default "
            + dev.optbench.study.ExternalCommand.DEFAULT_STEPS + "); with --engine torch: the trials' step budget instead of"
            + " the workload's (evaluated at most every N steps and at the last).")
    Long steps;

    @Option(names = "--trial-timeout", paramLabel = "SECONDS",
            description = "With --command: kill a trial after this long and store it as failed; with --engine torch: kill a"
                    + " claimed batch's process after this long (its trials train together) and store its unfinished"
                    + " trials as failed (default: none).")
    Double trialTimeout;

    @Option(names = "--optimizers", required = true, split = ",", description = "Comma-separated, e.g. sgd,momentum,adam.")
    List<String> optimizers;

    @Option(names = "--trials", required = true, description = "Hyperparameter points per optimizer, 1 to 100000 (each run under --seeds seeds; a study has at most 10^6 trials).")
    int trials;

    @Option(names = "--seed", defaultValue = "0", description = "Study seed: points, trial seeds (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sampler", description = "halton, random or grid (default: the protocol's; grid for lr-grid).")
    String sampler;

    @Option(names = "--space", paramLabel = "FILE.json",
            description = "Your own space: one AlgoPerf space for all optimizers, or an object keyed by optimizer.")
    Path space;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "S",
            description = "Run every hyperparameter point under S seeds, 1 to 1000; the analysis uses the mean over them (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--fit-share", paramLabel = "S", description = "fitted protocol: share of each optimizer's points in stage 1 (default 0.5).")
    Double fitShare;

    @Option(names = "--fit-top", paramLabel = "F", description = "fitted protocol: top fraction of stage 1 whose range is kept (default 0.2).")
    Double fitTop;

    @Option(names = "--fit-margin", paramLabel = "D", description = "fitted protocol: margin in decades on log scales (default 0.5).")
    Double fitMargin;

    @Option(names = "--engine", paramLabel = "djl|torch", defaultValue = "djl",
            description = "Train on DJL (default) or on the PyTorch engine (python/optbench_torch, run by workers with"
                    + " --python; see docs/external-trials.md).")
    String engine = "djl";

    @Option(names = "--device", paramLabel = "cuda|cpu",
            description = "With --engine torch: where its trials train (default cpu); stored with the study.")
    String device;

    @Option(names = "--optimizer-class", paramLabel = "LABEL=package.module:Class",
            description = {"With --engine torch: LABEL (one of --optimizers) is your torch.optim.Optimizer subclass,"
                + " searched in --space (repeatable). Workers on this machine may import it; others only with"
                + " --allow-optimizer-class (see docs/your-optimizer.md)."})
    java.util.Map<String, String> optimizerClasses = new java.util.LinkedHashMap<>();

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private StudyDefinition definition(dev.optbench.space.FitOptions fit) {
        if (command != null) {
            if (workload != null) {
                throw new InputException("give --workload or --command, not both");
            }
            if (!TorchEngine.DJL.equals(engine) || device != null || !optimizerClasses.isEmpty()) {
                throw new InputException("--engine, --device and --optimizer-class belong to a built-in --workload, not to"
                        + " --command");
            }
            ExternalCommand external = new ExternalCommand(command, steps == null ? ExternalCommand.DEFAULT_STEPS : steps,
                    trialTimeout == null ? 0 : trialTimeout);
            if (fit != null) {
                throw new InputException("--fit-share, --fit-top and --fit-margin belong to --protocol fitted with a built-in"
                        + " --workload, not to --command");
            }
            return StudySetup.defineExternal(Main.optimizers(spec), name, external, protocol, optimizers, trials, seed, sampler,
                    space, seeds);
        }
        if (trialTimeout != null && !TorchEngine.TORCH.equals(engine)) {
            throw new InputException("--trial-timeout applies to external trials and to --engine torch: add one, or drop it");
        }
        if (steps != null && !TorchEngine.TORCH.equals(engine)) {
            throw new InputException("--steps applies to external trials and to --engine torch: add one, or drop it");
        }
        if (workload == null || protocol == null) {
            throw new InputException("study create needs --workload and --protocol (or --command with --space for external trials)");
        }
        return StudySetup.define(Main.optimizers(spec), name, workload, protocol, optimizers, trials, seed, sampler, space,
                seeds, fit, torch());
    }

    /** The torch engine the options ask for; null for DJL (where --device and --optimizer-class are refused). */
    private TorchEngine torch() {
        if (dev.optbench.study.TorchEngine.TORCH.equals(engine)) {
            return new TorchEngine(device == null ? "cpu" : device, optimizerClasses,
                    steps == null ? 0 : dev.optbench.Limits.steps("--steps", steps, dev.optbench.Limits.MAX_STEPS),
                    trialTimeout == null ? 0 : trialTimeout);
        }
        if (!dev.optbench.study.TorchEngine.DJL.equals(engine)) {
            throw new InputException("--engine " + dev.optbench.Messages.quote(engine) + ": give djl or torch");
        }
        if (device != null || !optimizerClasses.isEmpty()) {
            throw new InputException("--device and --optimizer-class belong to --engine torch: add it, or drop them");
        }
        return null;
    }

    @Override
    public Integer call() {
        dev.optbench.space.FitOptions fit = fitShare == null && fitTop == null && fitMargin == null ? null
                : new dev.optbench.space.FitOptions(fitShare == null ? dev.optbench.space.FitOptions.DEFAULT.share() : fitShare,
                        fitTop == null ? dev.optbench.space.FitOptions.DEFAULT.top() : fitTop,
                        fitMargin == null ? dev.optbench.space.FitOptions.DEFAULT.margin() : fitMargin);
        StudyDefinition def = definition(fit);
        try (SqlStudyStore s = store.openOrCreate()) {
            s.createStudy(def, Main.optimizers(spec));
            if (def.isExternal()) { // typed here by this machine's user: this machine's workers may run it
                try {
                    AllowedCommands.allowLocally(def.external().command());
                } catch (java.io.IOException e) {
                    System.err.println("optbench: could not add the command to this machine's allow-list "
                            + AllowedCommands.localFile() + " (" + dev.optbench.Messages.describe(e) + "); start workers"
                            + " with --allow-command to run it");
                }
            }
            if (def.isTorch()) { // typed here by this machine's user: this machine's workers may import them
                for (String cls : new java.util.TreeSet<>(def.torch().optimizerClasses().values())) {
                    try {
                        AllowedCommands.allowLocally(cls);
                    } catch (java.io.IOException e) {
                        System.err.println("optbench: could not add the optimizer class to this machine's allow-list "
                                + AllowedCommands.localFile() + " (" + dev.optbench.Messages.describe(e) + "); start workers"
                                + " with --allow-optimizer-class to run it");
                    }
                }
            }
            spec.commandLine().getOut().printf(java.util.Locale.ROOT, "created study %s: %d optimizers × %d trials (%s, %s sampler) on %s in %s%n"
                    + "run it with: optbench study run %s --workers K%s%n",
                    def.name(), def.optimizers().size(), def.trialsPerOptimizer() * def.seeds(), def.protocol()
                            + (def.seeds() > 1 ? ", " + def.trialsPerOptimizer() + " points × " + def.seeds() + " seeds" : "")
                            + (def.fit() != null ? ", stage 1: " + def.stage1Points() + " points" : ""), def.sampler(),
                    def.workload() + (def.isTorch() ? " (torch engine, " + def.torch().device() + ")" : ""), s.url().masked(), def.name(), store.store == null ? "" : " --store URL");
        }
        return 0;
    }
}
