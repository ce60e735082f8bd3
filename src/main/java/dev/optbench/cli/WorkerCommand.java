package dev.optbench.cli;

import dev.optbench.layout.Layout;
import dev.optbench.layout.Layouts;
import dev.optbench.study.Claim;
import dev.optbench.study.ClaimGate;
import dev.optbench.study.CommandPolicy;
import dev.optbench.study.LocalWorkers;
import dev.optbench.study.Notices;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.TrialState;
import dev.optbench.study.Worker;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run trials from the store until none is left: one worker, on any machine.",
            "Start as many as you like against one PostgreSQL store (see docs/distributed.md).",
            "Ctrl-C releases the running trial back to pending."})
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--study", paramLabel = "NAME", description = "Only this study (default: any study with pending trials).")
    String study;

    @Option(names = "--name", description = "Worker name in the store (default host:pid).")
    String name;

    @Mixin TrialOptions trials;

    @Mixin StoreOption store;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        long lease = trials.leaseMillis();
        String id = name != null ? name : Worker.defaultId();
        var retry = trials.storeRetry();
        CommandPolicy policy = trials.policy(); // a bad --allow-commands file fails before anything runs
        Notices notices = new Notices(System.err::println);
        try (SqlStudyStore s = store.open().retrying(retry)) {
            TrialOptions chosen = trials;
            if (study != null && !s.study(study).isTorch()) { // a torch study's K is the engine's (--batch-trials)
                String workload = s.study(study).workload();
                dev.optbench.train.Trainer.prefetch(workload, trials.dataDir);
                // one worker: the layout fixes its intra-op threads and K (unless given)
                Integer fixedBatch = trials.fixedBatch();
                trials.checkedDevice();
                Layout layout = Layouts.realize(Layouts.choose(workload, 1, fixedBatch, null), System.err);
                chosen = trials.withBatchTrials(layout.batchTrials());
            }
            Worker worker = chosen.worker(Main.optimizers(spec), s, policy, notices, study, id, lease, new LogListener(id));
            Thread hook = new Thread(() -> LocalWorkers.stopAll(List.of(worker)), "optbench-release");
            Runtime.getRuntime().addShutdownHook(hook);
            int n;
            try {
                System.err.println("optbench: worker " + id + " on " + s.url().masked() + (study == null ? "" : ", study " + study));
                n = worker.run();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and waits for this worker to release its trial
                }
            }
            String left = new ClaimGate(s, policy, Main.optimizers(spec), notices).remaining(study);
            if (left != null) { // refused work remains for other workers; with nothing run, a scheduler must see a failure
                System.err.println("optbench: worker " + id + " stored " + n + " trials; " + left + " (see above)");
                return n == 0 ? 1 : 0;
            }
            System.err.println("optbench: worker " + id + " stored " + n + " trials; nothing left to run");
        }
        return 0;
    }

    /** One line per event on stderr, so a cluster's logs tell which worker ran what. */
    private record LogListener(String id) implements Worker.Listener {
        @Override
        public void claimed(Claim c) {
            System.err.println("optbench: " + id + " runs " + c.label() + " " + new java.util.TreeMap<>(c.hparams()));
        }

        @Override
        public void finished(Claim c, TrialState state, double validationError, double seconds) {
            System.err.printf(java.util.Locale.ROOT, "optbench: %s finished %s: %s, validation error %.4f, %.1f s%n", id, c.label(), state.id(),
                    validationError, seconds);
        }

        @Override
        public void released(Claim c) {
            System.err.println("optbench: " + id + " released " + c.label() + " to pending");
        }

        @Override
        public void lostLease(Claim c) {
            System.err.println("optbench: " + id + " lost the lease on " + c.label() + " (another worker has it)");
        }

        @Override
        public void failed(Claim c, String message) {
            System.err.println("optbench: " + id + " trial " + c.label() + " failed: " + message);
        }
    }
}
