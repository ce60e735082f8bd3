package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.study.BatchedTrainerRunner;
import dev.optbench.study.ClaimGate;
import dev.optbench.study.CommandPolicy;
import dev.optbench.study.Leases;
import dev.optbench.study.LocalWorkers;
import dev.optbench.study.Notices;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyRunners;
import dev.optbench.study.StudySummary;
import dev.optbench.study.TrialRunner;
import dev.optbench.study.Worker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** How trials run, shared by every command that runs them: study run, worker, reproduce, demo. */
final class TrialOptions {
    @Option(names = "--data-dir", description = "Where the data sets are (default: each data set's usual place).")
    Path dataDir;

    @Option(names = "--device", defaultValue = "cpu",
            description = "DJL studies: cpu (default) or gpu (DJL's GPU build is not shipped; GPU studies use --engine torch).")
    String device = "cpu";

    @Option(names = "--lease-seconds", hidden = true)
    Double leaseSeconds;

    @Option(names = "--store-retry-seconds", defaultValue = "300", paramLabel = "S",
            description = "When the store's database is unreachable, keep training and retry for up to S seconds "
                    + "before giving up (default ${DEFAULT-VALUE}).")
    double storeRetrySeconds = 300;

    /** The retry policy for the stores the trials run against; outage and recovery are reported on stderr. */
    dev.optbench.study.StoreRetry storeRetry() {
        if (!(storeRetrySeconds >= 0) || Double.isInfinite(storeRetrySeconds)) {
            throw new dev.optbench.InputException("--store-retry-seconds must be a number of seconds >= 0, not "
                    + storeRetrySeconds);
        }
        return new dev.optbench.study.StoreRetry(Math.round(storeRetrySeconds * 1000), System.err::println);
    }

    @Option(names = "--allow-command", paramLabel = "CMD",
            description = {"Let this worker run external studies whose command is exactly CMD (repeatable). Commands"
                + " given to 'study create --command' on this machine are allowed already; any other stored command"
                + " is refused (see the trust model in docs/distributed.md)."})
    List<String> allowCommand = new ArrayList<>();

    @Option(names = "--allow-commands", paramLabel = "FILE",
            description = "Allow every command in FILE: one JSON string per line, e.g. \"python3 train.py\"; also read"
                    + " from the file named by $OPTBENCH_ALLOW_COMMANDS.")
    Path allowCommands;

    @Option(names = "--allow-optimizer-class", paramLabel = "package.module:Class",
            description = {"Let this worker import a torch study's optimizer class that is exactly this string"
                + " (repeatable). Classes given to 'study create --optimizer-class' on this machine are allowed already;"
                + " so is any string in --allow-commands FILE or $OPTBENCH_ALLOW_COMMANDS."})
    List<String> allowOptimizerClass = new ArrayList<>();

    @Option(names = "--python", paramLabel = "PATH",
            description = "The Python that runs torch-engine studies (default: $OPTBENCH_PYTHON, else python3).")
    String python;

    @Option(names = "--pass-env", paramLabel = "NAME",
            description = "Pass this variable of the worker's environment to external trials (repeatable); they get only"
                    + " PATH, HOME, the locale and their OPTBENCH_ settings otherwise.")
    List<String> passEnv = new ArrayList<>();

    /**
     * What this worker's operator allows: --allow-command, --allow-commands FILE,
     * $OPTBENCH_ALLOW_COMMANDS (a file), the local list of created commands; and --pass-env.
     */
    CommandPolicy policy() {
        Set<String> commands = new LinkedHashSet<>(allowCommand);
        if (allowCommands != null) {
            commands.addAll(AllowedCommands.read(allowCommands, "--allow-commands"));
        }
        String fromEnv = System.getenv("OPTBENCH_ALLOW_COMMANDS");
        if (fromEnv != null && !fromEnv.isBlank()) {
            commands.addAll(AllowedCommands.read(Path.of(fromEnv), "$OPTBENCH_ALLOW_COMMANDS"));
        }
        commands.addAll(AllowedCommands.local());
        Set<String> classes = new LinkedHashSet<>(commands); // the same lists: each entry is an exact allowed string
        for (String cls : allowOptimizerClass) {
            classes.add(dev.optbench.study.TorchEngine.checkClass(cls, "(--allow-optimizer-class)"));
        }
        return new CommandPolicy(commands, new LinkedHashSet<>(passEnv), classes);
    }

