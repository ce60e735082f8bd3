package dev.optbench.cli;

import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyStores;
import dev.optbench.study.StudySummary;
import dev.optbench.study.TrainerRunner;
import dev.optbench.study.TrialState;
import dev.optbench.study.Worker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
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

    @Option(names = "--workers", defaultValue = "1", description = "Local workers (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--retry-failed", description = "Put failed trials back to pending first.")
    boolean retryFailed;

    @Option(names = "--data-dir", description = "Where the data sets are (default: each data set's usual place).")
    Path dataDir;

    @Option(names = "--lease-seconds", hidden = true)
    Double leaseSeconds;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (workers < 1) {
            throw new dev.optbench.InputException("--workers must be at least 1, not " + workers);
        }
        long lease = Leases.millis(leaseSeconds);
        try (SqlStudyStore monitor = store.open()) {
            monitor.study(name);
            if (retryFailed) {
                int n = monitor.retryFailed(name);
                System.err.println("optbench: " + n + " failed trials put back to pending");
            }
            List<Worker> pool = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            AtomicReference<RuntimeException> error = new AtomicReference<>();
            String id = Worker.defaultId();
            for (int i = 0; i < workers; i++) {
                SqlStudyStore own = StudyStores.open(monitor.url());
                Worker w = new Worker(own, new TrainerRunner(dataDir), name, id + "-" + (i + 1), lease, new Worker.Listener() {});
                pool.add(w);
                Thread t = new Thread(() -> {
                    try (own) {
                        w.run();
                    } catch (RuntimeException e) {
                        error.compareAndSet(null, e);
                    }
                }, "worker-" + (i + 1));
                threads.add(t);
            }
            Thread hook = new Thread(() -> stopAll(pool), "optbench-release");
            Runtime.getRuntime().addShutdownHook(hook);
            threads.forEach(Thread::start);
            StudySummary start = StudySummary.of(monitor, name);
            try (ProgressBar bar = Progress.bar("study " + name, start.total(), " trials", start.done())) {
                while (threads.stream().anyMatch(Thread::isAlive)) {
                    threads.get(0).join(1000);
                    StudySummary now = StudySummary.of(monitor, name);
                    bar.stepTo(now.done());
                    bar.setExtraMessage(" running " + now.count(TrialState.RUNNING));
                }
                bar.stepTo(StudySummary.of(monitor, name).done());
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and waits for the workers to release their trials
                }
            }
            if (error.get() != null) {
                throw error.get();
            }
            StudySummary end = StudySummary.of(monitor, name);
            end.lines().forEach(spec.commandLine().getOut()::println);
            int failed = end.count(TrialState.FAILED);
            if (failed > 0) {
                System.err.println("optbench: " + failed + " trials failed (their messages: optbench study export " + name
                        + " --format json; retry them: optbench study run " + name + " --retry-failed)");
                return 1;
            }
            return 0;
        }
    }

    /** Ctrl-C: each worker cancels its running trial and releases it to pending before the JVM exits. */
    static void stopAll(List<Worker> pool) {
        pool.forEach(Worker::stop);
        long deadline = System.currentTimeMillis() + 60_000;
        while (pool.stream().anyMatch(w -> !w.isDone()) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        System.err.println("\noptbench: stopped; running trials were released to pending (run the study again to resume)");
    }
}
