package dev.optbench.study;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The trials one worker holds and their leases, in one place: it claims them, renews every held
 * lease each quarter lease (the heartbeat), hands a trial back for storing once it has run, and
 * releases what is still held when the worker stops. A lease that cannot be renewed (the trial
 * expired and another worker may hold it now) leaves the set and is reported; this worker then
 * never writes that trial. Nothing else renews a lease. Used from the worker's own thread only.
 */
final class Heartbeat {
    private final SqlStudyStore store;
    private final String worker;
    private final long leaseMillis;
    private final long everyNanos;
    private final Worker.Listener listener;
    private final Set<Claim> held = new LinkedHashSet<>();
    private long next;

    Heartbeat(SqlStudyStore store, String worker, long leaseMillis, Worker.Listener listener) {
        if (leaseMillis < 200) {
            throw new IllegalArgumentException("lease must be at least 200 ms, not " + leaseMillis);
        }
        this.store = store;
        this.worker = worker;
        this.leaseMillis = leaseMillis;
        this.everyNanos = Math.max(50, leaseMillis / 4) * 1_000_000; // a quarter lease, at least 50 ms
        this.listener = listener;
    }

    /** How often the leases are renewed. */
    long everyMillis() {
        return everyNanos / 1_000_000;
    }

    /**
     * Claims the next pending trial that {@code filter} admits (in {@code study}, or any study if
     * null), then more of its study until {@code limit} (of the first claim) are held or
     * {@code more} says no; returns them, empty if none was pending. Where {@code oneOptimizerFirst}
     * holds for the first claim, the batch takes that optimizer's pending trials before others
     * (an engine that stacks trials per update rule trains one full group, not several small ones).
     */
    List<Claim> claim(String study, ClaimFilter filter, ToIntFunction<Claim> limit, Predicate<Claim> oneOptimizerFirst,
            BooleanSupplier more) {
        List<Claim> claims = new ArrayList<>();
        Optional<Claim> first = store.claim(study, worker, leaseMillis, filter);
        if (first.isEmpty()) {
            return claims;
        }
        next = System.nanoTime() + everyNanos;
        int most = limit.applyAsInt(first.get());
        String in = first.get().study();
        List<ClaimFilter> order = oneOptimizerFirst.test(first.get())
                ? List.of(filter.only(in, first.get().optimizer()), filter) : List.of(filter);
        claims.add(first.get());
        held.add(first.get());
        for (ClaimFilter f : order) {
            while (claims.size() < most && more.getAsBoolean()) {
                Optional<Claim> c = store.claim(in, worker, leaseMillis, f);
                if (c.isEmpty()) {
                    break;
                }
                claims.add(c.get());
                held.add(c.get());
            }
        }
        return claims;
    }

    /** Renews the held leases once a quarter lease has passed since they were last renewed (or claimed). */
    void beat() {
        if (!held.isEmpty() && System.nanoTime() - next >= 0) {
            renewAll();
        }
    }

    /** Renews every held lease now; each renewed one is reported, a lost one leaves the set and is reported. */
    void renewAll() {
        for (Claim c : List.copyOf(held)) {
            if (store.renew(c, leaseMillis)) {
                listener.renewed(c);
            } else {
                held.remove(c);
                listener.lostLease(c);
            }
        }
        next = System.nanoTime() + everyNanos;
    }

    /** Takes {@code claim} off the heartbeat to store its result; false if its lease was lost meanwhile. */
    boolean letGo(Claim claim) {
        return held.remove(claim);
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** Releases every held trial to pending (stop, Ctrl-C); each one still this worker's is reported. */
    void releaseAll() {
        for (Claim c : held) {
            if (store.release(c)) {
                listener.released(c);
            }
        }
        held.clear();
    }
}