    @Option(names = "--batch-trials", paramLabel = "K|auto", defaultValue = "auto",
            description = "Train up to K trials of a study together as one stacked model (workloads with a batched "
                    + "form, see 'optbench workloads'); auto: the K found fastest for the workload (default ${DEFAULT-VALUE}).")
    String batchTrials = "auto";

    /** The device name, checked now: "gpu" without a visible GPU is an input error before any trial is claimed. */
    String checkedDevice() {
        dev.optbench.train.Trainer.device(device);
        return device;
    }

    long leaseMillis() {
        return Leases.millis(leaseSeconds);
    }

    /** K ≥ 1, or {@link BatchedTrainerRunner#AUTO}; an InputException for anything else. */
    /** The user's --batch-trials K, or null for auto (checked: a bad value is an input error). */
    Integer fixedBatch() {
        int k = batchTrialsValue();
        return k == BatchedTrainerRunner.AUTO ? null : k;
    }

    int batchTrialsValue() {
        if ("auto".equals(batchTrials)) {
            return BatchedTrainerRunner.AUTO;
        }
        try {
            int k = Integer.parseInt(batchTrials.trim());
            if (k >= 1) {
                return dev.optbench.Limits.count("--batch-trials", k, dev.optbench.Limits.MAX_WORKERS);
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new InputException("--batch-trials " + Messages.quote(batchTrials) + ": give a whole number K >= 1 or auto");
    }

    /** These options with K trials per batch (the layout's choice for --batch-trials auto). */
    TrialOptions withBatchTrials(int k) {
        TrialOptions t = new TrialOptions();
        t.dataDir = dataDir;
        t.device = device;
        t.leaseSeconds = leaseSeconds;
        t.storeRetrySeconds = storeRetrySeconds;
        t.batchTrials = Integer.toString(k);
        t.allowCommand = allowCommand;
        t.allowCommands = allowCommands;
        t.passEnv = passEnv;
        t.allowOptimizerClass = allowOptimizerClass;
        t.python = python;
        return t;
    }

    /**
     * The worker these options ask for, up to K trials at once (--batch-trials; K = 1 one at a time),
     * claiming only what {@code policy} and the loaded optimizers let it run; its refusals go to {@code notices}.
     */
    /**
     * Runs the study's pending trials with {@code workers} threads of this process under a progress
     * bar ({@link LocalWorkers}); a bad --batch-trials fails before any store connection opens.
     */
    StudySummary runLocally(OptimizerRegistry optimizers, SqlStudyStore monitor, String name, int workers,
            long leaseMillis) throws InterruptedException {
        batchTrialsValue();
        CommandPolicy policy = policy();
        return LocalWorkers.run(monitor, name, workers, policy, optimizers,
                (own, notices, id) -> worker(optimizers, own, policy, notices, name, id, leaseMillis, new Worker.Listener() {}),
                (total, done) -> Progress.bar("study " + name, total, " trials", done));
    }

    Worker worker(OptimizerRegistry optimizers, SqlStudyStore store, CommandPolicy policy, Notices notices,
            String study, String id, long leaseMillis, Worker.Listener listener) {
        int k = batchTrialsValue();
        String device = checkedDevice();
        ClaimGate gate = new ClaimGate(store, policy, optimizers, notices);
        TrialRunner runner = StudyRunners.forGate(gate, dataDir, device);
        dev.optbench.study.TorchRunner torch = new dev.optbench.study.TorchRunner(
                dev.optbench.study.TorchRunner.python(python), policy.passEnv(), dataDir, k);
        return new Worker(store, gate, new dev.optbench.study.EngineRunner(gate,
                new BatchedTrainerRunner(runner, dataDir, device, k, optimizers), torch), study, id, leaseMillis, listener);
    }
}
