package dev.optbench.study;

import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker that trains up to K trials of one study at once (SPEC section 10): it claims a
 * pending trial, then up to K − 1 more of the same study (each its own claim, attempt and
 * lease), trains them together on its trial thread while renewing every lease each quarter
 * lease, and stores each result on its own: a trial that failed alone (see
 * {@link dev.optbench.train.BatchedTrainer#train(List, List)}) is stored failed, the others as usual. A trial that diverges early is stored with the
 * others when the batch ends (its lease is renewed until then). A lease that is lost is no
 * longer renewed and its trial's result is not written (another worker owns it now); the
 * others go on. {@link #stop()} cancels the batch and releases every held trial to pending; if
 * the process dies, all K leases expire and the trials return to pending as usual.
 */
public final class BatchWorker implements TrialWorker {
    private final SqlStudyStore store;
    private final ClaimGate gate;
    private final BatchTrialRunner runner;
    private final String study;
    private final String id;
    private final long leaseMillis;
    private final Worker.Listener listener;
    private volatile boolean stopping;
    private volatile boolean done;
    /** What this worker may claim, as its gate last said ({@link #run}). */
    private ClaimFilter filter = new ClaimFilter(java.util.Map.of());

    /** A worker that runs no external command (and so no external study's trial): for tests and tools. */
    public BatchWorker(SqlStudyStore store, BatchTrialRunner runner, String study, String id, long leaseMillis,
            Worker.Listener listener) {
        this(store, new ClaimGate(store, CommandPolicy.NONE, new Notices(System.err::println)), runner, study, id,
                leaseMillis, listener);
    }

    /** A worker that claims only what {@code gate} admits (its runner runs claims by the gate's definitions). */
    public BatchWorker(SqlStudyStore store, ClaimGate gate, BatchTrialRunner runner, String study, String id,
            long leaseMillis, Worker.Listener listener) {
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

    @Override
    public String id() {
        return id;
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    @Override
    public int run() {
        if (study != null) {
            store.study(study);
        }
        ExecutorService trialThread = Worker.trialThread(id + "-trials");
        int stored = 0;
        try {
            filter = gate.refresh(study);
            while (!stopping) {
                List<Claim> claims = claimBatch();
                if (!claims.isEmpty()) {
                    stored += runBatch(claims, trialThread);
                } else {
                    filter = gate.refresh(study); // studies may have appeared or changed since
                    int unfinished = store.unfinished(study, filter);
                    if (unfinished == 0) {
                        break; // what is left, if anything, this worker may not run
                    }
                    if (Worker.awaitOthers(store, study, filter, unfinished, Math.min(1000, leaseMillis / 4), () -> stopping)) {
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

    /** The next pending trial and up to K − 1 more of its study; empty if none is pending. */
    List<Claim> claimBatch() {
        List<Claim> claims = new ArrayList<>();
        Optional<Claim> first = store.claim(study, id, leaseMillis, filter);
        if (first.isEmpty()) {
            return claims;
        }
        claims.add(first.get());
        int limit = runner.batchLimit(first.get().workload());
        while (claims.size() < limit && !stopping) {
            Optional<Claim> next = store.claim(first.get().study(), id, leaseMillis, filter);
            if (next.isEmpty()) {
                break;
            }
            claims.add(next.get());
        }
        return claims;
    }

    private int runBatch(List<Claim> claims, ExecutorService trialThread) {
        claims.forEach(listener::claimed);
        Set<Claim> held = new LinkedHashSet<>(claims);
        Future<List<TrainResult>> future = trialThread.submit(() -> runner.runBatch(claims));
        long renewEvery = Math.max(50, leaseMillis / 4);
        long nextRenewal = System.nanoTime() + renewEvery * 1_000_000;
        while (true) {
            try {
                List<TrainResult> results = future.get(Math.min(renewEvery, 100), TimeUnit.MILLISECONDS);
                int stored = 0;
                for (int k = 0; k < claims.size(); k++) {
                    if (System.nanoTime() >= nextRenewal) { // storing K curves takes a while: keep the rest held
                        renewAll(held);
                        nextRenewal = System.nanoTime() + renewEvery * 1_000_000;
                    }
                    Claim c = claims.get(k);
                    if (held.remove(c)) {
                        stored += finish(c, results.get(k), claims.size()) ? 1 : 0;
                    }
                }
                return stored;
            } catch (TimeoutException e) {
                if (stopping) {
                    if (!future.cancel(true) && future.isDone()) {
                        continue; // it finished just now: store it rather than throw it away
                    }
                    Worker.cancelAndWait(future, trialThread);
                    releaseAll(held);
                    return 0;
                }
                if (System.nanoTime() >= nextRenewal) {
                    renewAll(held);
                    if (held.isEmpty()) {
                        Worker.cancelAndWait(future, trialThread);
                        return 0;
                    }
                    nextRenewal = System.nanoTime() + renewEvery * 1_000_000;
                }
            } catch (InterruptedException e) {
                stopping = true;
                future.cancel(true);
                releaseAll(held);
                Thread.currentThread().interrupt();
                return 0;
            } catch (CancellationException e) {
                held.forEach(store::release);
                return 0;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof CancellationException && stopping) {
                    releaseAll(held);
                    return 0;
                }
                String message = dev.optbench.Messages.describe(cause); // Worker's words, no class names
                for (Claim c : held) {
                    Worker.failed(store, listener, c, message, provenance(c, claims.size()));
                }
                return 0;
            }
        }
    }

    /** Renews every held lease; a claim whose lease is gone leaves {@code held}. */
    private void renewAll(Set<Claim> held) {
        for (Claim c : List.copyOf(held)) {
            if (!store.renew(c, leaseMillis)) {
                held.remove(c);
                listener.lostLease(c);
            }
        }
    }

    private void releaseAll(Set<Claim> held) {
        for (Claim c : held) {
            if (store.release(c)) {
                listener.released(c);
            }
        }
    }

    private boolean finish(Claim claim, TrainResult result, int batch) {
        if (result.status() == RunStatus.FAILED) { // this trial alone threw; the batch's others are stored as usual
            Worker.failed(store, listener, claim, result.failure(), provenance(claim, batch));
            return false;
        }
        TrialState state = result.status() == RunStatus.DIVERGED ? TrialState.DIVERGED : TrialState.COMPLETED;
        double validation = result.finalError(Split.VALIDATION);
        double test = result.finalError(Split.TEST);
        Double toTarget = Worker.stepsToTarget(result, runner.targetError(claim));
        boolean stored = store.complete(claim, state, result.stepsRun(), result.seconds(), validation, test, toTarget,
                provenance(claim, batch), result.measurements());
        if (stored) {
            listener.finished(claim, state, validation, result.seconds());
        } else {
            listener.lostLease(claim);
        }
        return stored;
    }

    /** As {@link Worker}'s provenance, plus how many trials trained together. */
    private Map<String, String> provenance(Claim claim, int batch) {
        Map<String, String> p = Worker.provenance(runner, id, claim);
        p.put("batch_trials", Integer.toString(batch));
        return p;
    }

}
