package dev.optbench.study;

import dev.optbench.Version;
import dev.optbench.train.Measurement;
import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One worker: claims a pending trial, trains it on its own trial thread while renewing the
 * lease every quarter lease, and stores the result; repeats until the study (or, without one,
 * every study) has no pending or running trial left. {@link #stop()} cancels the running trial
 * and releases it to pending. A worker that loses its lease abandons the trial: only the
 * current holder may complete it, so no finished trial is written twice.
 */
public final class Worker implements TrialWorker {
    /** What a worker reports; every method defaults to nothing. */
    public interface Listener {
        default void claimed(Claim claim) {}

        default void finished(Claim claim, TrialState state, double validationError, double seconds) {}

        default void released(Claim claim) {}

        default void lostLease(Claim claim) {}

        default void failed(Claim claim, String message) {}
    }

    private final SqlStudyStore store;
    private final ClaimGate gate;
    private final TrialRunner runner;
    private final String study;
    private final String id;
    private final long leaseMillis;
    private final Listener listener;
    private volatile boolean stopping;
    private volatile boolean done;

    /** A worker that runs no external command (and so no external study's trial): for tests and tools. */
    public Worker(SqlStudyStore store, TrialRunner runner, String study, String id, long leaseMillis, Listener listener) {
        this(store, new ClaimGate(store, CommandPolicy.NONE, new Notices(System.err::println)), runner, study, id,
                leaseMillis, listener);
    }

    /** A worker that claims only what {@code gate} admits (its runner runs claims by the gate's definitions). */
    public Worker(SqlStudyStore store, ClaimGate gate, TrialRunner runner, String study, String id, long leaseMillis,
            Listener listener) {
        if (leaseMillis < 200) {
            throw new IllegalArgumentException("lease must be at least 200 ms, not " + leaseMillis);
        }
        this.store = store;
        this.gate = gate;
        this.runner = runner;
        this.study = study;
        this.id = id;
        this.leaseMillis = leaseMillis;
        this.listener = listener;
    }

    /** host:pid, the default worker name; a suffix tells threads of one process apart. */
    public static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    public String id() {
        return id;
    }

    /** Asks the worker to stop: the running trial is cancelled and released; no new trial is claimed. */
    public void stop() {
        stopping = true;
    }

    public boolean isDone() {
        return done;
    }

    /** Runs trials until none is left to claim or run, or until stopped; returns how many it stored. */
    public int run() {
        if (study != null) {
            store.study(study);
        }
        ExecutorService trialThread = trialThread(id + "-trial");
        int stored = 0;
        try {
            ClaimFilter filter = gate.refresh(study);
            while (!stopping) {
                Optional<Claim> claim = store.claim(study, id, leaseMillis, filter);
                if (claim.isPresent()) {
                    stored += runClaim(claim.get(), trialThread) ? 1 : 0;
                } else {
                    filter = gate.refresh(study); // studies may have appeared or changed since
                    int unfinished = store.unfinished(study, filter);
                    if (unfinished == 0) {
                        break; // what is left, if anything, this worker may not run
                    }
                    // others are running; wait for them or their leases
                    if (awaitOthers(store, study, filter, unfinished, Math.min(1000, leaseMillis / 4), () -> stopping)) {
                        stopping = true;
                    }
                }
            }
        } finally {
            trialThread.shutdownNow();
            done = true;
        }
        return stored;
    }

    private boolean runClaim(Claim claim, ExecutorService trialThread) {
        listener.claimed(claim);
        Future<TrainResult> future = trialThread.submit(() -> runner.run(claim));
        long renewEvery = Math.max(50, leaseMillis / 4);
        long nextRenewal = System.nanoTime() + renewEvery * 1_000_000;
        while (true) {
            try {
                TrainResult result = future.get(Math.min(renewEvery, 100), TimeUnit.MILLISECONDS);
                return finish(claim, result);
            } catch (TimeoutException e) {
                if (stopping) {
                    if (!future.cancel(true) && future.isDone()) {
                        continue; // it finished just now: store it rather than throw it away
                    }
                    cancelAndWait(future, trialThread);
                    if (store.release(claim)) {
                        listener.released(claim);
                    }
                    return false;
                }
                if (System.nanoTime() >= nextRenewal) {
                    if (!store.renew(claim, leaseMillis)) {
                        cancelAndWait(future, trialThread);
                        listener.lostLease(claim);
                        return false;
                    }
                    nextRenewal = System.nanoTime() + renewEvery * 1_000_000;
                }
            } catch (InterruptedException e) { // this worker's own thread was interrupted: stop now
                stopping = true;
                future.cancel(true);
                if (store.release(claim)) {
                    listener.released(claim);
                }
                Thread.currentThread().interrupt();
                return false;
            } catch (CancellationException e) {
                store.release(claim);
                return false;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof CancellationException && stopping) {
                    if (store.release(claim)) {
                        listener.released(claim);
                    }
                    return false;
                }
                failed(store, listener, claim, dev.optbench.Messages.describe(cause), provenance(claim));
                return false;
            }
        }
    }

    private boolean finish(Claim claim, TrainResult result) {
        if (result.status() == RunStatus.FAILED) {
            failed(store, listener, claim, result.failure(), provenance(claim));
            return false;
        }
        TrialState state = result.status() == RunStatus.DIVERGED ? TrialState.DIVERGED : TrialState.COMPLETED;
        double validation = result.finalError(Split.VALIDATION);
        double test = result.finalError(Split.TEST);
        Double toTarget = stepsToTarget(result, runner.targetError(claim));
        boolean stored = store.complete(claim, state, result.stepsRun(), result.seconds(), validation, test, toTarget,
                provenance(claim), result.measurements());
        if (stored) {
            listener.finished(claim, state, validation, result.seconds());
        } else {
            listener.lostLease(claim);
        }
        return stored;
    }

    /**
     * Stores {@code claim} as failed with {@code message} (words from {@link dev.optbench.Messages#describe},
     * never a Java class name; the same for {@link BatchWorker}) and tells the listener.
     */
    static void failed(SqlStudyStore store, Listener listener, Claim claim, String message,
            Map<String, String> provenance) {
        if (store.fail(claim, message, provenance)) {
            listener.failed(claim, message);
        } else {
            listener.lostLease(claim);
        }
    }

    /** The first evaluated step whose validation error is at most the target; null if never reached. */
    static Double stepsToTarget(TrainResult result, double target) {
        if (Double.isNaN(target) || result.status() != RunStatus.COMPLETED) {
            return null;
        }
        for (Measurement m : result.measurements()) {
            if (m.split() == Split.VALIDATION && m.error() <= target) {
                return (double) m.step();
            }
        }
        return null;
    }

    private Map<String, String> provenance(Claim claim) {
        return provenance(runner, id, claim);
    }

    /** What is recorded with every trial: versions, the workload's definition, its data, the worker, a plug-in's jar. */
    static Map<String, String> provenance(TrialRunner runner, String id, Claim claim) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("optbench_version", Version.version());
        p.put("git_commit", Version.gitCommit());
        p.put("workload", runner.workloadDefinition(claim));
        try {
            String data = runner.dataDescription(claim.workload());
            if (data != null) {
                p.put("data", data);
            }
        } catch (RuntimeException e) { // the data could not be read: the trial's own message says why
            p.put("data", "unreadable: " + dev.optbench.Messages.describe(e));
        }
        p.put("worker", id);
        p.put("host", id.contains(":") ? id.substring(0, id.indexOf(':')) : id);
        p.put("java", System.getProperty("java.version"));
        p.put("native", nativeSettings());
        p.put("native_libraries", dev.optbench.train.NativeSetup.libraries());
        dev.optbench.optim.Plugins.Source plugin = dev.optbench.optim.Optimizers.pluginSource(
                dev.optbench.optim.OptimizerAliases.rule(claim.optimizer()));
        if (plugin != null) { // the jar and its hash, so a study's workers can be checked to run the same rule
            p.put("plugin", plugin.toString());
        }
        return p;
    }

    /**
     * oneMKL's code path, the allocator setting and how update rules and stacked nets run: they
     * decide the last bits of a trial's numbers.
     */
    static String nativeSettings() {
        dev.optbench.train.NativeSetup.State s = dev.optbench.train.NativeSetup.state();
        String path = dev.optbench.train.NativeSetup.mklCodePath().map(b -> b + ", ").orElse("");
        return "oneMKL " + path + "code path " + dev.optbench.train.NativeSetup.mklDispatch() + "; glibc allocator "
                + (s.allocatorTuned() ? "tuned by optbench" : "as set by the environment")
                + "; update rules: " + dev.optbench.optim.Optimizers.updateKernels()
                + "; stacked MLPs and CNNs: " + dev.optbench.train.NativeNet.status();
    }

    /** The single daemon thread a worker trains on, so its own thread stays free to renew leases. */
    static ExecutorService trialThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Cancels the running trial (or batch) and waits until the trial thread has let go of it. */
    static void cancelAndWait(Future<?> future, ExecutorService trialThread) {
        future.cancel(true);
        try { // the trial thread runs one task at a time: this no-op ends once the cancelled trial has stopped
            trialThread.submit(() -> { }).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the trial ignores interrupts; its result will be refused (the claim is gone)
        }
    }

    /**
     * Waits up to {@code millis} while other workers run the study's last trials, and returns as
     * soon as one of them finishes or is released (the unfinished count, {@code unfinished} as the
     * caller just read it through {@code filter}, changes), so a run ends with its last trial instead of up to a second
     * later. Returns whether to stop.
     */
    static boolean awaitOthers(SqlStudyStore store, String study, ClaimFilter filter, int unfinished, long millis,
            java.util.function.BooleanSupplier stopping) {
        long end = System.currentTimeMillis() + millis;
        while (!stopping.getAsBoolean() && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(Math.min(100, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            if (store.unfinished(study, filter) != unfinished) {
                break;
            }
        }
        return stopping.getAsBoolean();
    }
}
