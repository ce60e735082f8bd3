package dev.optbench.study;

import dev.optbench.Messages;
import dev.optbench.Version;
import dev.optbench.train.Measurement;
import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker: claims a pending trial and up to K − 1 more of its study (K is the runner's
 * {@link TrialRunner#batchLimit}; K = 1 claims one), trains them together on its own trial
 * thread while its {@link Heartbeat} renews every lease each quarter lease, and stores each
 * result on its own: completed, diverged, or failed with its message (a trial that failed alone
 * in a batch, see {@link dev.optbench.train.BatchedTrainer#train(List, List)}, or every trial of
 * a batch that threw). Repeats until the study (or, without one, every study) has no pending or
 * running trial left that its {@link ClaimGate} admits. A lost lease abandons only that trial:
 * another worker may hold it now, so no finished trial is written twice; the others go on.
 * {@link #stop()} cancels the running trials and releases them to pending; if the process
 * dies, the leases expire and the trials return to pending as usual.
 */
public final class Worker {
    /** What a worker reports; every method defaults to nothing. */
    public interface Listener {
        default void claimed(Claim claim) {}

        default void finished(Claim claim, TrialState state, double validationError, double seconds) {}

        default void released(Claim claim) {}

        /** The heartbeat renewed {@code claim}'s lease. */
        default void renewed(Claim claim) {}

        default void lostLease(Claim claim) {}

        default void failed(Claim claim, String message) {}
    }

    private final SqlStudyStore store;
    private final ClaimGate gate;
    private final TrialRunner runner;
    private final String study;
    private final String id;
    private final Listener listener;
    private final Heartbeat leases;
    private volatile boolean stopping;
    private volatile boolean done;
    /** A failed progress write was said (once per worker). */
    private volatile boolean progressWarned;

    /**
     * A worker of the built-in optimizers that runs no external command (and so no external
     * study's trial): for tests and tools.
     */
    public Worker(SqlStudyStore store, TrialRunner runner, String study, String id, long leaseMillis, Listener listener) {
        this(store, new ClaimGate(store, CommandPolicy.NONE, dev.optbench.optim.OptimizerRegistry.BUILT_IN,
                new Notices(System.err::println)), runner, study, id,
                leaseMillis, listener);
    }

    /** A worker that claims only what {@code gate} admits (its runner runs claims by the gate's definitions). */
    public Worker(SqlStudyStore store, ClaimGate gate, TrialRunner runner, String study, String id, long leaseMillis,
            Listener listener) {
        this.store = store;
        this.gate = gate;
        this.runner = runner;
        this.study = study;
        this.id = id;
        this.listener = listener;
        this.leases = new Heartbeat(store, id, leaseMillis, listener); // refuses a lease under 200 ms
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

    /** Asks the worker to stop: the running trials are cancelled and released; nothing new is claimed. */
    public void stop() {
        stopping = true;
    }

    public boolean isDone() {
        return done;
    }

    /** Runs trials until none is left to claim or run, or until stopped; returns how many it stored (not failed). */
    public int run() {
        if (study != null) {
            store.study(study);
        }
        ExecutorService trialThread = trialThread(id + "-trials");
        int stored = 0;
        try {
            ClaimFilter filter = gate.refresh(study);
            while (!stopping) {
                List<Claim> claims = leases.claim(study, filter, c -> runner.batchLimit(c),
                        c -> runner.batchesOneOptimizerFirst(c), () -> !stopping);
                if (!claims.isEmpty()) {
                    stored += runBatch(claims, trialThread);
                } else {
                    filter = gate.refresh(study); // studies may have appeared or changed since
                    int unfinished = store.unfinished(study, filter);
                    if (unfinished == 0) {
                        break; // what is left, if anything, this worker may not run
                    }
                    // others are running; wait for them or their leases
                    if (awaitOthers(store, study, filter, unfinished, Math.min(1000, leases.everyMillis()), () -> stopping)) {
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

    /** Trains {@code claims} (just claimed, so all held) together and stores each result; returns how many it stored. */
    private int runBatch(List<Claim> claims, ExecutorService trialThread) {
        claims.forEach(listener::claimed);
        Future<List<TrainResult>> future = trialThread.submit(() -> runner.runBatch(claims, this::recordProgress));
        long poll = Math.min(leases.everyMillis(), 100);
        while (true) {
            try {
                return storeEach(claims, future.get(poll, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                if (stopping) {
                    if (!future.cancel(true) && future.isDone()) {
                        continue; // it finished just now: store it rather than throw it away
                    }
                    cancelAndWait(future, trialThread);
                    leases.releaseAll();
                    return 0;
                }
                leases.beat();
                if (leases.isEmpty()) { // every lease is lost: nothing of this batch may be stored
                    cancelAndWait(future, trialThread);
                    return 0;
                }
            } catch (InterruptedException e) { // this worker's own thread was interrupted: stop now
                stopping = true;
                future.cancel(true);
                leases.releaseAll();
                Thread.currentThread().interrupt();
                return 0;
            } catch (CancellationException e) {
                leases.releaseAll();
                return 0;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof CancellationException && stopping) {
                    leases.releaseAll();
                    return 0;
                }
                String message = Messages.describe(cause); // words, never a Java class name
                List<TrainResult> failed = new ArrayList<>();
                claims.forEach(c -> failed.add(TrainResult.failed(message, 0, List.of(), 0)));
                return storeEach(claims, failed);
            }
        }
    }

    /**
     * Stores a running trial's evaluations (its live curve) while the claim holds it. A store
     * that fails is said once and never fails the trial: {@link SqlStudyStore#complete} stores
     * the whole curve at the end.
     */
    private void recordProgress(Claim claim, List<Measurement> evaluations) {
        try {
            store.recordProgress(claim, evaluations);
        } catch (RuntimeException e) {
            if (!progressWarned) {
                progressWarned = true;
                gate.notice("optbench: warning: worker " + id + " could not store " + claim.label()
                        + "'s progress (" + Messages.describe(e) + "); its trials train on, and each curve is stored"
                        + " when the trial finishes");
            }
        }
    }

    /** Stores result k for claim k, each still held; returns how many were stored completed or diverged. */
    private int storeEach(List<Claim> claims, List<TrainResult> results) {
        int stored = 0;
        for (int k = 0; k < claims.size(); k++) {
            leases.beat(); // storing K curves takes a while: keep the rest held
            if (!leases.letGo(claims.get(k))) {
                continue;
            }
            if (results.get(k) == null) { // its process crashed before the trial's end: back to pending
                if (store.release(claims.get(k))) {
                    listener.released(claims.get(k));
                }
                continue;
            }
            stored += store(claims.get(k), results.get(k), claims.size()) ? 1 : 0;
        }
        return stored;
    }

    /** Stores one trial's result: completed, diverged, or failed with its message; false unless completed or diverged. */
    private boolean store(Claim claim, TrainResult result, int batch) {
        Map<String, String> provenance = provenance(runner, id, claim);
        provenance.put("batch_trials", Integer.toString(batch)); // how many trials trained together
        runner.runProvenance(claim).forEach((k, v) -> provenance.put(provenance.containsKey(k) ? "engine_" + k : k, v));
        if (result.status() == RunStatus.FAILED) {
            if (store.fail(claim, result.failure(), provenance)) {
                listener.failed(claim, result.failure());
            } else {
                listener.lostLease(claim);
            }
            return false;
        }
        TrialState state = result.status() == RunStatus.DIVERGED ? TrialState.DIVERGED : TrialState.COMPLETED;
        double validation = result.finalError(Split.VALIDATION);
        double test = result.finalError(Split.TEST);
        Double toTarget = stepsToTarget(result, runner.targetError(claim));
        boolean stored = store.complete(claim, state, result.stepsRun(), result.seconds(), validation, test, toTarget,
                provenance, result.measurements());
        if (stored) {
            listener.finished(claim, state, validation, result.seconds());
        } else {
            listener.lostLease(claim);
        }
        return stored;
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

    /** What is recorded with every trial: versions, the workload's definition, its data, the worker, a plug-in's jar. */
    Map<String, String> provenance(TrialRunner runner, String id, Claim claim) {
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
        p.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors())); // the times' hardware (report)
        p.put("java", System.getProperty("java.version"));
        p.put("native", nativeSettings());
        p.put("native_libraries", dev.optbench.train.NativeLibraries.describe());
        dev.optbench.optim.Plugins.Source plugin = gate.optimizers().pluginSource(
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
        dev.optbench.platform.NativeSetup.State s = dev.optbench.platform.NativeSetup.state();
        String path = dev.optbench.platform.NativeSetup.mklCodePath().map(b -> b + ", ").orElse("");
        return "oneMKL " + path + "code path " + dev.optbench.platform.NativeSetup.mklDispatch() + "; glibc allocator "
                + (s.allocatorTuned() ? "tuned by optbench" : "as set by the environment")
                + "; update rules: " + dev.optbench.optim.Optimizers.updateKernels()
                + "; stacked MLPs and CNNs: " + dev.optbench.train.NativeNet.status();
    }

    /** The single daemon thread a worker trains on, so its own thread stays free to renew leases. */
    private static ExecutorService trialThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Cancels the running batch and waits until the trial thread has let go of it. */
    private static void cancelAndWait(Future<?> future, ExecutorService trialThread) {
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
    private static boolean awaitOthers(SqlStudyStore store, String study, ClaimFilter filter, int unfinished, long millis,
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
