package dev.optbench.cli;

import dev.optbench.layout.Layout;
import dev.optbench.layout.Layouts;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudySummary;
import dev.optbench.study.TrialState;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a study's pending trials with K local workers (threads of this process); resumes a stopped study.",
            "Ctrl-C releases the running trials back to pending; run again to resume."})
final class StudyRunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--workers", defaultValue = "auto",
            description = "Local workers, or auto: the layout measured fastest here (see 'bench layout'), else one per core.")
    String workers;

    @Option(names = "--retry-failed", description = "Put failed trials back to pending first.")
    boolean retryFailed;

    @Mixin TrialOptions trials;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        long lease = trials.leaseMillis();
        var retry = trials.storeRetry();
        try (SqlStudyStore monitor = store.open().retrying(retry)) {
            dev.optbench.study.StudyDefinition def = monitor.study(name);
            String workload = def.workload();
            if (!def.isTorch()) { // a torch study's data is read by its engine
                dev.optbench.train.Trainer.prefetch(workload, trials.dataDir);
            }
            // bad --workers, --device or --batch-trials fail before anything is changed or printed
            Integer fixedWorkers = Layouts.parseCount(workers, "--workers");
            Integer fixedBatch = trials.fixedBatch();
            trials.checkedDevice();
            if (retryFailed) {
                int n = monitor.retryFailed(name);
                System.err.println("optbench: " + n + " failed trials put back to pending");
            }
            int pending = StudySummary.of(monitor, name).count(TrialState.PENDING);
            StudySummary end;
            if (def.isTorch()) { // one engine process per worker holds K trials; DJL's CPU layout does not apply
                end = trials.runLocally(Main.optimizers(spec), monitor, name,
                        fixedWorkers == null ? 1 : fixedWorkers, lease);
            } else {
                Layout layout = Layouts.realize(Layouts.choose(workload, fixedWorkers, fixedBatch, null, pending), System.err);
                end = trials.withBatchTrials(layout.batchTrials()).runLocally(Main.optimizers(spec), monitor, name,
                        layout.workers(), lease);
            }
            end.lines().forEach(spec.commandLine().getOut()::println);
            int failed = end.count(TrialState.FAILED);
            if (failed > 0) {
                System.err.println("optbench: " + failed + " trials failed (their messages: optbench study export " + name
                        + " --format json; retry them: optbench study run " + name + " --retry-failed)");
                return 1;
            }
            int left = end.count(TrialState.PENDING) + end.count(TrialState.RUNNING);
            if (left > 0) { // refused here (said above): another worker, or this one with more allowed, must run them
                return 1;
            }
            return 0;
        }
    }
}
