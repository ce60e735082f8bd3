package dev.optbench.study;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;

/**
 * Runs a study's pending trials with K workers as threads of this process, each with its own
 * store connection, under a progress bar with ETA. Ctrl-C releases the running trials back to
 * pending, so running the same study again resumes it. Used by {@code study run} and
 * {@code reproduce}.
 */
public final class LocalWorkers {
    private LocalWorkers() {}

    /** Makes worker {@code id} of the pool on its own store connection; the caller holds the trial options. */
    @FunctionalInterface
    public interface WorkerFactory {
        Worker make(SqlStudyStore own, Notices notices, String id);
    }

    /** Opens the run's progress bar: {@code done} of {@code total} trials were done before it started. */
    @FunctionalInterface
    public interface Bar {
        ProgressBar open(long total, long done);
    }

    /**
     * Runs until the study has no pending or running trial left that these workers may run (the
     * rest is named on stderr, see {@link dev.optbench.study.ClaimGate}); returns the final summary.
     */
    public static StudySummary run(SqlStudyStore monitor, String name, int workers, CommandPolicy policy,
            dev.optbench.optim.OptimizerRegistry optimizers, WorkerFactory factory, Bar progress) throws InterruptedException {
        if (workers < 1) {
            throw new dev.optbench.InputException("--workers must be at least 1, not " + workers);
        }
        List<Worker> pool = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(workers);
        String id = Worker.defaultId();
        Notices notices = new Notices(line -> System.err.println("\n" + line)); // after the progress bar's line
        java.util.Set<String> ours = new java.util.HashSet<>();
        for (int i = 0; i < workers; i++) {
            ours.add(id + "-" + (i + 1));
        }
        LeaseWatch leases = new LeaseWatch(ours);
        for (int i = 0; i < workers; i++) {
            SqlStudyStore own = StudyStores.open(monitor.url()).retrying(monitor.retryPolicy());
            Worker w = factory.make(own, notices, id + "-" + (i + 1));
            pool.add(w);
            Thread t = new Thread(() -> {
                try (own) {
                    w.run();
                } catch (RuntimeException e) {
                    error.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }, "worker-" + (i + 1));
            threads.add(t);
        }
        Thread hook = new Thread(() -> stopAll(pool), "optbench-release");
        Runtime.getRuntime().addShutdownHook(hook);
        threads.forEach(Thread::start);
        StudySummary start = StudySummary.of(monitor, name);
        try (ProgressBar bar = progress.open(start.total(), start.done())) {
            // the bar moves once a second; the run ends the moment the last worker does
            while (!finished.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                StudySummary now = StudySummary.of(monitor, name);
                bar.stepTo(now.done());
                bar.setExtraMessage(" running " + now.count(TrialState.RUNNING));
                String waiting = leases.update(now.count(TrialState.PENDING), monitor.leases(name));
                if (waiting != null) {
                    System.err.println("\n" + waiting);
                }
            }
            bar.stepTo(StudySummary.of(monitor, name).done());
            for (Thread t : threads) {
                t.join(); // done: each has counted down on its way out
            }
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
        String left = new ClaimGate(monitor, policy, optimizers, notices).remaining(name);
        if (left != null) {
            System.err.println("optbench: study " + name + ": " + left + " (see above)");
        }
        return StudySummary.of(monitor, name);
    }

    /** Ctrl-C: each worker cancels its running trial and releases it to pending before the JVM exits. */
    public static void stopAll(List<? extends Worker> pool) {
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
        System.err.println("\noptbench: stopped; running trials were released to pending (run the same command again to resume)");
    }
}
